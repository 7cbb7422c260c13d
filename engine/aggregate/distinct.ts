/** count_distinct (exact: sets of values merge by union) and top_k (exact counts, cut at finish). */
import { compareScalar, type Scalar } from '../expr.js';
import type { Aggregate, MapColumn } from './aggregate.js';

/** Number of distinct non-null values. Exact; memory grows with the number of distinct values per group. */
export const countDistinct: Aggregate<Set<Scalar>> = {
  kind: 'count_distinct',
  input: 'value',
  map(): MapColumn {
    const sets: Set<number>[] = [];
    return {
      init: (n) => { while (sets.length < n) sets.push(new Set()); },
      update: (g, v) => { if (v === v) sets[g]!.add(v); },
      encode: (n, decode) => sets.slice(0, n).map((s) => [...s].map(decode)),
    };
  },
  decode: (enc, g) => new Set((enc as Scalar[][])[g]!),
  merge: (a, b) => {
    for (const v of b) a.add(v);
    return a;
  },
  finish: (s) => s.size,
  outputType: () => 'int',
  save: (s) => [...s],
  restore: (x) => new Set(x as Scalar[]),
};

/** The k most frequent non-null values with their counts, ties broken by value. */
export const topK: Aggregate<Map<Scalar, number>> = {
  kind: 'top_k',
  input: 'value',
  map(): MapColumn {
    const maps: Map<number, number>[] = [];
    return {
      init: (n) => { while (maps.length < n) maps.push(new Map()); },
      update: (g, v) => {
        if (v !== v) return;
        const m = maps[g]!;
        m.set(v, (m.get(v) ?? 0) + 1);
      },
      encode: (n, decode) => maps.slice(0, n).map((m) => [...m].map(([k, c]) => [decode(k), c] as const)),
    };
  },
  decode: (enc, g) => new Map((enc as [Scalar, number][][])[g]!),
  merge: (a, b) => {
    for (const [k, c] of b) a.set(k, (a.get(k) ?? 0) + c);
    return a;
  },
  finish: (m, spec) => {
    const k = Number(spec.params?.k ?? 10);
    // ties by code point, not localeCompare: which values make the cut must not depend on the process's locale
    const rows = [...m].sort((x, y) => y[1] - x[1] || compareScalar(x[0], y[0]));
    // the JSON text itself, most frequent first: an object would list integer-like keys (status codes) in ascending order
    return `{${rows.slice(0, k).map(([v, c]) => `${JSON.stringify(String(v))}:${c}`).join(',')}}`;
  },
  outputType: () => 'json',
  save: (m) => [...m],
  restore: (x) => new Map(x as [Scalar, number][]),
};
