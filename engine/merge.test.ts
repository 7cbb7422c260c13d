import { describe, expect, it } from 'vitest';
import { GroupMerger } from './merge.js';
import type { GroupPartial, QuerySpec } from './plan.js';

const query: QuerySpec = {
  groupBy: [{ name: 'a', expr: { op: 'col', name: 'a' } }, { name: 'b', expr: { op: 'col', name: 'b' } }],
  aggs: [{ kind: 'count', name: 'n' }, { kind: 'mean', name: 'm', input: { op: 'col', name: 'x' } }],
};

/** A partial of the query above: keys column-major, count and fsum states as the map side encodes them. */
function partial(keys: [unknown, unknown][], n: number[], sums: number[]): GroupPartial {
  return {
    kind: 'group', groups: keys.length,
    keys: [keys.map((k) => k[0]), keys.map((k) => k[1])] as GroupPartial['keys'],
    aggs: [Float64Array.from(n), { parts: sums.map((s) => [s]), counts: Float64Array.from(n) }],
  };
}

describe('GroupMerger', () => {
  const keys: [unknown, unknown][] = [
    [1736467200000, 'ERROR'], [-0, 'a "quoted" \\ value'], [1e21, 'ünïcødé'], [0.1, null], [NaN, 'x'], [true, false], [null, null],
  ];

  it('merges groups with equal keys, whatever the key values', () => {
    const m = new GroupMerger(query);
    m.add(partial(keys, keys.map(() => 2), keys.map(() => 1.5)));
    m.add(partial(keys, keys.map(() => 3), keys.map(() => 2.5)));
    expect(m.size).toBe(keys.length);
    for (const row of m.rows()) {
      expect(row[2]).toBe(5);
      expect(row[3]).toBeCloseTo(4 / 5, 12);
    }
  });

  it('merges into restored groups (the checkpoint path keys them the same way)', () => {
    const m = new GroupMerger(query);
    m.add(partial(keys, keys.map(() => 1), keys.map(() => 1)));
    const back = GroupMerger.restore(query, JSON.parse(JSON.stringify(m.save())) as ReturnType<GroupMerger['save']>);
    back.add(partial(keys, keys.map(() => 1), keys.map(() => 1)));
    expect(back.size).toBe(keys.length);
    expect(back.rows().map((r) => r[2])).toEqual(keys.map(() => 2));
  });

  it('filtered() reads the kept groups with their merged states, copying nothing', () => {
    const m = new GroupMerger(query);
    const rows = [[1, 'x'], [2, 'x'], [3, 'y']] as [unknown, unknown][];
    m.add(partial(rows, [1, 2, 3], [10, 20, 30]));
    const view = m.filtered((k) => k[0] !== 2);
    expect(view.rows()).toEqual([[1, 'x', 1, 10], [3, 'y', 3, 10]]);
    // the states are shared: what the full merger folds in later shows in the view
    m.add(partial([[3, 'y']], [1], [2]));
    expect(view.rows()).toEqual([[1, 'x', 1, 10], [3, 'y', 4, 8]]);
    expect(m.size).toBe(3);
    expect(view.filtered((k) => k[1] === 'y').rows()).toEqual([[3, 'y', 4, 8]]);
    expect(() => view.add(partial([[1, 'x']], [1], [1]))).toThrow(/read-only/);
  });
});

describe('GroupMerger.toTable', () => {
  it('writes string and timestamp key columns exactly, nulls included', () => {
    const q: QuerySpec = {
      groupBy: [{ name: 'ts', expr: { op: 'col', name: 'timestamp' } }, { name: 'service', expr: { op: 'col', name: 'service' } }],
      aggs: [{ kind: 'count', name: 'n' }],
    };
    const ts = [1736467200123, -86_400_001, 0, 2 ** 52 + 1, null, 4294967296 * 3 + 7];
    const svc = ['api', 'ünïcødé ✓', '', null, 'a "quoted", value', 'x'.repeat(300)];
    const m = new GroupMerger(q);
    m.add({ kind: 'group', groups: ts.length, keys: [ts, svc] as GroupPartial['keys'], aggs: [Float64Array.from(ts.map((_, i) => i + 1))] });
    const t = m.toTable();
    const rows = t.toArray().map((r) => r.toJSON() as { ts: number | null; service: string | null; n: number });
    // sorted by timestamp, nulls last; Arrow hands int64 timestamps back as numbers of ms
    const want = ts.map((v, i) => ({ ts: v, service: svc[i]!, n: i + 1 }))
      .sort((a, b) => (a.ts === null ? 1 : b.ts === null ? -1 : a.ts - b.ts));
    expect(rows.map((r) => ({ ts: r.ts === null ? null : Number(r.ts), service: r.service, n: r.n }))).toEqual(want);
    expect(t.getChild('service')!.nullCount).toBe(1);
    expect(t.getChild('ts')!.nullCount).toBe(1);
  });
});
