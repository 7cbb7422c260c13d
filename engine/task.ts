/**
 * Run one partition task: read the byte range, parse records into batches, and run the
 * map side of every query in the plan. Used by the worker thread and, in-process, by tests.
 */
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { readGzipPartition, readPartition, type LineSink, type ReadStats } from '../partitions/lines.js';
import { Batch, makeDictionaries, type Dictionaries } from './batch.js';
import { Compiler } from './compile.js';
import { BatchVectors } from './vectors.js';
import { getFormat } from './formats/registry.js';
import type { LineParser } from './formats/format.js';
import { GroupIndex } from './groupindex.js';
import { getAggregate, stateSlots } from './aggregate/registry.js';
import type { Decoder, MapColumn } from './aggregate/aggregate.js';
import { MALFORMED_SAMPLE_LIMIT, type MalformedSample, type QueryPartial, type QuerySpec, type TaskResult, type TaskSpec } from './plan.js';
import type { RowCollector } from './arrow.js';
import type { Expr, Scalar } from './expr.js';

const BATCH_ROWS = 8192;
const MAX_SAMPLE_TEXT = 2000;
/** The largest time a Date holds (ECMA-262: 8.64e15 ms either side of 1970). */
const MAX_TIME_MS = 8.64e15;

/** One query compiled for this task. */
interface CompiledQuery {
  run(b: Batch): void;
  finish(dicts: Dictionaries): QueryPartial;
}

function compileQuery(q: QuerySpec, compiler: Compiler, vectors: BatchVectors, Rows: typeof RowCollector | null): CompiledQuery {
  const filter = q.filter ? vectors.mask(q.filter) : null;
  if (q.select) {
    const rows = new Rows!(q.select, compiler);
    return {
      run(b) { rows.add(b, filter ? filter(b) : null); },
      finish: (dicts) => ({ kind: 'rows', ipc: rows.toIPC(dicts), rows: rows.rows }),
    };
  }
  const keyValues = q.groupBy.map((g) => compiler.value(g.expr));
  const keyVectors = q.groupBy.map((g) => vectors.numeric(g.expr));
  const index = new GroupIndex(keyValues.length);
  // one state per slot: aggregations that share a state (p95 and p99 of a column) update it once
  const { owners } = stateSlots(q.aggs);
  const aggs = owners.map((owner) => {
    const spec = q.aggs[owner]!;
    const agg = getAggregate(spec.kind);
    let input: ((b: Batch) => Float64Array) | null = null;
    let decode: Decoder = (c) => (c === c ? c : null);
    if (agg.input !== 'none' && agg.input !== 'row') {
      if (!spec.input) throw new Error(`aggregation '${spec.name}' (${spec.kind}) needs an input column`);
      const v = compiler.value(spec.input);
      if (agg.input === 'number' && v.kind !== 'number') throw new Error(`aggregation '${spec.name}' (${spec.kind}) needs a numeric input`);
      input = vectors.numeric(spec.input);
      decode = v.decode;
    }
    const column = agg.map(spec);
    column.bind?.(decode);
    return { column, input, where: spec.where ? vectors.mask(spec.where) : null, decode };
  });
  const columns: MapColumn[] = aggs.map((a) => a.column);
  const nAggs = aggs.length;
  const inputs: (Float64Array | null)[] = new Array(nAggs).fill(null);
  const wheres: (Uint8Array | null)[] = new Array(nAggs).fill(null);
  const keys: Float64Array[] = new Array(keyVectors.length);
  let known = 0;
  let gids = new Int32Array(0);
  return {
    run(b) {
      const n = b.length;
      const mask = filter ? filter(b) : null;
      for (let k = 0; k < keyVectors.length; k++) keys[k] = keyVectors[k]!(b);
      for (let a = 0; a < nAggs; a++) {
        const ag = aggs[a]!;
        inputs[a] = ag.input ? ag.input(b) : null;
        wheres[a] = ag.where ? ag.where(b) : null;
      }
      // group ids first (-1: filtered out), then each aggregation over the whole batch: typed-array
      // reads, no allocation per row, and a monomorphic loop per aggregation kind
      if (gids.length < n) gids = new Int32Array(b.capacity);
      for (let i = 0; i < n; i++) {
        if (mask !== null && mask[i] === 0) { gids[i] = -1; continue; }
        gids[i] = index.find(keys, i);
      }
      if (index.size > known) {
        known = index.size;
        for (let a = 0; a < columns.length; a++) columns[a]!.init(known);
      }
      for (let a = 0; a < nAggs; a++) {
        const col = columns[a]!;
        const w = wheres[a] ?? null;
        const inp = inputs[a] ?? null;
        if (col.updateMany) { col.updateMany(gids, n, inp, w, b); continue; }
        for (let i = 0; i < n; i++) {
          const g = gids[i]!;
          if (g < 0 || (w !== null && w[i] === 0)) continue;
          col.update(g, inp === null ? 0 : inp[i]!, b, i);
        }
      }
    },
    finish() {
      const groups = index.size;
      const w = index.width;
      const keyCols: Scalar[][] = keyValues.map((kv, k) => {
        const out: Scalar[] = new Array(groups);
        for (let g = 0; g < groups; g++) out[g] = kv.decode(index.keys[g * w + k]!);
        return out;
      });
      for (const c of columns) c.init(groups);
      return { kind: 'group', groups, keys: keyCols, aggs: aggs.map((a) => a.column.encode(groups, a.decode)) };
    },
  };
}

