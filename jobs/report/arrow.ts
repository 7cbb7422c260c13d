/**
 * Arrow: the table as an Arrow Table / IPC file, one column per report column, built with `makeData`
 * from typed arrays filled here (no per-value Builders). Values are the same canonical ones the CSV prints.
 */
import {
  Bool, type Data, type DataType, Field, Float64, Int64, RecordBatch, Schema, Struct, Table,
  TimestampMillisecond, Utf8, makeData, tableToIPC,
} from 'apache-arrow';
import { canonicalColumns, type CellValue } from './cell.js';
import type { ColumnType, ReportTable } from './table.js';

/** Zone written on timestamp columns: the values are instants, so readers get zone-aware UTC datetimes. */
export const TIMESTAMP_TIMEZONE = 'UTC';

/** The Arrow type each report column type is written as. */
export function arrowType(type: ColumnType): DataType {
  switch (type) {
    case 'string':
      return new Utf8();
    case 'int':
      return new Int64();
    case 'float':
      return new Float64();
    case 'timestamp':
      return new TimestampMillisecond(TIMESTAMP_TIMEZONE);
    case 'bool':
      return new Bool();
  }
}

/** The table as an Arrow Table with one record batch; every field is nullable. `cols`: its canonical columns, when the caller has them. */
export function toArrowTable(table: ReportTable, cols: CellValue[][] = canonicalColumns(table)): Table {
  const length = table.rows.length;
  const fields = table.columns.map((c) => new Field(c.name, arrowType(c.type), true));
  const children = table.columns.map((c, j) => columnData(c.type, cols[j]!));
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
  return new Table(schema, batch);
}

/** The table as Arrow IPC *file* format bytes (what `pl.readIPC` and `pyarrow.ipc.open_file` read). */
export function toArrowIPC(table: ReportTable, cols?: CellValue[][]): Uint8Array {
  return tableToIPC(toArrowTable(table, cols), 'file');
}

function columnData(type: ColumnType, values: CellValue[]): Data {
  const length = values.length;
  const { nullBitmap, nullCount } = validity(values);
  const base = { length, nullCount, nullBitmap };
  switch (type) {
    case 'string':
      return utf8Data(values, base);
    case 'int':
    case 'timestamp': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        if (v !== null) data[i] = BigInt(v as number | bigint);
      }
      return type === 'int'
        ? makeData({ type: new Int64(), data, ...base })
        : makeData({ type: new TimestampMillisecond(TIMESTAMP_TIMEZONE), data, ...base });
    }
    case 'float': {
      const data = new Float64Array(length);
      for (let i = 0; i < length; i++) data[i] = (values[i] as number | null) ?? 0;
      return makeData({ type: new Float64(), data, ...base });
    }
    case 'bool': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
      return makeData({ type: new Bool(), data, ...base });
    }
  }
}

/** Arrow's validity bitmap (bit set = value present), or none when nothing is null. */
function validity(values: CellValue[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const v of values) if (v === null) nullCount++;
  if (nullCount === 0) return { nullBitmap: undefined, nullCount };
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i] !== null) nullBitmap[i >> 3]! |= 1 << (i & 7);
  return { nullBitmap, nullCount };
}

function utf8Data(values: CellValue[], base: { length: number; nullCount: number; nullBitmap: Uint8Array | undefined }): Data {
  const n = values.length;
  const valueOffsets = new Int32Array(n + 1);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null) bytes += Buffer.byteLength(v as string, 'utf8');
  }
  const data = new Uint8Array(bytes);
  const encoder = new TextEncoder();
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null) pos += encoder.encodeInto(v as string, data.subarray(pos)).written;
    valueOffsets[i + 1] = pos;
  }
  return makeData({ type: new Utf8(), valueOffsets, data, ...base });
}
