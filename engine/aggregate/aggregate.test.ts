import { DDSketch } from '@datadog/sketches-js';
import { describe, expect, it } from 'vitest';
import type { AggSpec } from './aggregate.js';
import { getAggregate } from './registry.js';
import { fsumAdd, fsumValue } from './fsum.js';
import { pack, unpack } from '../pack.js';
import { mulberry32 as rng } from '../random.js';


function shuffle<T>(xs: T[], r: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [a[i], a[j]] = [a[j]!, a[i]!]; }
  return a;
}

/** Run the map side over chunks (one group), then merge the decoded partials in the given order. */
function mapMerge(spec: AggSpec, chunks: number[][], order: number[]): unknown {
  const agg = getAggregate(spec.kind);
  const partials = chunks.map((chunk) => {
    const col = agg.map(spec);
    col.bind?.((c) => c);
    col.init(1);
    for (const v of chunk) col.update(0, v);
    return col.encode(1, (c) => c);
  });
  let state = agg.decode(partials[order[0]!], 0, spec);
  for (const k of order.slice(1)) state = agg.merge(state, agg.decode(partials[k], 0, spec), spec);
  // a checkpoint round trip (save, wire form, restore) must not change the result
  const direct = agg.finish(state, spec);
  const saved = unpack<{ s: unknown }>(pack({ s: agg.save(state, spec) })).s;
  expect(agg.finish(agg.restore(saved, spec), spec)).toEqual(direct);
  return direct;
}

describe('aggregations merge the same whatever the order', () => {
  const r = rng(42);
  const values = Array.from({ length: 20_000 }, () => Math.exp(r() * 8) * (r() < 0.5 ? 1 : 1.0000001));
  const chunks: number[][] = [];
  for (let i = 0; i < values.length;) { const n = 1 + Math.floor(r() * 3000); chunks.push(values.slice(i, i + n)); i += n; }
  const specs: AggSpec[] = [
    { kind: 'count', name: 'n' }, { kind: 'sum', name: 's' }, { kind: 'mean', name: 'm' }, { kind: 'min', name: 'lo' },
    { kind: 'max', name: 'hi' }, { kind: 'quantile', name: 'p95', params: { q: 0.95 } }, { kind: 'count_distinct', name: 'd' },
    { kind: 'top_k', name: 't', params: { k: 3 } }, { kind: 'approx_count_distinct', name: 'a', params: { p: 8 } },
  ];
  for (const spec of specs) {
    it(`${spec.kind}: shuffled merge orders give identical results`, () => {
      const base = mapMerge(spec, chunks, chunks.map((_, i) => i));
      for (let t = 0; t < 10; t++) expect(mapMerge(spec, chunks, shuffle(chunks.map((_, i) => i), r))).toEqual(base);
    });
  }

  it('sum is exact: equals the correctly rounded sum regardless of cut', () => {
    const xs = [1e16, 1, -1e16, 0.1, 0.2, 0.3, 1e-10, -0.6];
    const p: number[] = [];
    for (const x of xs) fsumAdd(p, x);
    // exact: 1 + (0.1 + 0.2 + 0.3 - 0.6 as doubles) + 1e-10
    expect(fsumValue(p)).toBe(1.0000000001);
    expect(mapMerge({ kind: 'sum', name: 's' }, [[1e16, 1], [-1e16], [0.1, 0.2], [0.3, 1e-10, -0.6]], [3, 1, 0, 2])).toBe(1.0000000001);
  });
});

describe('quantile sketch error bound', () => {
  it('p50/p90/p95/p99 of a log-normal sample are within 1% relative error of the exact rank value', () => {
    const r = rng(7);
    const xs = Array.from({ length: 100_000 }, () => {
      const u = Math.max(r(), 1e-12);
      const v = r();
      return Math.exp(4 + 0.8 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    });
    const sorted = xs.slice().sort((a, b) => a - b);
    const chunks = [xs.slice(0, 30_000), xs.slice(30_000, 31_000), xs.slice(31_000)];
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const got = mapMerge({ kind: 'quantile', name: 'q', params: { q } }, chunks, [2, 0, 1]) as number;
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      expect(Math.abs(got - exact) / exact, `q=${q}`).toBeLessThanOrEqual(0.01);
    }
  });
});

describe('approx_count_distinct', () => {
  it('estimates 50,000 distinct values within 3 standard errors (p = 10: 3.3%) after a cut-up merge', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 50_000);
    const chunks = [values.slice(0, 1), values.slice(1, 70_000), values.slice(70_000)];
    const est = mapMerge({ kind: 'approx_count_distinct', name: 'a', params: { p: 10 } }, chunks, [2, 0, 1]) as number;
    expect(Math.abs(est - 50_000) / 50_000).toBeLessThan(3 * 0.0325);
  });
});

