/**
 * The line model: what the workers need to score lines with the line-level isolation forest (the
 * line pass, jobs/detect/lines/anomalies.ts). Built on the main thread after the job's pass from
 * merged results: the rolling context of every (minute, service), each service's usual context,
 * the forest trained on the workers' bottom-k sample and its contamination cut, and the contexts
 * worth scoring. Plain data, so it travels to workers inside the query's params.
 *
 * ML_DETECTED is contextual: a line is flagged when the forest scores it above the cut AND it would
 * score below the cut in its service's usual context (the median over the service's minutes). A
 * line that is odd whenever it is logged (a rare message) is not the forest's finding: the error
 * level and the pattern rules report those; the forest reports lines made abnormal by the moment.
 * So only lines in contexts far from usual can be flagged: the candidates are the (minute, service)
 * contexts in the top `context_share` of their service's error rate or mean latency, or in the
 * bottom of its latency; the README measures what this loses against scoring every line.
 */
import { quantile } from 'simple-statistics';
import { SeededForest } from '../forest.js';
import { CompiledForest, type CompiledForestJSON } from './compiled.js';
import { ContextIndex, buildContext, serviceCode, type LineContext, type ServiceMinuteCell } from './features.js';
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

const rtFeature = (rt: number): number => (rt < 0 ? -1 : Math.log1p(rt));

/** Each service's usual context and its candidate contexts. */
export function contextsOf(ctx: LineContext, share: number): { usual: [number, number][]; candidates: number[] } {
  const width = ctx.services.length + 1;
  const idx: number[][] = Array.from({ length: width }, () => []);
  ctx.keys.forEach((k, i) => idx[k % width]!.push(i));
  const usual: [number, number][] = [];
  const candidates: number[] = [];
  for (let svc = 0; svc < width; svc++) {
    const mine = idx[svc]!;
    const err = mine.map((i) => ctx.errRate[i]!);
    const rt = mine.filter((i) => ctx.rtMean[i]! >= 0).map((i) => rtFeature(ctx.rtMean[i]!));
    usual.push([median(err), rt.length ? median(rt) : -1]);
    if (mine.length === 0) continue;
    const errHi = quantile(err, 1 - share);
    const rtHi = rt.length ? quantile(rt, 1 - share) : Infinity;
    const rtLo = rt.length ? quantile(rt, share / 2) : -Infinity;
    for (const i of mine) {
      const r = rtFeature(ctx.rtMean[i]!);
      // a tail beyond a quantile that equals the median holds nothing unusual (most minutes without errors)
      if ((ctx.errRate[i]! >= errHi && ctx.errRate[i]! > usual[svc]![0]) || (ctx.rtMean[i]! >= 0 && (r >= rtHi || r < rtLo))) candidates.push(ctx.keys[i]!);
    }
  }
  return { usual, candidates: candidates.sort((a, b) => a - b) };
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
  const { usual, candidates } = contextsOf(context, inp.forest.context_share);
  return { context, usual, candidates, forest, cut, limit: inp.limit, forestTop: inp.forestTop ?? 0 };
}
