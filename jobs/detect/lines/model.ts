/**
 * The line model: what the workers need to score lines with the line-level isolation forest (the
 * line pass, jobs/detect/lines/anomalies.ts). Built on the main thread after the job's pass from
 * merged results: the rolling context of every (minute, service), each service's usual context,
 * the forest trained on the workers' bottom-k sample and its contamination cut, and the contexts
 * worth scoring. Plain data, so it travels to workers inside the query's params.
 *
 * ML_DETECTED is contextual: a line is flagged when the forest scores it at or above the cut AND
 * the moment lifts its score by at least LIFT over the same line in its service's usual context
 * (the median over the service's minutes). A line that is odd whenever it is logged (a rare
 * message, an error level) is not the forest's finding: the error level and the pattern rules
 * report those; the forest reports lines that the moment made abnormal. So only minutes whose
 * contexts lift scores need reading: candidatesOf picks them, and the README measures what that
 * loses against scoring every line.
 */
import { quantile } from 'simple-statistics';
import { SeededForest } from '../forest.js';
import { CompiledForest, type CompiledForestJSON, type ResidualForest } from './compiled.js';
import { ContextIndex, N_FEATURES, buildContext, serviceCode, type LineContext, type ServiceMinuteCell } from './features.js';
import type { SampleRow } from './sample.js';

/** Line-forest settings (config detection.lines). */
export interface LineForestOptions {
  trees: number;
  sample_size: number;
  contamination: number;
  seed: number;
  /** Share of each service's minutes (by error rate, by latency) whose lines are scored. */
  context_share: number;
}

export interface LineModelJSON {
  context: LineContext;
  /** Per service code: its usual err_rate_5m and rt_mean_5m, as the forest sees them. */
  usual: [number, number][];
  /** Context keys (see LineContext) whose lines are scored. */
  candidates: number[];
  forest: CompiledForestJSON;
  /** The contamination cut on the training sample's scores. */
  cut: number;
  /** How much the moment must raise a line's score over its usual context's (see LIFT). */
  lift: number;
  /** Rows kept (the report's cap), and ML lines kept by forest score alone (evaluation; 0 = none). */
  limit: number;
  forestTop: number;
}

