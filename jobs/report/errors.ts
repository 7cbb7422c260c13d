/**
 * Every error the report writers raise, made in one place: each says what was wrong,
 * where (table, column, row) and what to do.
 */
import type { ColumnType } from './table.js';

/** A cell whose value does not fit its column's declared type. */
export function badCell(table: string, column: string, row: number, type: ColumnType, value: unknown, hint: string): Error {
  return new TypeError(
    `report table "${table}", column "${column}", row ${row}: ${describe(value)} is not a valid ${type} cell; ${hint}`,
  );
}

/** A row whose length differs from the number of columns. */
export function badRowLength(table: string, row: number, got: number, want: number): Error {
  return new RangeError(`report table "${table}", row ${row}: has ${got} cells but the table has ${want} columns; give one cell per column (null for none)`);
}

/** A table whose shape is unusable: no columns, duplicate or empty column names. */
export function badColumns(table: string, reason: string): Error {
  return new Error(`report table "${table}": ${reason}`);
}

/** A table or file name that cannot be a plain file name inside the output folder. */
export function badFileName(name: string): Error {
  return new Error(
    `report file name ${JSON.stringify(name)} is not a plain file name; use letters, digits, '_', '-' or '.', not starting with '.'`,
  );
}

/** An unknown report format. */
export function badFormat(format: string): Error {
  return new Error(`unknown report format ${JSON.stringify(format)}; use one of csv, json, arrow`);
}

/** A value given to `writeJsonFile` that JSON cannot represent at all. */
export function noJsonForm(path: string): Error {
  return new TypeError(`cannot write ${path}: the value has no JSON form (undefined or a function); pass an object, array or scalar`);
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return `Date(${value.getTime()})`;
  return typeof value;
}
