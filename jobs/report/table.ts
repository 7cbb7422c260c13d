/**
 * A tiny typed table: what every report file (CSV, JSON, Arrow) is written from.
 * Row-major because report builders produce rows; any cell may be null.
 */
import { badColumns, badRowLength } from './errors.js';

/** The cell types a report column can declare. */
export type ColumnType = 'string' | 'int' | 'float' | 'timestamp' | 'bool';

/** One column: its name (the CSV header / JSON key / Arrow field) and its type. */
export interface ReportColumn {
  name: string;
  type: ColumnType;
}

/** A report table; `rows[i][j]` is the cell of column j (timestamps are ms since epoch, UTC). */
export interface ReportTable {
  name: string;
  columns: ReportColumn[];
  rows: unknown[][];
  /**
   * The only formats this table is written in (default: every format asked for). Bulky tables
   * that only a program reads (the dashboard's filter cube) are written as Arrow alone.
   */
  only?: readonly ('csv' | 'json' | 'arrow')[];
}

/** Build a table from objects, one per row, taking each column from the key of the same name (missing → null). */
export function tableFromObjects(name: string, columns: ReportColumn[], objects: Iterable<Readonly<Record<string, unknown>>>): ReportTable {
  const rows: unknown[][] = [];
  for (const o of objects) rows.push(columns.map((c) => o[c.name] ?? null));
  return { name, columns, rows };
}

/** Throw unless the table has at least one column, unique non-empty column names and one cell per column in every row. */
export function checkTableShape(table: ReportTable): void {
  const { name, columns, rows } = table;
  if (columns.length === 0) throw badColumns(name, 'has no columns; declare at least one');
  const seen = new Set<string>();
  for (const c of columns) {
    if (c.name === '') throw badColumns(name, 'has a column with an empty name');
    if (seen.has(c.name)) throw badColumns(name, `has two columns named "${c.name}"; names must be unique`);
    seen.add(c.name);
  }
  for (let i = 0; i < rows.length; i++) {
    const n = rows[i]!.length;
    if (n !== columns.length) throw badRowLength(name, i, n, columns.length);
  }
}
