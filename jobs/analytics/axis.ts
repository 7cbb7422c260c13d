/**
 * The time axis of the per-bucket tables and series (errors_by_minute, the detectors' minutes):
 * every bucket from the first to the last one with data, empty buckets as zeros, since a minute
 * in which a service logged nothing is news, not missing data.
 *
 * Within a budget. Timestamps are untrusted input: a device whose clock starts at 1970, a typo'd
 * year or a stray epoch value puts one line decades away from the rest, and filling every minute
 * between them would take gigabytes for that one line. So at most a year's worth of empty buckets
 * is filled (FILL_SPAN_MS / width of them: 527,040 minutes, 8,784 hours, 366 days); when the gaps
 * hold more, the longest gaps are left unfilled first, and the axis jumps over them (a break).
 * An axis then has at most (buckets with data + that budget) slots whatever the span, and an
 * input whose gaps fit the budget (any log up to a year long, or a sparse one like Loghub's BGL
 * sample, 2,000 lines over 7 months) gets every bucket, as before.
 */

/** The span of empty buckets an axis fills at most: a leap year. */
export const FILL_SPAN_MS = 366 * 86_400_000;

/** Bucket starts of a run, ascending: each slot's bucket is [starts[i], starts[i] + width). */
export interface TimeAxis {
  /** Bucket width (ms). */
  width: number;
  /** Slots. */
  n: number;
  /** Start of each slot's bucket (ms), ascending. */
  starts: Float64Array;
  /**
   * Index of the first slot of each slot's run of consecutive buckets: a run ends at a break
   * (an unfilled gap), so a sliding window over slots stops there (windowStart).
   */
  runStart: Int32Array;
}

/**
 * The axis over buckets with data (bucket starts: multiples of width, in any order, repeats
 * allowed), filling gaps within the budget (see the module comment); null when there are none.
 * `budget` is in empty buckets (default FILL_SPAN_MS / width).
 */
export function timeAxis(bucketStarts: Iterable<number>, width: number, budget = Math.floor(FILL_SPAN_MS / width)): TimeAxis | null {
  const data = Float64Array.from(new Set(bucketStarts)).sort();
  const m = data.length;
  if (m === 0) return null;
  // empty buckets in the gap after data[k]
  const gaps = new Float64Array(Math.max(0, m - 1));
  let empty = 0;
  for (let k = 0; k + 1 < m; k++) {
    gaps[k] = Math.round((data[k + 1]! - data[k]!) / width) - 1;
    empty += gaps[k]!;
  }
  const fill = new Uint8Array(gaps.length).fill(1);
  if (empty > budget) {
    // the smallest gaps first (ties: the earlier one), while they fit
    const order = Array.from(gaps.keys()).sort((a, b) => gaps[a]! - gaps[b]! || a - b);
    let used = 0;
    fill.fill(0);
    for (const k of order) {
      if (used + gaps[k]! > budget) break;
      used += gaps[k]!;
      fill[k] = 1;
    }
    empty = used;
  }
  const n = m + empty;
  const starts = new Float64Array(n);
  const runStart = new Int32Array(n);
  let i = 0;
  let run = 0;
  for (let k = 0; k < m; k++) {
    starts[i] = data[k]!;
    runStart[i++] = run;
    if (k + 1 === m) break;
    if (fill[k] === 1) {
      for (let g = 1; g <= gaps[k]!; g++) {
        starts[i] = data[k]! + g * width;
        runStart[i++] = run;
      }
    } else {
      run = i;
    }
  }
  return { width, n, starts, runStart };
}

/** The slot of the bucket holding time t, or -1 when t falls outside every slot. */
export function slotOf(axis: TimeAxis, t: number): number {
  const s = axis.starts;
  let lo = 0;
  let hi = axis.n - 1;
  if (!(t >= s[0]!) || !(t < s[hi]! + axis.width)) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (s[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return t < s[lo]! + axis.width ? lo : -1;
}

/** The first slot of a window of `len` slots ending at slot b that does not reach across a break. */
export function windowStart(axis: TimeAxis, b: number, len: number): number {
  return Math.max(axis.runStart[b]!, b - len + 1);
}

/** Whether slots a < b lie in one run of consecutive buckets (no break between them). */
export function sameRun(axis: TimeAxis, a: number, b: number): boolean {
  return axis.runStart[a] === axis.runStart[b];
}

/** End of the last slot's bucket (ms). */
export function axisEnd(axis: TimeAxis): number {
  return axis.starts[axis.n - 1]! + axis.width;
}
