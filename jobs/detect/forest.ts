/**
 * Isolation Forest over per-window features (S2, S3, S4): one forest for the whole system's
 * minutes and one per service over that service's minutes, so each is judged against its own
 * normal. Windows come from the engine's merged partials, not from lines, so a forest sees a
 * few thousand rows however big the input.
 *
 * Features per minute ('all'): lines, lines per level, error_rate, rt_mean, rt_p95, ips
 * (distinct client IPs) and, when given, templates / new_templates (distinct and first-seen error
 * templates). Per (minute, service): lines, errors, critical, error_rate, rt_mean. Counts and
 * latencies enter as log1p: they are heavy-tailed, and a forest's uniform splits between min and
 * max would otherwise spend themselves on the one huge minute. A minute without latency takes
 * the column's median (neutral); constant columns are dropped.
 *
 * What is kept from ml-isolation-forest 0.1.0, and what is not (DESIGN.md, read from its source):
 * - kept: its tree growing (random feature, uniform split between the node's min and max, depth
 *   limit ceil(log2 n), leaves keep their rows), because that is the algorithm itself;
 * - not kept: its training on the whole set with every tree. Each tree here is a one-tree
 *   IsolationForest trained on its own subsample of `sample_size` rows without replacement, as in
 *   Liu et al. (2008) and scikit-learn: subsampling is what lets isolation work (swamping and
 *   masking), and it bounds the cost;
 * - not kept: Math.random. While trees grow, Math.random is replaced by a seeded generator
 *   (mulberry32) and restored in a finally, so the same seed gives the same scores;
 * - not kept: its predict. Trees are flattened into typed arrays and scored here, and the path
 *   length normaliser is the paper's c(n) = 2 (ln(n - 1) + 0.5772) - 2 (n - 1) / n (the package
 *   adds Euler's constant once instead of twice);
 * - added: contamination. The package has none; the cut is the (1 - contamination) quantile of
 *   the scores of the windows the forest was built from, and windows above it are anomalies.
 *
 * Scores are the paper's s = 2^(-E[h] / c(sample_size)): already in 0..1, higher = more
 * anomalous, about 0.5 for ordinary windows; they are comparable across runs, which a min-max
 * rescaling would not be.
 */
import { IsolationForest, type IsolationTreeNode } from 'ml-isolation-forest';
import { mean, median, quantile, standardDeviation } from 'simple-statistics';
import type { JobResults } from '../analytics/results.js';
import { minuteRange, serviceMinutes, slot, type MinuteRange } from './minutes.js';
import { ALL_SCOPE, round, type AnomalyRow, type ForestScore } from './types.js';
import { mulberry32 } from '../../engine/random.js';

export { mulberry32 };

/** Forest settings (DetectionConfig.isolation_forest without the switch). */
export interface ForestOptions {
  trees: number;
  sample_size: number;
  contamination: number;
  seed: number;
}

/** Optional per-minute template counts (from template mining; may be empty). */
export interface TemplateCounts {
  /** Distinct error templates seen in each minute. */
  templatesPerMinute?: ReadonlyMap<number, number>;
  /** Templates first seen in each minute. */
  newTemplatesPerMinute?: ReadonlyMap<number, number>;
}

/** Feature rows of one forest: raw values (for details) and the transformed values it is built from. */
export interface FeatureSet {
  scope: string;
  names: string[];
  minutes: number[];
  raw: number[][];
}


/** Average path length of an unsuccessful search in a BST of n nodes (Liu et al.): the depth normaliser. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

/** A tree flattened into typed arrays: feature -1 marks a leaf, whose depth bonus is c(rows in it). */
export interface FlatTree {
  feature: Int32Array;
  split: Float64Array;
  left: Int32Array;
  right: Int32Array;
  leafBonus: Float64Array;
}