describe('reduce-side states outlive the partial they came from', () => {
  // a partial arrives as one buffer; a state that kept a view into it would keep the whole buffer
  // (every group's bytes) alive for as long as the job holds its merged results
  for (const spec of [{ kind: 'quantile', name: 'q', params: { q: 0.5 } }, { kind: 'approx_count_distinct', name: 'a', params: { p: 8 } }] as AggSpec[]) {
    it(`${spec.kind}: decode copies out of the partial's buffer, and merge leaves its inputs as they were`, () => {
      const agg = getAggregate(spec.kind);
      const partial = (values: number[]): unknown => {
        const col = agg.map(spec);
        col.bind?.((c) => c);
        col.init(2);
        for (const v of values) col.update(v % 2, v);
        return unpack<{ p: unknown }>(pack({ p: col.encode(2, (c) => c) })).p;
      };
      const enc = partial([3, 4, 5, 6, 100, 101]);
      const buffers = new Set<ArrayBufferLike>();
      JSON.stringify(enc, (_k, v: unknown) => { if (ArrayBuffer.isView(v)) buffers.add(v.buffer); return ArrayBuffer.isView(v) ? null : v; });
      expect(buffers.size).toBeGreaterThan(0);
      const a = agg.decode(enc, 0, spec);
      const b = agg.decode(partial([8, 10, 12]), 0, spec);
      const owned = new Set<ArrayBufferLike>();
      JSON.stringify([a, b], (_k, v: unknown) => { if (ArrayBuffer.isView(v)) owned.add(v.buffer); return ArrayBuffer.isView(v) ? null : v; });
      expect(owned.size).toBeGreaterThan(0);
      for (const buf of owned) expect(buffers.has(buf)).toBe(false);
      const before = [agg.finish(a, spec), agg.finish(b, spec)];
      const merged = agg.merge(agg.decode(enc, 0, spec), b, spec);
      expect(agg.finish(merged, spec)).not.toBeNull();
      if (spec.kind === 'quantile') expect([agg.finish(a, spec), agg.finish(b, spec)]).toEqual(before);
    });
  }
});

describe('quantile states travel as bins', () => {
  const spec: AggSpec = { kind: 'quantile', name: 'q', params: { q: 0.5 } };
  const agg = getAggregate('quantile');
  const QS = [0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

  /** The sketch of `values` built directly with DDSketch, the reference. */
  function direct(values: number[]): DDSketch {
    const s = new DDSketch({ relativeAccuracy: 0.01 });
    for (const v of values) s.accept(v);
    return s;
  }
  /** Map `chunks` and merge their partials (through pack/unpack, as they travel) in `order`, then read every q. */
  function viaPartials(chunks: number[][], order: number[]): number[] {
    const states = chunks.map((c) => {
      const col = agg.map(spec);
      col.bind?.((x) => x);
      col.init(1);
      for (const v of c) col.update(0, v);
      return agg.decode(unpack<{ p: unknown }>(pack({ p: col.encode(1, (x) => x) })).p, 0, spec);
    });
    let m: unknown = null;
    for (const k of order) m = m === null ? states[k] : agg.merge(m, states[k], spec);
    return QS.map((q) => agg.finish(m, { ...spec, params: { q } }) as number);
  }

  it('give every quantile DDSketch gives, for any cut and merge order, zeros and negatives included', () => {
    const r = rng(21);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(r() * 3000);
      const values = Array.from({ length: n }, () => {
        const u = r();
        return u < 0.05 ? 0 : u < 0.1 ? -Math.exp(r() * 8) : Math.exp(r() * 12 - 2);
      });
      const want = QS.map((q) => direct(values).getValueAtQuantile(q));
      const cut1 = Math.floor(r() * n);
      const cut2 = cut1 + Math.floor(r() * (n - cut1));
      const chunks = [values.slice(0, cut1), values.slice(cut1, cut2), values.slice(cut2)];
      expect(viaPartials(chunks, shuffle([0, 1, 2], r))).toEqual(want);
      // one partial alone is never merged: it stays encoded until finish
      expect(viaPartials([values], [0])).toEqual(want);
    }
  });

  it('restores a checkpoint that holds the older protobuf form', () => {
    const values = [1, 2, 3, 50, 700, 0, -4];
    const s = direct(values);
    const legacy = { proto: s.toProto(), min: s.min, max: s.max };
    const restored = agg.restore(legacy, spec);
    for (const q of QS) expect(agg.finish(restored, { ...spec, params: { q } })).toBe(s.getValueAtQuantile(q));
  });
});

describe('top_k', () => {
  const spec: AggSpec = { kind: 'top_k', name: 't', params: { k: 3 } };
  const agg = getAggregate('top_k');

  it('lists the values most frequent first in its JSON, integer-like ones too (an object would sort them)', () => {
    const values = [500, 500, 404, 200, 200, 200, 200, 503];
    const codes = [...new Set(values)];
    const col = agg.map(spec);
    col.init(1);
    for (const v of values) col.update(0, codes.indexOf(v));
    const out = agg.finish(agg.decode(col.encode(1, (c) => codes[c]!), 0, spec), spec);
    expect(out).toBe('{"200":4,"500":2,"404":1}');
  });

  it('breaks ties by code point, whatever the locale', () => {
    const m = new Map<string | number, number>([['b', 1], ['B', 1], ['a', 1], ['é', 1], [10, 1], [9, 1]]);
    expect(agg.finish(m as never, { ...spec, params: { k: 10 } })).toBe('{"9":1,"10":1,"B":1,"a":1,"b":1,"é":1}');
  });
});

describe('quantile of values a sketch cannot hold', () => {
  it('skips infinities (a division by zero) instead of failing the task', () => {
    const spec: AggSpec = { kind: 'quantile', name: 'p50', params: { q: 0.5 } };
    const agg = getAggregate('quantile');
    const col = agg.map(spec);
    col.init(1);
    for (const v of [Infinity, 5, -Infinity, NaN, 5, 5]) col.update(0, v);
    expect(agg.finish(agg.decode(col.encode(1, (c) => c), 0, spec), spec)).toBeCloseTo(5, 1);
  });
});
