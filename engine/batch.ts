/**
 * A batch of parsed records as typed-array columns, filled in place by a format
 * parser. Batches are reused chunk after chunk; `toRecordBatch` wraps them as Arrow.
 */
import { DICT_FIELDS, type DictField, UNKNOWN_LEVEL } from './schema.js';
import { Interner } from './intern.js';

/** Per-task dictionaries for the dictionary-encoded fields. */
export type Dictionaries = Record<DictField, Interner>;

export function makeDictionaries(): Dictionaries {
  return Object.fromEntries(DICT_FIELDS.map((f) => [f, new Interner()])) as Dictionaries;
}

/** A CSV quoted field's content with its doubled quotes (`""`) made single. */
export function undoubleQuotes(text: string): string {
  return text.replace(/""/g, '"');
}

export class Batch {
  length = 0;
  /** The bytes the message offsets point into (the reader's current buffer). */
  buf: Buffer = Buffer.alloc(0);
  /** ms since epoch, UTC; NaN = null. */
  timestamp: Float64Array;
  /** Level code (see LEVELS). */
  level: Uint8Array;
  /** Dictionary codes; -1 = null. */
  service: Int32Array;
  ip: Int32Array;
  endpoint: Int32Array;
  method: Int32Array;
  /** NaN = null. */
  status_code: Float64Array;
  response_time_ms: Float64Array;
  bytes: Float64Array;
  /**
   * Message as a byte range of `buf` (msgStart < 0: the message is in `messageText`, or null when
   * that is undefined).
   */
  msgStart: Int32Array;
  msgEnd: Int32Array;
  /**
   * 1: the byte range is a CSV quoted field's content with doubled quotes (`""`) still in it;
   * message(i) undoes them. A CSV parser no longer builds a string for every such message (about
   * 30% of the lines of the benchmark CSV) when only a few rows' messages are ever read.
   */
  msgQuoted: Uint8Array;
  /** Messages a parser had to build as strings (unescaped CSV/JSON, multi-line records). Sparse. */
  messageText: (string | undefined)[] = [];
  /** Physical line index within the partition (0-based) and byte offset in the file. */
  line: Float64Array;
  offset: Float64Array;

  constructor(readonly capacity: number, readonly dicts: Dictionaries, readonly file: string) {
    this.timestamp = new Float64Array(capacity);
    this.level = new Uint8Array(capacity);
    this.service = new Int32Array(capacity);
    this.ip = new Int32Array(capacity);
    this.endpoint = new Int32Array(capacity);
    this.method = new Int32Array(capacity);
    this.status_code = new Float64Array(capacity);
    this.response_time_ms = new Float64Array(capacity);
    this.bytes = new Float64Array(capacity);
    this.msgStart = new Int32Array(capacity);
    this.msgEnd = new Int32Array(capacity);
    this.msgQuoted = new Uint8Array(capacity);
    this.line = new Float64Array(capacity);
    this.offset = new Float64Array(capacity);
    this.clearAll(capacity);
  }

  /** Start a new row with every field null; returns its index. A parser that rejects the line calls `discard()`. */
  begin(line: number, offset: number): number {
    // the null defaults were written in bulk by reset() (or undo a discarded row's writes)
    const i = this.length++;
    if (this.dirty > i) this.clearRow(i);
    this.line[i] = line;
    this.offset[i] = offset;
    return i;
  }

  /** Rows [0, dirty) may hold values written since the last bulk clear. */
  private dirty = 0;

  private clearRow(i: number): void {
    this.timestamp[i] = NaN;
    this.level[i] = UNKNOWN_LEVEL;
    this.service[i] = -1;
    this.ip[i] = -1;
    this.endpoint[i] = -1;
    this.method[i] = -1;
    this.status_code[i] = NaN;
    this.response_time_ms[i] = NaN;
    this.bytes[i] = NaN;
    this.msgStart[i] = -1;
    this.msgEnd[i] = -1;
    this.msgQuoted[i] = 0;
    if (this.messageText.length > i) this.messageText[i] = undefined;
  }

  /** Set every column of rows [0, n) to null in bulk (TypedArray.fill is a native loop). */
  private clearAll(n: number): void {
    this.timestamp.fill(NaN, 0, n);
    this.level.fill(UNKNOWN_LEVEL, 0, n);
    this.service.fill(-1, 0, n);
    this.ip.fill(-1, 0, n);
    this.endpoint.fill(-1, 0, n);
    this.method.fill(-1, 0, n);
    this.status_code.fill(NaN, 0, n);
    this.response_time_ms.fill(NaN, 0, n);
    this.bytes.fill(NaN, 0, n);
    this.msgStart.fill(-1, 0, n);
    this.msgEnd.fill(-1, 0, n);
    this.msgQuoted.fill(0, 0, n);
  }

  /** Drop the row opened last by `begin`. */
  discard(): void {
    this.length--;
    // the parser may have written fields before it gave up: the next begin() must clear them
    this.dirty = Math.max(this.dirty, this.length + 1);
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  reset(): void {
    this.clearAll(Math.max(this.length, this.dirty));
    this.length = 0;
    this.dirty = 0;
    this.messageText.length = 0;
  }

  /** The message of row i as a string (null when the record has none). Builds a string: off the hot path. */
  message(i: number): string | null {
    const s = this.msgStart[i]!;
    if (s >= 0) {
      const text = this.buf.toString('utf8', s, this.msgEnd[i]!);
      return this.msgQuoted[i] === 1 ? undoubleQuotes(text) : text;
    }
    return this.messageText[i] ?? null;
  }

  /** Set a message the parser built as a string. */
  setMessageText(i: number, text: string): void {
    this.msgStart[i] = -1;
    this.messageText[i] = text;
  }
}
