/**
 * Correlated error pairs (S4's "correlated error pairs"): error templates whose minutes
 * co-occur more often than chance, a hint that one causes the other or both share a cause.
 *
 * Over the n minutes of the span (the run's minute axis), A is the set of minutes in which template a occurs, and
 * B+w the minutes within w minutes of one in which b occurs (w = `window`; 0 = the same minute).
 * For each pair, a is the rarer template (fewer minutes; ties: smaller id) and b the other:
 *   minutes_both = |A ∩ B+w|                           (minutes of a with b nearby)
 *   lift         = minutes_both / (|A| |B+w| / n)      (1 = independent)
 *   correlation  = phi of the 0/1 series A and B+w     (Pearson on 0/1 values)
 *   p_value      = P(X >= minutes_both), X ~ Hypergeometric(n, |B+w|, |A|): Fisher's exact
 *                  test, one-sided, of "a's minutes fall where b is no more often than at random"
 * A pair is reported when minutes_both >= minSupport, lift >= minLift and p_value <=
 * maxPValue / tests (Bonferroni over the pairs tested: with 50 templates there are 1,225 pairs,
 * and a 1% cut per pair would pass a dozen by chance). Support keeps two one-off errors in the
 * same minute from a lift of 1000. Activity is kept as bitsets: a pair costs n / 32 word operations.
 *
 * What the test assumes: under independence a's minutes are placed at random among the n. Errors
 * that both follow the traffic (more of everything by day) are not independent in that sense and
 * pair when they are frequent; the lift cut keeps those weak pairs out.
 */
import { gammaln } from 'simple-statistics';
import { sameRun, slotOf, timeAxis, type TimeAxis } from '../analytics/axis.js';
import { MINUTE, round } from './types.js';

/** A template id as the miner gives it. */
export type TemplateId = string | number;

/** One reported pair: a is the rarer template, b the one found within the window of a's minutes. */
export interface CorrelatedPair {
  template_a: TemplateId;
  template_b: TemplateId;
  /** Minutes with a, with b. */
  minutes_a: number;
  minutes_b: number;
  /** Minutes with a that have b within the window. */
  minutes_both: number;
  lift: number;
  correlation: number;
  /** One-sided Fisher exact test (not adjusted for the number of pairs; the cut is). */
  p_value: number;
}

/** Thresholds and window of correlatedPairs. */
export interface CorrelateOptions {
  /** Half-width of the co-occurrence window in minutes (default 0: the same minute). */
  window?: number;
  /** Minimum co-occurring minutes (default 3). */
  minSupport?: number;
  /** Minimum lift (default 2). */
  minLift?: number;
  /** Family-wise significance: a pair passes when p_value <= maxPValue / pairs tested (default 0.01). */
  maxPValue?: number;
  /** Span of minutes [first, last] to count over, every minute of it. */
  span?: { first: number; last: number };
  /**
   * The minutes to count over as a time axis (the run's minute axis, jobs/detect/minutes.ts);
   * the window does not reach across a break in it. Default: `span` when given, else the axis of
   * the minutes in the input.
   */
  axis?: TimeAxis;
}

/** Numbers in numeric order, before strings in code-unit order: a stable order for any id type. */
function byId(a: TemplateId, b: TemplateId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function countBits(set: Uint32Array): number {
  let n = 0;
  for (let k = 0; k < set.length; k++) n += popcount(set[k]!);
  return n;
}

function logChoose(n: number, k: number): number {
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
}

/**
 * P(X >= k) for X ~ Hypergeometric(population n, successes K, draws d): the first term from
 * log-gammas, the rest by the ratio of consecutive terms.
 */
export function hypergeometricUpperTail(k: number, n: number, K: number, d: number): number {
  const lo = Math.max(0, d - (n - K));
  const hi = Math.min(K, d);
  if (k <= lo) return 1;
  if (k > hi) return 0;
  let term = Math.exp(logChoose(K, k) + logChoose(n - K, d - k) - logChoose(n, d));
  let sum = 0;
  for (let x = k; x <= hi; x++) {
    sum += term;
    if (term < sum * 1e-17) break;
    term *= ((K - x) * (d - x)) / ((x + 1) * (n - K - d + x + 1));
  }
  return Math.min(1, sum);
}

interface Activity {
  id: TemplateId;
  /** Minutes it occurs in, and the same dilated by the window. */
  own: Uint32Array;
  near: Uint32Array;
  count: number;
  nearCount: number;
}

/** Pairs of templates whose errors co-occur beyond chance; smallest p-value first, then highest lift. */
export function correlatedPairs(counts: ReadonlyMap<TemplateId, ReadonlyMap<number, number>>, opts: CorrelateOptions = {}): CorrelatedPair[] {
  const w = Math.max(0, Math.floor(opts.window ?? 0));
  const minSupport = Math.max(1, opts.minSupport ?? 3);
  const minLift = opts.minLift ?? 2;
  const alpha = opts.maxPValue ?? 0.01;
  const axis = opts.axis ?? (opts.span
    ? (opts.span.last >= opts.span.first ? timeAxis([opts.span.first, opts.span.last], MINUTE, Infinity) : null)
    : timeAxis(function* () { for (const m of counts.values()) for (const [t, c] of m) if (c > 0) yield Math.floor(t / MINUTE) * MINUTE; }(), MINUTE));
  if (axis === null) return [];
  const n = axis.n;
  const words = Math.ceil(n / 32);
  const acts: Activity[] = [];
  for (const id of [...counts.keys()].sort(byId)) {
    const own = new Uint32Array(words);
    const near = new Uint32Array(words);
    for (const [t, c] of counts.get(id)!) {
      if (!(c > 0)) continue;
      const i = slotOf(axis, t);
      if (i < 0) continue;
      own[i >>> 5]! |= 1 << (i & 31);
      for (let k = Math.max(0, i - w); k <= Math.min(n - 1, i + w); k++) if (sameRun(axis, i, k)) near[k >>> 5]! |= 1 << (k & 31);
    }
    const count = countBits(own);
    // a template on fewer minutes than the support can never pass
    if (count >= minSupport) acts.push({ id, own, near, count, nearCount: countBits(near) });
  }
  const tests = (acts.length * (acts.length - 1)) / 2;
  const out: (CorrelatedPair & { p: number })[] = [];
  for (let x = 0; x < acts.length; x++) {
    for (let y = x + 1; y < acts.length; y++) {
      // a: the rarer (ids are sorted, so ties keep the smaller id first)
      const [a, b] = acts[y]!.count < acts[x]!.count ? [acts[y]!, acts[x]!] : [acts[x]!, acts[y]!];
      let both = 0;
      for (let k = 0; k < words; k++) both += popcount(a.own[k]! & b.near[k]!);
      if (both < minSupport) continue;
      const lift = (both * n) / (a.count * b.nearCount);
      if (lift < minLift) continue;
      const p = hypergeometricUpperTail(both, n, b.nearCount, a.count);
      if (p > alpha / tests) continue;
      const denom = Math.sqrt(a.count * (n - a.count) * b.nearCount * (n - b.nearCount));
      out.push({
        template_a: a.id, template_b: b.id, minutes_a: a.count, minutes_b: b.count, minutes_both: both,
        lift: round(lift, 3), correlation: denom > 0 ? round((both * n - a.count * b.nearCount) / denom, 3) : 0, p_value: p, p,
      });
    }
  }
  out.sort((p, q) => p.p - q.p || q.lift - p.lift || byId(p.template_a, q.template_a) || byId(p.template_b, q.template_b));
  return out.map(({ p: _p, ...pair }) => pair);
}
