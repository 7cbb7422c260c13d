/**
 * Arrow record batches from the typed-array columns a worker filled. Numeric and code
 * columns are copied once per batch into exact-size typed arrays and wrapped with
 * makeData (no Builders per value); dictionary columns share the task's final dictionary.
 */
import {
  Dictionary, Float64, Int32, makeData, makeVector, RecordBatch, Schema, Field, Struct, TimestampMillisecond, Uint8, Utf8,
  type Data, type DataType, vectorFromArray, RecordBatchStreamWriter,
} from 'apache-arrow';
import type { Batch, Dictionaries } from './batch.js';
import { DICT_FIELDS, type DictField, LEVELS } from './schema.js';
import { isTimeExpr, type NamedExpr } from './expr.js';
import type { Compiler } from './compile.js';

const LEVEL_DICT = vectorFromArray([...LEVELS], new Utf8());

/** Validity bitmap for values that are not null (NaN / negative code); null when all are valid. */
function validity(n: number, isValid: (i: number) => boolean): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (isValid(i)) bitmap[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

type ColumnChunk = (dicts: Dictionaries) => Data;

/** Collects the selected columns batch by batch; builds the Arrow IPC stream at the end of the task. */
export class RowCollector {
  private readonly chunks: ColumnChunk[][] = [];
  private readonly fields: { name: string; make: (b: Batch) => ColumnChunk }[];
  rows = 0;

  constructor(select: NamedExpr[], compiler: Compiler) {
    this.fields = select.map((s) => ({ name: s.name, make: columnMaker(s, compiler) }));
  }

  /** Snapshot the rows of batch b that pass `keep` (null = all). */
  add(b: Batch, keep: Uint8Array | null): void {
    let view = b;
    if (keep) view = compact(b, keep);
    if (view.length === 0) return;
    this.rows += view.length;
    this.chunks.push(this.fields.map((f) => f.make(view)));
  }

  /** The collected rows as one Arrow IPC stream. */
  toIPC(dicts: Dictionaries): Uint8Array {
    const batches: RecordBatch[] = [];
    let schema: Schema | null = null;
    for (const chunk of this.chunks) {
      const datas = chunk.map((c) => c(dicts));
      if (!schema) schema = new Schema(datas.map((d, k) => new Field(this.fields[k]!.name, d.type, true)));
      const length = datas[0]!.length;
      const struct = makeData({ type: new Struct(schema.fields), length, children: datas, nullCount: 0 });
      batches.push(new RecordBatch(schema, struct));
    }
    if (!schema) schema = new Schema(this.fields.map((f) => new Field(f.name, new Utf8(), true)));
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, schema);
    for (const rb of batches) writer.write(rb);
    writer.finish();
    return writer.toUint8Array(true);
  }
}

/** A batch holding only the rows marked in keep (copies; rows output is off the hot path). */
function compact(b: Batch, keep: Uint8Array): Batch {
  const out = Object.create(Object.getPrototypeOf(b)) as Batch;
  const idx: number[] = [];
  for (let i = 0; i < b.length; i++) if (keep[i]) idx.push(i);
  const pick = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
    const r = new (a.constructor as new (n: number) => T)(idx.length);
    for (let k = 0; k < idx.length; k++) r[k] = a[idx[k]!]!;
    return r;
  };
  Object.assign(out, {
    length: idx.length, buf: b.buf, dicts: b.dicts, file: b.file, capacity: idx.length,
    timestamp: pick(b.timestamp), level: pick(b.level), service: pick(b.service), ip: pick(b.ip), endpoint: pick(b.endpoint),
    method: pick(b.method), status_code: pick(b.status_code), response_time_ms: pick(b.response_time_ms), bytes: pick(b.bytes),
    msgStart: pick(b.msgStart), msgEnd: pick(b.msgEnd), msgQuoted: pick(b.msgQuoted), line: pick(b.line), offset: pick(b.offset),
    messageText: idx.map((i) => b.messageText[i]),
  });
  return out;
}

function float64(values: Float64Array): Data {
  const n = values.length;
  const { bitmap, nulls } = validity(n, (i) => values[i] === values[i]);
  return makeData({ type: new Float64(), length: n, data: values, nullBitmap: bitmap, nullCount: nulls });
}

