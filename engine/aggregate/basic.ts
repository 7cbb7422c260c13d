/** count, sum, min, max, mean: the numeric aggregations, each exact and order-independent. */
import type { Aggregate, MapColumn } from './aggregate.js';
import { fsumAdd, fsumMerge, fsumValue } from './fsum.js';

/** A growable Float64Array of per-group values starting at `initial`. */
class Float64Column {
  data = new Float64Array(16);
  n = 0;
  constructor(private readonly initial: number) {
    this.data.fill(initial);
  }
  init(n: number): void {
    if (n > this.data.length) {
      const next = new Float64Array(Math.max(n, this.data.length * 2)).fill(this.initial);
      next.set(this.data.subarray(0, this.n));
      this.data = next;
    }
    this.n = Math.max(this.n, n);
  }
}

/** Number of rows (where passes), nulls included. */
export const count: Aggregate<number> = {
  kind: 'count',
  input: 'none',
  map(): MapColumn {
    const c = new Float64Column(0);
    return {
      init: (n) => c.init(n),
      update: (g) => { c.data[g]!++; },
      updateMany: (gids, n, _input, where) => {
        const d = c.data;
        if (where === null) {
          for (let i = 0; i < n; i++) { const g = gids[i]!; if (g >= 0) d[g]!++; }
        } else {
          for (let i = 0; i < n; i++) { const g = gids[i]!; if (g >= 0 && where[i] !== 0) d[g]!++; }
        }
      },
      encode: (n) => c.data.slice(0, n),
    };
  },
  decode: (enc, g) => (enc as Float64Array)[g]!,
  merge: (a, b) => a + b,
  finish: (r) => r,
  outputType: () => 'int',
  save: (r) => r,
  restore: (x) => x as number,
};

function extremum(kind: 'min' | 'max'): Aggregate<number> {
  const better = kind === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  const initial = kind === 'min' ? Infinity : -Infinity;
  return {
    kind,
    input: 'number',
    map(): MapColumn {
      const c = new Float64Column(initial);
      return {
        init: (n) => c.init(n),
        update: (g, v) => { if (better(v, c.data[g]!)) c.data[g] = v; },
        updateMany: (gids, n, input, where) => {
          const d = c.data;
          for (let i = 0; i < n; i++) {
            const g = gids[i]!;
            if (g < 0 || (where !== null && where[i] === 0)) continue;
            const v = input![i]!;
            if (kind === 'min' ? v < d[g]! : v > d[g]!) d[g] = v;
          }
        },
        encode: (n) => c.data.slice(0, n),
      };
    },
    decode: (enc, g) => (enc as Float64Array)[g]!,
    merge: (a, b) => (better(b, a) ? b : a),
    finish: (r) => (Number.isFinite(r) ? r : null),
    outputType: () => 'float',
    save: (r) => r,
    restore: (x) => x as number,
  };
}

export const min = extremum('min');
export const max = extremum('max');

/** Per-group exact sum states (fsum partials) and non-null counts. */
class SumColumn {
  parts: number[][] = [];
  counts = new Float64Column(0);
  init(n: number): void {
    while (this.parts.length < n) this.parts.push([]);
    this.counts.init(n);
  }
  update(g: number, v: number): void {
    if (v !== v) return; // NaN is null
    fsumAdd(this.parts[g]!, v);
    this.counts.data[g]!++;
  }
  updateMany(gids: Int32Array, n: number, input: Float64Array | null, where: Uint8Array | null): void {
    const parts = this.parts;
    const counts = this.counts.data;
    for (let i = 0; i < n; i++) {
      const g = gids[i]!;
      if (g < 0 || (where !== null && where[i] === 0)) continue;
      const v = input![i]!;
      if (v !== v) continue;
      fsumAdd(parts[g]!, v);
      counts[g]!++;
    }
  }
  encode(n: number): { parts: number[][]; counts: Float64Array } {
    return { parts: this.parts.slice(0, n), counts: this.counts.data.slice(0, n) };
  }
}

interface SumState {
  parts: number[];
  n: number;
}

/**
 * Fold partials into a merged sum state. A merged state lives as long as the job: when its list of
 * partials grows, it is replaced by an exact-size copy (slice), since V8 grows an array by half
 * its length plus 16 elements (two partials then take ~150 bytes where 16 are used), and the job
 * keeps one per minute x level x service group.
 */
function mergeParts(a: SumState, parts: readonly number[]): void {
  const n = a.parts.length;
  fsumMerge(a.parts, parts);
  if (a.parts.length > n) a.parts = a.parts.slice();
}

function sumLike(kind: 'sum' | 'mean'): Aggregate<SumState> {
  return {
    kind,
    input: 'number',
    map: () => new SumColumn(),
    decode: (enc, g) => {
      const e = enc as { parts: number[][]; counts: Float64Array };
      return { parts: e.parts[g]!.slice(), n: e.counts[g]! };
    },
    merge: (a, b) => {
      mergeParts(a, b.parts);
      a.n += b.n;
      return a;
    },
    mergeEncoded: (a, enc, g) => {
      const e = enc as { parts: number[][]; counts: Float64Array };
      mergeParts(a, e.parts[g]!);
      a.n += e.counts[g]!;
      return a;
    },
    finish: (r) => {
      if (kind === 'sum') return fsumValue(r.parts);
      return r.n === 0 ? null : fsumValue(r.parts) / r.n;
    },
    outputType: () => 'float',
    save: (r) => r,
    restore: (x) => { const s = x as SumState; return { parts: s.parts.slice(), n: s.n }; },
    // sum and mean keep the same state
    stateKey: () => 'fsum',
  };
}

export const sum = sumLike('sum');
export const mean = sumLike('mean');
