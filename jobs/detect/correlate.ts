/**
 * Correlated error pairs (S4's "correlated error pairs"): error templates that occur together
 * more often than chance, a hint that one causes the other or both share a cause.
 *
 * A template is "active" at minute m when it occurs in [m - w, m + w] (w = `window` minutes;
 * 0 = the same minute). Over the minutes of the span, for templates a and b:
 *   co_occurrences = minutes where both are active
 *   lift           = P(a and b) / (P(a) P(b))  (1 = independent)
 *   correlation    = phi coefficient of the two activity series (Pearson on 0/1 values)
 * A pair is reported when co_occurrences >= minSupport, lift >= minLift and correlation >=
 * minCorrelation; support keeps two one-off errors in the same minute from a lift of 1000.
 * Activity is kept as bitsets, so a pair costs (minutes / 32) word operations.
 */
import { MINUTE, round } from './types.js';

/** A template id as the miner gives it. */
export type TemplateId = string | number;

/** One reported pair; `template_a` sorts before `template_b`. */
export interface CorrelatedPair {
  template_a: TemplateId;
  template_b: TemplateId;
  co_occurrences: number;
  lift: number;
  correlation: number;
}

/** Thresholds and window of correlatedPairs. */
export interface CorrelateOptions {
  /** Half-width of the co-occurrence window in minutes (default 0: the same minute). */
  window?: number;
  /** Minimum co-occurring minutes (default 3). */
  minSupport?: number;
  /** Minimum lift (default 2). */
  minLift?: number;
  /** Minimum phi correlation (default 0.3). */
  minCorrelation?: number;
  /** Span of minutes [first, last] to count over (default: from the earliest to the latest minute in the input). */
  span?: { first: number; last: number };
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

/** Pairs of templates whose errors co-occur beyond chance; strongest correlation first. */
export function correlatedPairs(counts: ReadonlyMap<TemplateId, ReadonlyMap<number, number>>, opts: CorrelateOptions = {}): CorrelatedPair[] {
  const w = Math.max(0, Math.floor(opts.window ?? 0));
  const minSupport = opts.minSupport ?? 3;
  const minLift = opts.minLift ?? 2;
  const minCorr = opts.minCorrelation ?? 0.3;
  let first = opts.span?.first ?? Infinity;
  let last = opts.span?.last ?? -Infinity;
  if (!opts.span) {
    for (const m of counts.values()) for (const [t, c] of m) if (c > 0) { first = Math.min(first, t); last = Math.max(last, t); }
  }
  if (!(last >= first)) return [];
  const n = Math.round((last - first) / MINUTE) + 1;
  const words = Math.ceil(n / 32);
  const ids = [...counts.keys()].sort(byId);
  const bits = new Map<TemplateId, { set: Uint32Array; count: number }>();
  for (const id of ids) {
    const set = new Uint32Array(words);
    for (const [t, c] of counts.get(id)!) {
      if (!(c > 0)) continue;
      const i = Math.round((t - first) / MINUTE);
      for (let k = Math.max(0, i - w); k <= Math.min(n - 1, i + w); k++) set[k >>> 5]! |= 1 << (k & 31);
    }
    let count = 0;
    for (let k = 0; k < words; k++) count += popcount(set[k]!);
    if (count > 0) bits.set(id, { set, count });
  }
  const active = ids.filter((id) => bits.has(id));
  const out: CorrelatedPair[] = [];
  for (let x = 0; x < active.length; x++) {
    const a = bits.get(active[x]!)!;
    for (let y = x + 1; y < active.length; y++) {
      const b = bits.get(active[y]!)!;
      let both = 0;
      for (let k = 0; k < words; k++) both += popcount(a.set[k]! & b.set[k]!);
      if (both < minSupport) continue;
      const lift = (both * n) / (a.count * b.count);
      const denom = Math.sqrt(a.count * (n - a.count) * b.count * (n - b.count));
      const phi = denom > 0 ? (both * n - a.count * b.count) / denom : 0;
      if (lift >= minLift && phi >= minCorr) {
        out.push({ template_a: active[x]!, template_b: active[y]!, co_occurrences: both, lift: round(lift, 3), correlation: round(phi, 3) });
      }
    }
  }
  return out.sort((p, q) => q.correlation - p.correlation || q.co_occurrences - p.co_occurrences
    || byId(p.template_a, q.template_a) || byId(p.template_b, q.template_b));
}