/** Feature vectors of the sample rows under a context. */
export function sampleVectors(index: ContextIndex, sample: readonly SampleRow[]): Float64Array[] {
  return sample.map((r) => index.vector({ timestamp: r.timestamp, level: r.level, service: serviceCode(index.ctx.services, r.service), rt: r.rt }, r.message));
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The service code of a context key (minute index * width + code). Minutes before 1970 have
 * negative indexes, and `%` keeps the dividend's sign: the remainder is brought back to 0..width-1.
 */
const serviceOfKey = (k: number, width: number): number => ((k % width) + width) % width;

const rtFeature = (rt: number): number => (rt < 0 ? -1 : Math.log1p(rt));

/** Each service's usual context: the median over the minutes it logged in of err_rate_5m and rt_mean_5m (as features). */
export function usualOf(ctx: LineContext): [number, number][] {
  const width = ctx.services.length + 1;
  const err: number[][] = Array.from({ length: width }, () => []);
  const rt: number[][] = Array.from({ length: width }, () => []);
  ctx.keys.forEach((k, i) => {
    err[serviceOfKey(k, width)]!.push(ctx.errRate[i]!);
    if (ctx.rtMean[i]! >= 0) rt[serviceOfKey(k, width)]!.push(rtFeature(ctx.rtMean[i]!));
  });
  return err.map((e, svc) => [median(e), rt[svc]!.length ? median(rt[svc]!) : -1]);
}

/**
 * ML_DETECTED needs the moment to raise the line's score by at least this much over the same line
 * in its service's usual context: without it, lines just under the cut would cross it in any
 * minute that deviates a little, which is noise, not a finding.
 */
export const LIFT = 0.05;

/** Work bound of candidatesOf: contexts x probe lines scored on the main thread. */
const PROBE_BUDGET = 400_000;

/**
 * The candidate contexts: all contexts of the minutes where the moment could push a line over the
 * cut. Each service is probed with its oddest training lines (highest score below the cut in its usual context);
 * a minute's priority is the most any of its contexts lifts a probe's score. Minutes are taken by
 * priority, while it is at least LIFT / 2, until they hold `share` of all lines.
 */
export function candidatesOf(
  ctx: LineContext, usual: readonly [number, number][], forest: CompiledForest, cut: number,
  sample: readonly { svc: number; x: Float64Array }[], linesPerMinute: ReadonlyMap<number, number>, share: number,
): number[] {
  const width = ctx.services.length + 1;
  const probes = Math.max(1, Math.min(8, Math.floor(PROBE_BUDGET / Math.max(1, ctx.keys.length))));
  const bySvc: Float64Array[][] = Array.from({ length: width }, () => []);
  const ranked = sample.map((r) => {
    const x = Float64Array.from(r.x);
    x[4] = usual[r.svc]![0];
    x[5] = usual[r.svc]![1];
    return { svc: r.svc, x, s: forest.score(x) };
  }).filter((r) => r.s < cut).sort((a, b) => b.s - a.s); // a line above the cut in its usual context is never contextual
  const base: number[][] = Array.from({ length: width }, () => []);
  for (const r of ranked) if (bySvc[r.svc]!.length < probes) { bySvc[r.svc]!.push(r.x); base[r.svc]!.push(r.s); }
  // each probe varies only in its context features (4, 5): score it on its residual forest
  const residuals: ResidualForest[][] = bySvc.map((xs) => xs.map((x) => forest.residual(x, 4, 5)));
  const v = new Float64Array(N_FEATURES);
  const priority = new Map<number, number>();
  ctx.keys.forEach((k, i) => {
    const minute = Math.floor(k / width);
    let best = priority.get(minute) ?? 0;
    const svc = serviceOfKey(k, width);
    v[4] = ctx.errRate[i]!;
    v[5] = rtFeature(ctx.rtMean[i]!);
    for (let p = 0; p < residuals[svc]!.length; p++) best = Math.max(best, residuals[svc]![p]!.score(v) - base[svc]![p]!);
    priority.set(minute, best);
  });
  const total = [...linesPerMinute.values()].reduce((a, b) => a + b, 0);
  const order = [...priority].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const chosen = new Set<number>();
  let lines = 0;
  for (const [minute, p] of order) {
    const n = linesPerMinute.get(minute) ?? 0;
    if (p < LIFT / 2 || lines + n > share * total) break;
    chosen.add(minute);
    lines += n;
  }
  return ctx.keys.filter((k) => chosen.has(Math.floor(k / width)));
}

/** Build the model, or null without enough sample to train on (deterministic: the sample and the seed fix it). */
export function buildLineModel(inp: {
  sample: readonly SampleRow[]; cells: readonly ServiceMinuteCell[]; forest: LineForestOptions; limit: number; forestTop?: number;
}): LineModelJSON | null {
  if (inp.sample.length < 2) return null;
  const context = buildContext(inp.cells);
  const index = new ContextIndex(context);
  const rows = sampleVectors(index, inp.sample);
  const forest = CompiledForest.of(SeededForest.train(rows.map((r) => Array.from(r)), inp.forest));
  const c = new CompiledForest(forest);
  const cut = quantile(rows.map((r) => c.score(r)), 1 - inp.forest.contamination);
  const usual = usualOf(context);
  const perMinute = new Map<number, number>();
  for (const cell of inp.cells) {
    const m = Math.floor(cell.minute / 60_000);
    perMinute.set(m, (perMinute.get(m) ?? 0) + cell.total);
  }
  const probes = rows.map((x, i) => ({ svc: serviceCode(context.services, inp.sample[i]!.service), x }));
  const candidates = candidatesOf(context, usual, c, cut, probes, perMinute, inp.forest.context_share);
  return { context, usual, candidates, forest, cut, lift: LIFT, limit: inp.limit, forestTop: inp.forestTop ?? 0 };
}