function flatten(root: IsolationTreeNode): FlatTree {
  const nodes: IsolationTreeNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    nodes.push(n);
    if (n.left && n.right) stack.push(n.right, n.left);
  }
  const index = new Map(nodes.map((n, i) => [n, i]));
  const t: FlatTree = {
    feature: new Int32Array(nodes.length), split: new Float64Array(nodes.length),
    left: new Int32Array(nodes.length), right: new Int32Array(nodes.length), leafBonus: new Float64Array(nodes.length),
  };
  nodes.forEach((n, i) => {
    if (n.left && n.right) {
      t.feature[i] = n.splitColumn!;
      t.split[i] = n.splitValue!;
      t.left[i] = index.get(n.left)!;
      t.right[i] = index.get(n.right)!;
    } else {
      t.feature[i] = -1;
      t.leafBonus[i] = averagePathLength(n.trainingSet?.length ?? 0);
    }
  });
  return t;
}

function pathLength(t: FlatTree, row: readonly number[]): number {
  let i = 0;
  let depth = 0;
  while (t.feature[i]! >= 0) {
    // same comparison as the package: smaller goes left, equal goes right
    i = row[t.feature[i]!]! < t.split[i]! ? t.left[i]! : t.right[i]!;
    depth++;
  }
  return depth + t.leafBonus[i]!;
}

/** An isolation forest grown with ml-isolation-forest's trees, on seeded per-tree subsamples (see the module comment). */
export class SeededForest {
  private constructor(private readonly trees: FlatTree[], private readonly norm: number) {}

  /** The flattened trees and the path-length normaliser c(psi), for compiled scorers (jobs/detect/lines). */
  get flat(): { trees: readonly FlatTree[]; norm: number } {
    return { trees: this.trees, norm: this.norm };
  }

  /** Grow `trees` trees, each on its own subsample of min(sample_size, rows) rows, deterministically from `seed`. */
  static train(rows: readonly number[][], opts: Pick<ForestOptions, 'trees' | 'sample_size' | 'seed'>): SeededForest {
    const n = rows.length;
    const psi = Math.min(opts.sample_size, n);
    const rng = mulberry32(opts.seed);
    const trees: FlatTree[] = [];
    const idx = Array.from({ length: n }, (_, i) => i);
    const random = Math.random;
    // the package draws every split from Math.random: a seeded stand-in while it trains
    Math.random = rng;
    try {
      for (let k = 0; k < opts.trees; k++) {
        // partial Fisher-Yates: the first psi slots become a uniform sample without replacement
        for (let i = 0; i < psi; i++) {
          const j = i + Math.floor(rng() * (n - i));
          [idx[i], idx[j]] = [idx[j]!, idx[i]!];
        }
        const f = new IsolationForest({ nEstimators: 1 });
        f.train(idx.slice(0, psi).map((i) => rows[i] as number[]));
        trees.push(flatten(f.forest[0]!));
      }
    } finally {
      Math.random = random;
    }
    return new SeededForest(trees, averagePathLength(psi));
  }

  /** Anomaly score in 0..1 (higher = more anomalous). */
  score(row: readonly number[]): number {
    if (this.trees.length === 0 || this.norm === 0) return 0.5;
    let sum = 0;
    for (const t of this.trees) sum += pathLength(t, row);
    return 2 ** (-(sum / this.trees.length) / this.norm);
  }

  /**
   * score() of every row, tree by tree: one tree's arrays stay in cache across all rows, where
   * row by row every tree is read again for each row (100 trees of ~500 nodes are ~1.4 MB, more
   * than this machine's L2). The sums add the trees in the same order, so the scores are equal.
   */
  scoreAll(rows: readonly (readonly number[])[]): Float64Array {
    const out = new Float64Array(rows.length);
    if (this.trees.length === 0 || this.norm === 0) return out.fill(0.5);
    for (const t of this.trees) for (let r = 0; r < rows.length; r++) out[r]! += pathLength(t, rows[r]!);
    for (let r = 0; r < rows.length; r++) out[r] = 2 ** (-(out[r]! / this.trees.length) / this.norm);
    return out;
  }
}