/** Read the first line of a file (CSV header); of its content for a gzip file. */
function readFirstLine(file: string, gzip: boolean): string {
  const fd = openSync(file, 'r');
  try {
    let buf = Buffer.alloc(64 * 1024);
    let n = readSync(fd, buf, 0, buf.length, 0);
    if (gzip) {
      // the start of the stream inflates without the rest (a sync flush, not the end of the file)
      buf = gunzipSync(buf.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      n = buf.length;
    }
    let end = buf.indexOf(10);
    if (end < 0 || end > n) end = n;
    if (end > 0 && buf[end - 1] === 13) end--;
    return buf.toString('utf8', 0, end).replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}

function isBlank(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Record fields the queries read; undefined (all) when a row-level aggregation reads whole rows without naming its fields. */
export function neededFields(queries: QuerySpec[]): Set<string> | undefined {
  const out = new Set<string>();
  const walk = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.op) {
      case 'col': out.add(e.name); break;
      case 'lit': break;
      case 'cmp': case 'arith': walk(e.left); walk(e.right); break;
      case 'and': case 'or': e.args.forEach(walk); break;
      case 'not': case 'isNull': walk(e.arg); break;
      case 'in': case 'matches': case 'bucket': walk(e.expr); break;
    }
  };
  for (const q of queries) {
    walk(q.filter);
    q.groupBy.forEach((g) => walk(g.expr));
    q.select?.forEach((s) => walk(s.expr));
    for (const a of q.aggs) {
      const agg = getAggregate(a.kind);
      if (agg.input === 'row') {
        if (!agg.rowFields) return undefined;
        for (const f of agg.rowFields) out.add(f);
      }
      walk(a.input);
      walk(a.where);
    }
  }
  return out;
}

const loadedExtensions = new Set<string>();

/**
 * The per-line path of one task: parse each record into the batch and run the queries on every
 * full batch. A class, not closures made by runTask: its methods are the same functions task after
 * task. V8 specializes the code it optimizes for a closure on what that closure captured; once a
 * second task makes new closures, its code is optimized again without that, and calls into it
 * from the line loop deopt on the new closure. The 27 tasks of the bench's text file, one after
 * another in one thread, took 3% less time this way (README, Performance).
 */
class LineTask implements LineSink {
  parsed = 0;
  malformed = 0;
  blank = 0;
  readonly samples: MalformedSample[] = [];

  constructor(
    private readonly parser: LineParser,
    private readonly batch: Batch,
    private readonly vectors: BatchVectors,
    private readonly queries: CompiledQuery[],
    /** The partition starts the file and the format has a header row (line 0 is not data). */
    private readonly headerRow: boolean,
  ) {}

  runBatch(): void {
    if (this.batch.length === 0) return;
    this.vectors.next();
    for (const q of this.queries) q.run(this.batch);
    this.batch.reset();
  }

  /** Parse one record (a line, or a multi-line record) at buf[s, e). */
  record(buf: Buffer, s: number, e: number, lineNo: number, offset: number): void {
    if (isBlank(buf, s, e)) { this.blank++; return; }
    if (lineNo === 0 && this.headerRow) return; // a header row is not a line of data
    const batch = this.batch;
    if (batch.buf !== buf) {
      this.runBatch();
      batch.buf = buf;
    }
    const row = batch.begin(lineNo, offset);
    let reason = this.parser.parse(buf, s, e, batch, row);
    // a time no Date can hold (epoch 1e300, a year past 275760) is a bad line, not a bucket no report can print
    const ts = batch.timestamp[row]!;
    if (reason === null && (ts > MAX_TIME_MS || ts < -MAX_TIME_MS)) reason = 'timestamp out of range';
    if (reason !== null) {
      batch.discard();
      this.malformed++;
      if (this.samples.length < MALFORMED_SAMPLE_LIMIT) {
        this.samples.push({ line: lineNo, offset, reason, text: buf.toString('utf8', s, Math.min(e, s + MAX_SAMPLE_TEXT)) });
      }
      return;
    }
    this.parsed++;
    if (batch.full) this.runBatch();
  }

  /** LineSink: one line is one record. */
  line(buf: Buffer, s: number, e: number, lineNo: number, offset: number): boolean {
    this.record(buf, s, e, lineNo, offset);
    return false;
  }

  flush(buf: Buffer): void {
    if (this.batch.buf === buf) this.runBatch();
  }
}

/** Run one task to its partial result. */
export async function runTask(spec: TaskSpec): Promise<TaskResult> {
  for (const ext of spec.extensions ?? []) {
    if (!loadedExtensions.has(ext)) {
      await import(ext);
      loadedExtensions.add(ext);
    }
  }
  const part = spec.partition;
  const format = getFormat(spec.scan.format);
  const multiline = Boolean(spec.scan.multiline) || Boolean(format.multilineRecords?.(spec.scan.options));
  const parser: LineParser = format.create({
    file: part.file,
    options: spec.scan.options,
    header: format.needsHeader ? readFirstLine(part.file, part.gzip) : undefined,
    fields: neededFields(spec.queries),
    multiline,
  });
  const dicts = makeDictionaries();
  // small partitions get small batches: task set-up stays cheap when a file is cut finely
  const batch = new Batch(part.gzip ? BATCH_ROWS : Math.min(BATCH_ROWS, 64 + ((part.end - part.start) >> 4)), dicts, part.file);
  const compiler = new Compiler(dicts, part.file);
  // apache-arrow takes ~0.4 s to load: only tasks that output rows pay for it
  const Rows = spec.queries.some((q) => q.select) ? (await import('./arrow.js')).RowCollector : null;
  const vectors = new BatchVectors(compiler, batch.capacity);
  const queries = spec.queries.map((q) => compileQuery(q, compiler, vectors, Rows));
  const startRe = typeof spec.scan.multiline === 'object' ? new RegExp(spec.scan.multiline.start) : null;
  const startsRecord = startRe
    ? (buf: Buffer, s: number, e: number) => startRe.test(buf.toString('utf8', s, e))
    : (buf: Buffer, s: number, e: number) => parser.startsRecord(buf, s, e);

  const task = new LineTask(parser, batch, vectors, queries, part.start === 0 && parser.skipsHeader === true);

  // multi-line state: the pending record lives in the read buffer, or in `side` once that buffer is reused
  let pendS = -1;
  let pendE = -1;
  let pendLine = 0;
  let pendOffset = 0;
  let pendBuf: Buffer | null = null;
  let side: Buffer | null = null;
  let seenStart = part.start === 0;
  const finishPending = (): void => {
    if (pendBuf === null) return;
    if (side !== null) {
      task.record(side, 0, side.length, pendLine, pendOffset);
      // the side buffer is private to this record: make its message a string before it goes
      if (batch.buf === side) task.runBatch();
      side = null;
    } else {
      task.record(pendBuf, pendS, pendE, pendLine, pendOffset);
    }
    pendBuf = null;
  };

  const sink: LineSink = multiline
    ? {
      line(buf, s, e, lineNo, offset, owned) {
        const blankLine = isBlank(buf, s, e);
        const starts = !blankLine && startsRecord(buf, s, e);
        if (!owned) {
          if (starts || pendBuf === null) { finishPending(); return false; }
          if (!blankLine) extend(buf, s, e);
          return true;
        }
        if (starts) {
          finishPending();
          seenStart = true;
          pendBuf = buf; pendS = s; pendE = e; pendLine = lineNo; pendOffset = offset;
        } else if (blankLine) {
          task.blank++;
        } else if (pendBuf !== null) {
          extend(buf, s, e);
        } else if (seenStart || part.start === 0) {
          // a continuation with no record before it in the file
          task.record(buf, s, e, lineNo, offset);
        }
        // else: a leading continuation of a record the previous partition owns and reads
        return pendBuf !== null;
      },
      flush(buf) {
        if (pendBuf === buf && side === null) side = Buffer.from(buf.subarray(pendS, pendE));
        task.flush(buf);
      },
    }
    : task;

  function extend(buf: Buffer, s: number, e: number): void {
    if (side !== null) {
      side = Buffer.concat([side, Buffer.from('\n'), buf.subarray(s, e)]);
    } else if (s === pendE + 1) {
      pendE = e;
    } else {
      // a CR or blank lines between the record's lines: close them up in place (the reader is past
      // them), so a record reads as its lines joined by one '\n', as the copy above has it
      buf.copy(buf, pendE + 1, s, e);
      buf[pendE] = 10;
      pendE += 1 + e - s;
    }
  }

  maybeFault(spec);
  const stats: ReadStats = part.gzip ? await readGzipPartition(part, sink) : readPartition(part, sink);
  finishPending();
  task.runBatch();
  return {
    partition: part.index,
    physicalLines: stats.lines,
    lines: task.parsed + task.malformed + task.blank,
    parsed: task.parsed,
    malformed: task.malformed,
    blank: task.blank,
    bytesRead: stats.bytesRead,
    malformedSamples: task.samples,
    queries: queries.map((q) => q.finish(dicts)),
  };
}

/**
 * Fault drills for tests of the retry path: the task dies (exit or throw) on its first
 * `attempts` tries. Tries are counted in a file beside the input, so a fresh thread sees them.
 */
function maybeFault(spec: TaskSpec): void {
  const f = spec.fault;
  if (!f) return;
  const counter = `${spec.partition.file}.fault-${spec.partition.index}`;
  let tries = 0;
  try { tries = Number(readFileSync(counter, 'utf8')) || 0; } catch { tries = 0; }
  if (tries >= f.attempts) return;
  writeFileSync(counter, String(tries + 1));
  if (f.kind === 'exit') process.exit(13);
  throw new Error(`fault drill on partition ${spec.partition.index}`);
}
