/**
 * approx_count_distinct: HyperLogLog (Flajolet et al. 2007) with 2^p registers (default p = 10:
 * 1 KiB a group, standard error 1.04/sqrt(1024) ≈ 3.3%). Registers merge by max, so merging is
 * exact and order-independent; values are hashed by what they are, not by task-local codes.
 */
import type { Scalar } from '../expr.js';
import type { Aggregate, AggSpec, Decoder, MapColumn } from './aggregate.js';

function precision(spec: AggSpec): number {
  const p = Number(spec.params?.p ?? 10);
  if (!Number.isInteger(p) || p < 4 || p > 16) throw new Error(`approx_count_distinct precision p=${p} must be an integer in 4..16`);
  return p;
}

/** 32-bit murmur3 finaliser over a string's UTF-16 units (stable across threads and hosts). */
export function hashValue(v: Scalar): number {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Estimate from registers (with the small-range correction of the paper). */
export function hllEstimate(reg: Uint8Array): number {
  const m = reg.length;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    sum += 2 ** -reg[i]!;
    if (reg[i] === 0) zeros++;
  }
  const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
  const e = (alpha * m * m) / sum;
  return e <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : e;
}

/** Approximate number of distinct non-null values. */
export const approxCountDistinct: Aggregate<Uint8Array> = {
  kind: 'approx_count_distinct',
  input: 'value',
  map(spec): MapColumn {
    const p = precision(spec);
    const m = 1 << p;
    let regs = new Uint8Array(16 * m);
    let n = 0;
    let decode: Decoder | null = null;
    const hashes: number[] = [];
    return {
      init: (k) => {
        if (k * m > regs.length) {
          const next = new Uint8Array(Math.max(k * m, regs.length * 2));
          next.set(regs);
          regs = next;
        }
        n = Math.max(n, k);
      },
      update: (g, v) => {
        if (v !== v || decode === null) return;
        // one hash per distinct task-local code
        let h = hashes[v];
        if (h === undefined) h = hashes[v] = hashValue(decode(v));
        const idx = h >>> (32 - p);
        const w = (h << p) >>> 0;
        const rank = w === 0 ? 32 - p + 1 : Math.clz32(w) + 1;
        const at = g * m + idx;
        if (rank > regs[at]!) regs[at] = rank;
      },
      encode: (k) => regs.slice(0, k * m),
      bind: (d) => { decode = d; },
    };
  },
  decode: (enc, g, spec) => {
    const m = 1 << precision(spec);
    return (enc as Uint8Array).slice(g * m, (g + 1) * m);
  },
  merge: (a, b) => {
    for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
    return a;
  },
  finish: (r) => Math.round(hllEstimate(r)),
  outputType: () => 'int',
  save: (r) => r,
  restore: (x) => new Uint8Array(x as Uint8Array),
};