const isCountLike = (name: string): boolean => name !== 'error_rate' && name !== 'share';

/** The per-minute and per-(minute, service) feature sets of a run. */
export function buildFeatures(results: Pick<JobResults, 'minutes' | 'minuteLevels' | 'minuteServices'>, templates: TemplateCounts = {}): FeatureSet[] {
  const range = minuteRange(results);
  if (!range) return [];
  const all = new Float64Array(range.n);
  for (const m of results.minutes) all[slot(range, m.minute)]! += m.total;
  // windows are the minutes in which the system logged anything: a sparse log spanning months
  // (Loghub's BGL: 2,000 lines over 7 months) must not become 300,000 empty windows per scope
  const keep: number[] = [];
  for (let i = 0; i < range.n; i++) if (all[i]! > 0) keep.push(i);
  const minutes = keep.map((i) => range.starts[i]!);
  return [globalFeatures(results, range, keep, templates), ...serviceMinutes(results, range).map((s) => ({
    scope: s.service,
    names: ['lines', 'share', 'errors', 'critical', 'error_rate', 'rt_mean'],
    minutes: minutes.slice(),
    raw: keep.map((i) => {
      const lines = s.total[i]!;
      return [lines, lines / all[i]!, s.errors[i]!, s.critical[i]!, lines > 0 ? s.errors[i]! / lines : 0, s.rtMean[i]!];
    }),
  }))];
}

/** The whole system's features of the kept slots (minutes with logs), in slot order. */
function globalFeatures(results: Pick<JobResults, 'minutes' | 'minuteLevels'>, range: MinuteRange, keep: readonly number[], templates: TemplateCounts): FeatureSet {
  const levels = [...new Set(results.minuteLevels.map((l) => l.level))].sort();
  const names = ['lines', ...levels.map((l) => l.toLowerCase()), 'error_rate', 'rt_mean', 'rt_p95', 'ips'];
  const tpl = templates.templatesPerMinute;
  const fresh = templates.newTemplatesPerMinute;
  if (tpl && tpl.size > 0) names.push('templates');
  if (fresh && fresh.size > 0) names.push('new_templates');
  const col = (name: string): number => names.indexOf(name);
  // the row of each kept slot
  const rowOf = new Int32Array(range.n).fill(-1);
  keep.forEach((i, r) => { rowOf[i] = r; });
  const raw = keep.map(() => {
    const r = new Array<number>(names.length).fill(0);
    // a minute without latency: NaN becomes the column median in transform()
    r[col('rt_mean')] = Number.NaN;
    r[col('rt_p95')] = Number.NaN;
    return r;
  });
  const rowAt = (minute: number): number[] | undefined => raw[rowOf[slot(range, minute)] ?? -1];
  for (const m of results.minutes) {
    const r = rowAt(m.minute);
    if (!r) continue;
    r[col('lines')] = m.total;
    r[col('error_rate')] = m.total > 0 ? m.errors / m.total : 0;
    r[col('rt_mean')] = m.rtMean ?? Number.NaN;
    r[col('rt_p95')] = m.rtP95 ?? Number.NaN;
    r[col('ips')] = m.ips;
  }
  for (const l of results.minuteLevels) {
    const r = rowAt(l.minute);
    if (r) r[col(l.level.toLowerCase())]! += l.count;
  }
  const minutes = keep.map((i) => range.starts[i]!);
  minutes.forEach((minute, r) => {
    if (tpl && tpl.size > 0) raw[r]![col('templates')] = tpl.get(minute) ?? 0;
    if (fresh && fresh.size > 0) raw[r]![col('new_templates')] = fresh.get(minute) ?? 0;
  });
  return { scope: ALL_SCOPE, names, minutes, raw };
}

