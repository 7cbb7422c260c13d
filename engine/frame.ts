/** Result tables: Arrow Tables that also turn into a danfojs-node DataFrame (for small, merged results). */
import { createRequire } from 'node:module';
import { Type, type Table } from 'apache-arrow';
import type { DataFrame } from 'danfojs-node';

const require = createRequire(import.meta.url);

export type ResultTable = Table & {
  /** This (small, merged) result as a danfojs-node DataFrame; timestamps become ISO strings. */
  toDanfo(): DataFrame;
  /** Rows as plain objects (timestamps as ISO strings). */
  toRows(): Record<string, unknown>[];
};

/** Plain JS columns of a table: timestamps as ISO strings, 64-bit integers as numbers. */
export function tableColumns(t: Table): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const f of t.schema.fields) {
    const v = t.getChild(f.name)!;
    const vals: unknown[] = [];
    const isTs = f.type.typeId === Type.Timestamp;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v.get(i);
      if (x === null || x === undefined) vals.push(null);
      else if (isTs) vals.push(new Date(Number(x)).toISOString());
      else if (typeof x === 'bigint') vals.push(Number(x));
      else vals.push(x);
    }
    out[f.name] = vals;
  }
  return out;
}

/** Give an Arrow table the result helpers. */
export function asResult(t: Table): ResultTable {
  const r = t as ResultTable;
  r.toRows = () => {
    const cols = tableColumns(t);
    const names = Object.keys(cols);
    return Array.from({ length: t.numRows }, (_, i) => Object.fromEntries(names.map((n) => [n, cols[n]![i]])));
  };
  r.toDanfo = () => {
    // loaded on first use: danfojs-node pulls in TensorFlow.js, too heavy for every start-up
    const dfd = require('danfojs-node') as typeof import('danfojs-node');
    return new dfd.DataFrame(tableColumns(t));
  };
  return r;
}
