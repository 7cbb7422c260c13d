/**
 * Row order of the output contract: time tables ascending by time, the others by `errors`
 * descending with ties broken by the key columns, so the bytes never depend on merge order.
 */
import { badColumns } from './errors.js';
import type { ReportTable } from './table.js';

/** One sort key: a column, ascending unless `desc`; nulls (and NaN) always sort last. */
export interface SortKey {
  column: string;
  desc?: boolean;
}

/** Contract order of a time table: `time` ascending, then the tie columns ascending. */
export function timeOrder(time: string, ...ties: string[]): SortKey[] {
  return [{ column: time }, ...ties.map((column) => ({ column }))];
}

/** Contract order of the other tables: `errors` descending, ties by the key columns ascending. */
export function errorsOrder(keys: string[], errors = 'errors'): SortKey[] {
  return [{ column: errors, desc: true }, ...keys.map((column) => ({ column }))];
}

/** A copy of `table` with its rows sorted by `keys` (strings by code unit, locale-free; stable). */
export function sortRows(table: ReportTable, keys: SortKey[]): ReportTable {
  const idx = keys.map((k) => {
    const j = table.columns.findIndex((c) => c.name === k.column);
    if (j < 0) throw badColumns(table.name, `has no column "${k.column}" to sort by`);
    return { j, sign: k.desc === true ? -1 : 1 };
  });
  const rows = table.rows.slice().sort((a, b) => {
    for (const { j, sign } of idx) {
      const x = sortable(a[j]);
      const y = sortable(b[j]);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  });
  return { ...table, rows };
}

function sortable(v: unknown): string | number | bigint | boolean | null {
  if (v === null || v === undefined || Number.isNaN(v)) return null;
  if (v instanceof Date) return v.getTime();
  return v as string | number | bigint | boolean;
}