/** The transformed matrix a forest is built from: log1p for counts and latencies, NaN -> column median, constant columns dropped. */
export function transform(set: FeatureSet): { names: string[]; cols: number[]; rows: number[][] } {
  const t = set.raw.map((r) => r.map((v, j) => (isCountLike(set.names[j]!) ? Math.log1p(Math.max(0, v)) : v)));
  const cols: number[] = [];
  for (let j = 0; j < set.names.length; j++) {
    const present = t.map((r) => r[j]!).filter((v) => !Number.isNaN(v));
    if (present.length === 0) continue;
    const fill = median(present);
    for (const r of t) if (Number.isNaN(r[j]!)) r[j] = fill;
    if (present.some((v) => v !== present[0])) cols.push(j);
  }
  return { names: cols.map((j) => set.names[j]!), cols, rows: t.map((r) => cols.map((j) => r[j]!)) };
}

/** A seed per scope, so forests are independent of one another yet fixed by the configured seed. */
function scopeSeed(seed: number, scope: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < scope.length; i++) h = Math.imul(h ^ scope.charCodeAt(i), 16777619);
  return h >>> 0;
}

const fmt = (v: number): string => (Number.isNaN(v) ? 'n/a' : String(Number.isInteger(v) ? v : round(v, Math.abs(v) < 10 ? 3 : 1)));

/** Score one feature set: every window's score, the cut, and the anomaly rows above it. */
export function scoreFeatureSet(set: FeatureSet, opts: ForestOptions): { scores: ForestScore[]; cut: number; anomalies: AnomalyRow[] } {
  const { names, cols, rows } = transform(set);
  if (rows.length < 2 || cols.length === 0) {
    return { scores: set.minutes.map((minute) => ({ minute, scope: set.scope, score: 0.5 })), cut: 1, anomalies: [] };
  }
  const forest = SeededForest.train(rows, { trees: opts.trees, sample_size: opts.sample_size, seed: scopeSeed(opts.seed, set.scope) });
  const s = Array.from(forest.scoreAll(rows));
  const cut = quantile(s, 1 - opts.contamination);
  // z of each kept feature against all windows of the forest, to say what stands out
  const mu = cols.map((_, k) => mean(rows.map((r) => r[k]!)));
  const sd = cols.map((_, k) => standardDeviation(rows.map((r) => r[k]!)));
  const anomalies: AnomalyRow[] = [];
  s.forEach((score, i) => {
    if (!(score > cut)) return;
    const standout = cols.map((j, k) => ({ name: names[k]!, raw: set.raw[i]![j]!, z: sd[k]! > 0 ? (rows[i]![k]! - mu[k]!) / sd[k]! : 0 }))
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.name.localeCompare(b.name))
      .slice(0, 3);
    anomalies.push({
      timestamp: set.minutes[i]!, scope: set.scope, detector: 'forest', value: round(score, 4), score: round(score, 4), threshold: round(cut, 4),
      details: standout.map((f) => `${f.name}=${fmt(f.raw)} (z=${round(f.z, 1)})`).join(', '),
    });
  });
  return { scores: set.minutes.map((minute, i) => ({ minute, scope: set.scope, score: round(s[i]!, 4) })), cut, anomalies };
}

/** Forest anomalies and every window's score, for the whole system and per service. */
export function forestAnomalies(
  results: Pick<JobResults, 'minutes' | 'minuteLevels' | 'minuteServices'>,
  opts: ForestOptions,
  templates: TemplateCounts = {},
): { anomalies: AnomalyRow[]; scores: ForestScore[] } {
  const anomalies: AnomalyRow[] = [];
  const scores: ForestScore[] = [];
  for (const set of buildFeatures(results, templates)) {
    const r = scoreFeatureSet(set, opts);
    anomalies.push(...r.anomalies);
    scores.push(...r.scores);
  }
  return { anomalies, scores };
}
