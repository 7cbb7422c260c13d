/**
 * The line model: everything a worker needs to decide, line by line, whether a line is anomalous
 * and why (the line pass, jobs/detect/lines/anomalies.ts). Built on the main thread after the
 * job's pass from merged results: the rolling context per (minute, service), the forest trained
 * on the workers' bottom-k sample, its cuts, the pattern rules, slow thresholds and new templates.
 * Plain data, so it travels to workers inside the query's params.
 */
import { quantile } from 'simple-statistics';
import { LEVEL_CODE, type Level } from '../../../engine/schema.js';
import type { TemplateSetJSON } from '../templates/mine.js';
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
  /** Share of lines (judged on the sample) that the first `screen_trees` trees let through to the whole forest; 1 = score every line fully. */
  screen: number;
  screen_trees: number;
}

export interface LineRule { name: string; pattern: string; flags: string; level: number }

export interface LineModelJSON {
  context: LineContext;
  forest: CompiledForestJSON | null;
  /** Trees of the screen, and the partial score a line needs to be scored by the whole forest. */
  screenTrees: number;
  screenCut: number;
  /** The contamination cut: a line scoring at least this is ML_DETECTED. */
  mlCut: number;
  errorLevels: number[];
  criticalLevels: number[];
  rules: LineRule[];
  /** Response time above which a line of service code k is SLOW_RESPONSE (-1: none). */
  slow: number[];
  newTemplates: { set: TemplateSetJSON; ids: number[]; since: number } | null;
  /** Rows kept (the report's cap), and lines kept by forest score alone (evaluation; 0 = none). */
  limit: number;
  forestTop: number;
}

export interface ModelInputs {
  sample: readonly SampleRow[];
  cells: readonly ServiceMinuteCell[];
  /** P95 latency per service (null service: key null). */
  p95: ReadonlyMap<string | null, number | null>;
  slowFactor: number;
  errorLevels: readonly string[];
  criticalLevels: readonly string[];
  rules: readonly { name: string; pattern: string; ignore_case: boolean; level?: string }[];
  newTemplates: LineModelJSON['newTemplates'];
  limit: number;
  forest: LineForestOptions | null;
  forestTop?: number;
}

const code = (l: string): number => LEVEL_CODE[l as Level] ?? LEVEL_CODE.UNKNOWN;

/** Feature vectors of the sample rows under a context. */
export function sampleVectors(index: ContextIndex, sample: readonly SampleRow[]): Float64Array[] {
  return sample.map((r) => index.vector({ timestamp: r.timestamp, level: r.level, service: serviceCode(index.ctx.services, r.service), rt: r.rt }, r.message));
}

/** Build the model; trains the forest (deterministic: the sample and the seed fix it). */
export function buildLineModel(inp: ModelInputs): LineModelJSON {
  const context = buildContext(inp.cells);
  const index = new ContextIndex(context);
  let forest: CompiledForestJSON | null = null;
  let screenTrees = 0;
  let screenCut = Number.NEGATIVE_INFINITY;
  let mlCut = Number.POSITIVE_INFINITY;
  if (inp.forest && inp.sample.length >= 2) {
    const rows = sampleVectors(index, inp.sample);
    const trained = SeededForest.train(rows.map((r) => Array.from(r)), inp.forest);
    forest = CompiledForest.of(trained);
    const c = new CompiledForest(forest);
    const full = rows.map((r) => c.score(r));
    mlCut = quantile(full, 1 - inp.forest.contamination);
    screenTrees = Math.min(inp.forest.screen_trees, c.trees);
    if (inp.forest.screen < 1 && screenTrees < c.trees) {
      const partial = rows.map((r) => c.scoreOf(c.pathSum(r, 0, screenTrees), screenTrees));
      screenCut = quantile(partial, 1 - inp.forest.screen);
    }
  }
  const slow = [...context.services, null].map((s) => {
    const p = inp.p95.get(s);
    return p === undefined || p === null ? -1 : inp.slowFactor * p;
  });
  return {
    context, forest, screenTrees, screenCut, mlCut,
    errorLevels: inp.errorLevels.map(code), criticalLevels: inp.criticalLevels.map(code),
    rules: inp.rules.map((r) => ({ name: r.name, pattern: r.pattern, flags: r.ignore_case ? 'i' : '', level: r.level ? code(r.level) : -1 })),
    slow, newTemplates: inp.newTemplates, limit: inp.limit, forestTop: inp.forestTop ?? 0,
  };
}