/**
 * The data of an Int64-backed column (Int64, TimestampMillisecond) from whole numbers: each
 * written as two 32-bit halves (little-endian), not as a BigInt per value (~3 us a value cold).
 * A null or NaN `at(i)` leaves the slot 0; the caller's validity bitmap marks it null.
 */
export function int64Values(n: number, at: (i: number) => number | null): BigInt64Array {
  const data = new BigInt64Array(n);
  const halves = new Int32Array(data.buffer);
  for (let i = 0; i < n; i++) {
    const v = at(i);
    if (v === null || v !== v) continue;
    const hi = Math.floor(v / 4294967296);
    halves[2 * i] = v - hi * 4294967296;
    halves[2 * i + 1] = hi;
  }
  return data;
}

/** A TimestampMillisecond column of ms since epoch (NaN = null). */
function timestamps(ms: Float64Array): ColumnChunk {
  const n = ms.length;
  const out = int64Values(n, (i) => ms[i]!);
  const { bitmap, nulls } = validity(n, (i) => ms[i] === ms[i]);
  return () => makeData({ type: new TimestampMillisecond('UTC'), length: n, data: out, nullBitmap: bitmap, nullCount: nulls });
}

function columnMaker(s: NamedExpr, compiler: Compiler): (b: Batch) => ColumnChunk {
  const e = s.expr;
  if (e.op === 'col') {
    const name = e.name;
    if (name === 'timestamp') return (b) => timestamps(b.timestamp.slice(0, b.length));
    if (name === 'level') {
      return (b) => {
        const codes = b.level.slice(0, b.length);
        return () => makeData({ type: new Dictionary(new Utf8(), new Uint8()), length: codes.length, data: codes, dictionary: LEVEL_DICT, nullCount: 0 });
      };
    }
    if ((DICT_FIELDS as readonly string[]).includes(name)) {
      const f = name as DictField;
      return (b) => {
        const codes = b[f].slice(0, b.length);
        const { bitmap, nulls } = validity(codes.length, (i) => codes[i]! >= 0);
        return (dicts) => makeData({
          type: new Dictionary(new Utf8(), new Int32()), length: codes.length, data: codes, nullBitmap: bitmap, nullCount: nulls,
          dictionary: makeVector(vectorFromArray(dicts[f].values, new Utf8())),
        });
      };
    }
    if (name === 'message') {
      return (b) => {
        const n = b.length;
        const offsets = new Int32Array(n + 1);
        const parts: Buffer[] = [];
        let total = 0;
        const valid = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const st = b.msgStart[i]!;
          let piece: Buffer | null = null;
          if (st >= 0) piece = b.msgQuoted[i] === 1 ? Buffer.from(b.message(i)!, 'utf8') : b.buf.subarray(st, b.msgEnd[i]!);
          else if (b.messageText[i] !== undefined) piece = Buffer.from(b.messageText[i]!, 'utf8');
          if (piece) { parts.push(Buffer.from(piece)); total += piece.length; valid[i] = 1; }
          offsets[i + 1] = total;
        }
        const data = new Uint8Array(Buffer.concat(parts, total));
        const { bitmap, nulls } = validity(n, (i) => valid[i] === 1);
        return () => makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data, nullBitmap: bitmap, nullCount: nulls });
      };
    }
    if (name === 'status_code' || name === 'response_time_ms' || name === 'bytes' || name === 'offset' || name === 'line') {
      return (b) => { const v = b[name].slice(0, b.length); return () => float64(v); };
    }
    if (name === 'file') {
      return (b) => { const vals = new Array<string>(b.length).fill(b.file); return () => vectorFromArray(vals, new Utf8()).data[0]!; };
    }
  }
  // a computed expression: evaluate per row (off the hot path)
  const v = compiler.value(e);
  if (isTimeExpr(e)) {
    // a time bucket is a time, as it is when it is a group key
    return (b) => {
      const ms = new Float64Array(b.length);
      for (let i = 0; i < b.length; i++) ms[i] = v.fn(b, i);
      return timestamps(ms);
    };
  }
  return (b) => {
    const n = b.length;
    const vals: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) vals[i] = v.decode(v.fn(b, i));
    const type: DataType = v.kind === 'number' ? new Float64() : new Utf8();
    return () => vectorFromArray(vals as never[], type).data[0]! as Data;
  };
}
