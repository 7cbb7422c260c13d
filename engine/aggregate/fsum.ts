/**
 * Exact floating-point summation (Shewchuk's algorithm, as Python's math.fsum): the state is a
 * short list of non-overlapping partials, so sums merge exactly and never depend on how the
 * file was cut or in which order partials arrive.
 */

/** Add x into the partials (in place). */
export function fsumAdd(partials: number[], x: number): void {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  // write in place; shrink only when partials cancelled out (setting length is slow in V8)
  partials[i] = x;
  if (partials.length > i + 1) partials.length = i + 1;
}

/** Merge b's partials into a (in place). */
export function fsumMerge(a: number[], b: readonly number[]): void {
  for (const x of b) fsumAdd(a, x);
}

/** The correctly rounded sum of the partials. */
export function fsumValue(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
