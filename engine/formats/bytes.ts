/** Byte-level scanning helpers shared by the formats (the hot path: no strings). */

/** Parse a decimal number in buf[s, e) (sign, digits, fraction, exponent); NaN when it is not one. */
export function parseNumber(buf: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
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
    let scale = 1;
    let frac = 0;
    const start = i;
    while (i < e) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      frac = frac * 10 + d;
      scale *= 10;
      i++;
    }
    digits += i - start;
    // (int * 10^k + frac) / 10^k is one correctly rounded division while every part is exact (< 2^53)
    if (digits + (i - start) > 15) return slowNumber(buf, s, e);
    v = (v * scale + frac) / scale;
  }
  if (digits === 0) return NaN;
  if (i < e) {
    const c = buf[i]!;
    if (c === 101 || c === 69) return slowNumber(buf, s, e);
    return NaN;
  }
  if (digits > 15) return slowNumber(buf, s, e);
  return neg ? -v : v;
}

function slowNumber(buf: Uint8Array, s: number, e: number): number {
  const t = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
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
