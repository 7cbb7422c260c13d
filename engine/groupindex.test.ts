import { describe, expect, it } from 'vitest';
import { GroupIndex } from './groupindex.js';
import { mulberry32 } from './random.js';

/** Groups numbered in first-seen order by a Map over the key tuple's text: what find must agree with. */
function reference(cols: Float64Array[], n: number): { groups: number[]; keys: number[][] } {
  const seen = new Map<string, number>();
  const groups: number[] = [];
  const keys: number[][] = [];
  for (let i = 0; i < n; i++) {
    const tuple = cols.map((c) => c[i]!);
    const k = tuple.map((v) => (v !== v ? 'null' : String(v))).join('|');
    let g = seen.get(k);
    if (g === undefined) { g = seen.size; seen.set(k, g); keys.push(tuple); }
    groups.push(g);
  }
  return { groups, keys };
}

/** A key value: small codes (direct lookup), large codes, nulls, fractions, epoch-minute buckets. */
function value(r: () => number): number {
  const x = r();
  if (x < 0.5) return Math.floor(r() * 300);
  if (x < 0.6) return 65_536 + Math.floor(r() * 50);
  if (x < 0.7) return NaN;
  if (x < 0.8) return Math.floor(r() * 20) + 0.5;
  if (x < 0.9) return 1_736_467_200_000 + Math.floor(r() * 30) * 60_000;
  return Math.floor(r() * 70_000); // either side of the direct lookup's limit
}

describe('GroupIndex.find', () => {
  for (const width of [1, 2, 3]) {
    it(`numbers ${width}-column keys in first-seen order, nulls as one key, whatever the values`, () => {
      const r = mulberry32(width);
      const n = 20_000;
      const cols = Array.from({ length: width }, () => new Float64Array(n));
      // runs of equal keys (the last-group shortcut) between random ones
      for (let i = 0; i < n; i++) for (const c of cols) c[i] = i > 0 && r() < 0.3 ? c[i - 1]! : value(r);
      const index = new GroupIndex(width);
      const got = Array.from({ length: n }, (_, i) => index.find(cols, i));
      const want = reference(cols, n);
      expect(got).toEqual(want.groups);
      expect(index.size).toBe(want.keys.length);
      expect(Array.from(index.keys.subarray(0, index.size * width))).toEqual(want.keys.flat());
    });
  }

  it('has one group for no key columns', () => {
    const index = new GroupIndex(0);
    expect([index.find([], 0), index.find([], 1)]).toEqual([0, 0]);
    expect(index.size).toBe(1);
  });
});
