/**
 * Seeded pseudo-random numbers for the generator. Everything the generator draws comes from
 * here (never Math.random), so one seed always gives the same bytes on every platform.
 */

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand, ~2 ns a draw. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The second Box-Muller value, kept so normal() costs one log/sqrt per two draws. */
  private spare = Number.NaN;

  /** Seed from one 32-bit integer plus optional extra words (so sub-streams can be derived from (seed, key)). */
  constructor(seed: number, ...extra: number[]) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (const x of extra) this.d = (this.d ^ Math.imul(x >>> 0, 0x85ebca6b)) >>> 0;
    // Warm-up rounds decorrelate nearby seeds (seed 1 and seed 2 must not start alike).
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** A uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform integer in [lo, hi] (both inclusive). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A standard normal deviate (Box-Muller, polar form). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** A log-normal deviate with the given median and shape (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    // Two digits per table lookup: toString(16) + padStart was a tenth of the generator's time.
    for (let i = 0; i < n; i += 8) {
      const x = this.u32();
      s += HEX2[x & 255]! + HEX2[(x >>> 8) & 255]! + HEX2[(x >>> 16) & 255]! + HEX2[x >>> 24]!;
    }
    return s.length === n ? s : s.slice(0, n);
  }
}

/** Weighted choice over a fixed table, by binary search over the cumulative weights. */
export class WeightedTable<T> {
  private readonly cum: Float64Array;
  private readonly total: number;

  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length) throw new Error('WeightedTable needs one weight per item');
    this.cum = new Float64Array(weights.length);
    let acc = 0;
    for (let i = 0; i < weights.length; i++) this.cum[i] = acc += weights[i]!;
    this.total = acc;
  }

  /** Draw one item. */
  draw(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/** Zipf weights 1/rank^s for ranks 1..n: the heavy tail of clients, users and keys. */
export function zipfWeights(n: number, s: number): number[] {
  const w = new Array<number>(n);
  for (let i = 0; i < n; i++) w[i] = 1 / Math.pow(i + 1, s);
  return w;
}
