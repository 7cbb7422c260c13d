/** Byte-level scanning helpers shared by the formats (the hot path: no strings). */

/** Parse a decimal number in buf[s, e) (sign, digits, fraction, exponent); NaN when it is not one. */
export function parseNumber(buf: Uint8Array, s: number, e: number): number {
  parseNumberTo(buf, s, e, scratchNumber, 0, 1);
  return scratchNumber[0]!;
}

const scratchNumber = new Float64Array(1);

/**
 * parseNumber(buf, s, e) * scale, written to out[at]. The parsers use this form: a double
 * returned from a call V8 does not inline is boxed, a heap number per line for a value with a
 * fraction (`rt=21.4ms`: 3 MB per 32 MiB partition), while a store into a Float64Array is not.
 */
export function parseNumberTo(buf: Uint8Array, s: number, e: number, out: Float64Array, at: number, scale: number): void {
  if (s >= e) { out[at] = NaN; return; }
  let i = s;
  let neg = false;
  const c0 = buf[i]!;
  if (c0 === 45 || c0 === 43) { neg = c0 === 45; i++; }
  let v = 0;
  let digits = 0;
  while (i < e) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    digits++;
    i++;
  }
  if (i < e && buf[i] === 46) {
    i++;
    let pow = 1;
    let frac = 0;
    const start = i;
    while (i < e) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      frac = frac * 10 + d;
      pow *= 10;
      i++;
    }
    digits += i - start;
    // (int * 10^k + frac) / 10^k is one correctly rounded division while every part is exact (< 2^53)
    if (digits + (i - start) > 15) { out[at] = slowNumber(buf, s, e) * scale; return; }
    v = (v * pow + frac) / pow;
  }
  if (digits === 0 || (i < e && buf[i] !== 101 && buf[i] !== 69)) { out[at] = NaN; return; }
  // an exponent, or more digits than a double holds exactly
  if (i < e || digits > 15) { out[at] = slowNumber(buf, s, e) * scale; return; }
  out[at] = (neg ? -v : v) * scale;
}

function slowNumber(buf: Uint8Array, s: number, e: number): number {
  const t = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  // a number past a double (1e999, 400 digits) is no value: an Infinity in a quantile sketch failed
  // the whole run (its store grew an array to an infinite key), and turned sums and means into NaN
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

/** Index of the first byte at or after i that is not a space or tab. */
export function skipSpaces(buf: Uint8Array, i: number, e: number): number {
  while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
  return i;
}

/** Index of the first space or tab at or after i (or e). */
export function tokenEnd(buf: Uint8Array, i: number, e: number): number {
  while (i < e && buf[i] !== 32 && buf[i] !== 9) i++;
  return i;
}
