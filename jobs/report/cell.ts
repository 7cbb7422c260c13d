/**
 * Cell values: every writer first turns a table into canonical column values here, so CSV,
 * JSON and Arrow carry exactly the same numbers, and the same value always prints the same bytes.
 */
import { badCell } from './errors.js';
import { checkTableShape, type ColumnType, type ReportTable } from './table.js';

/** A canonical cell: string, int (number when safe, else bigint), rounded float, integer ms timestamp, bool, or null. */
export type CellValue = string | number | bigint | boolean | null;

/** Decimal places floats are rounded to in every report format. */
export const FLOAT_DECIMALS = 6;

/** Largest |ms| a JS Date (and so an ISO string) can hold. */
const MAX_TIME_MS = 8.64e15;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Round a finite float to FLOAT_DECIMALS places (decimal rounding of its exact binary value); -0 becomes 0. */
export function roundFloat(x: number): number {
  // toFixed rounds the exact binary value in decimal, so the result depends on x alone (no x*1e6 drift).
  const r = Number(x.toFixed(FLOAT_DECIMALS));
  return r === 0 ? 0 : r;
}

/** Text of an already-rounded float: shortest round-trip digits, never an exponent. */
export function formatFloat(r: number): string {
  // String() uses an exponent only below 1e-6 (rounded away) or from 1e21 up, where every double is an integer.
  return Math.abs(r) >= 1e21 ? BigInt(r).toString() : String(r);
}

let lastMs = Number.NaN;
let lastIso = '';
/** ISO 8601 UTC text of an integer ms timestamp, e.g. `2025-01-10T05:00:00.000Z`. */
export function formatTimestamp(ms: number): string {
  // report rows come grouped by time (a minute per scope, per level, per service): the last text is the usual answer
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** Text of a non-null canonical cell of the given type (CSV and JSON share it; strings come back as they are). */
export function cellText(type: ColumnType, v: Exclude<CellValue, null>): string {
  switch (type) {
    case 'float':
      return formatFloat(v as number);
    case 'timestamp':
      return formatTimestamp(v as number);
    default:
      return String(v);
  }
}

/** Check one column's cells against its type and return their canonical values. */
export function canonicalColumn(table: ReportTable, j: number): CellValue[] {
  const { type } = table.columns[j]!;
  const rows = table.rows;
  const out = new Array<CellValue>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![j];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    const c = canonical(type, v);
    if (c instanceof Invalid) throw badCell(table.name, table.columns[j]!.name, i, type, v, c.hint);
    out[i] = c;
  }
  return out;
}

/** Check a whole table and return its canonical values, column-major (`cols[j][i]`). */
export function canonicalColumns(table: ReportTable): CellValue[][] {
  checkTableShape(table);
  return table.columns.map((_, j) => canonicalColumn(table, j));
}

/** Why a cell was rejected; returned rather than thrown so the caller can say where. */
class Invalid {
  constructor(readonly hint: string) {}
}

function canonical(type: ColumnType, v: unknown): CellValue | Invalid {
  switch (type) {
    case 'string':
      if (typeof v === 'string') return v;
      return new Invalid('string columns take strings (format numbers or join arrays before building the table)');
    case 'int': {
      if (typeof v === 'number') {
        if (Number.isSafeInteger(v)) return v;
        if (!Number.isInteger(v)) return new Invalid('int columns take integers; round it or declare the column float');
        v = BigInt(v);
      }
      if (typeof v === 'bigint') {
        if (v < INT64_MIN || v > INT64_MAX) return new Invalid('the value is outside the 64-bit integer range');
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      return new Invalid('int columns take numbers or bigints');
    }
    case 'float':
      if (typeof v === 'bigint') v = Number(v);
      // NaN and ±Infinity have no JSON form, so they are null everywhere (the engine uses NaN as null).
      if (typeof v === 'number') return Number.isFinite(v) ? roundFloat(v) : null;
      return new Invalid('float columns take numbers');
    case 'timestamp': {
      const ms = v instanceof Date ? v.getTime() : v;
      if (typeof ms !== 'number') return new Invalid('timestamp columns take ms since epoch (numbers)');
      if (Number.isNaN(ms)) return null;
      if (!(Math.abs(ms) <= MAX_TIME_MS)) return new Invalid('the timestamp is outside the range of dates (±8.64e15 ms)');
      // Sub-ms parts are truncated the way Date does it, so the ISO text and the Arrow value agree.
      const t = Math.trunc(ms);
      return t === 0 ? 0 : t;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      return new Invalid('bool columns take true or false');
  }
}
