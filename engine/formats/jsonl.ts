/**
 * `jsonl`: one JSON object per line. `options.fields` maps record field -> dotted path
 * ('http.status'); a field it does not map tries common names (DEFAULT_PATHS), and ''
 * maps it to nothing. `options.timestamp.from` may instead join several paths for a
 * strptime `format`. JSON.parse per line: the values have to be unescaped anyway.
 */
import type { Batch } from '../batch.js';
import { DICT_FIELDS, type DictField, LEVEL_CODE, NUM_FIELDS, type NumField, UNKNOWN_LEVEL } from '../schema.js';
import { checkFieldNames, DictSetter, LevelSetter, makeTimestampReader, numberOf, type TimestampReader } from './captures.js';
import type { Format, FormatContext, LineParser } from './format.js';

/** Names tried, in order, for a field the mapping leaves out. */
const DEFAULT_PATHS: Record<string, readonly string[]> = {
  timestamp: ['timestamp', 'time', 'ts', '@timestamp'],
  level: ['level', 'severity', 'log_level', 'lvl'],
  service: ['service', 'app', 'component', 'logger'],
  message: ['message', 'msg'],
  ip: ['ip', 'client_ip', 'remote_addr'],
  endpoint: ['endpoint', 'path', 'url'],
  method: ['method'],
  status_code: ['status_code', 'status'],
  response_time_ms: ['response_time_ms', 'latency_ms', 'duration_ms'],
  bytes: ['bytes'],
};

type Json = Record<string, unknown>;
type Getter = (obj: Json) => unknown;

/** Reads a dotted path; a key that itself contains dots ('http.status' at top level) wins over the walk. */
function pathGetter(path: string): Getter {
  const parts = path.split('.');
  if (parts.length === 1) return (obj) => obj[path];
  return (obj) => {
    const flat = obj[path];
    if (flat !== undefined) return flat;
    let v: unknown = obj;
    for (let k = 0; k < parts.length; k++) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Json)[parts[k]!];
    }
    return v;
  };
}

/** The first non-null value among the getters, or undefined. */
function firstOf(getters: readonly Getter[], obj: Json): unknown {
  for (let k = 0; k < getters.length; k++) {
    const v = getters[k]!(obj);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/** ms UTC of an epoch number, its unit decided by magnitude: s below 1e11 (year 5138), then ms, µs, ns. */
export function epochToMs(v: number): number {
  if (!Number.isFinite(v)) return NaN;
  const a = Math.abs(v);
  if (a < 1e11) return Number.isInteger(v) ? v * 1000 : secondsToMs(v);
  if (a < 1e14) return Math.floor(v);
  if (a < 1e17) return Math.floor(v / 1e3);
  return Math.floor(v / 1e6);
}

/**
 * ms of fractional epoch seconds, sub-ms digits truncated, from the number's decimal digits:
 * 1092925497.768 * 1000 is 1092925497767.9999 in doubles, so the product would lose a ms.
 */
function secondsToMs(v: number): number {
  const t = String(v);
  const dot = t.indexOf('.');
  if (dot < 0 || t.includes('e')) return Math.floor(v * 1000);
  const frac = t.slice(dot + 1);
  return Math.floor(Number(t.slice(0, dot) + frac.slice(0, 3).padEnd(3, '0') + '.' + (frac.slice(3) || '0')));
}

/** Level code of a numeric level: pino/bunyan (10 trace … 60 fatal) or syslog severity (0 emerg … 7 debug). */
export function numericLevel(v: number): number {
  switch (v) {
    case 10: return LEVEL_CODE.TRACE;
    case 20: return LEVEL_CODE.DEBUG;
    case 30: return LEVEL_CODE.INFO;
    case 40: return LEVEL_CODE.WARN;
    case 50: return LEVEL_CODE.ERROR;
    case 60: return LEVEL_CODE.FATAL;
    case 0: case 1: return LEVEL_CODE.FATAL;
    case 2: return LEVEL_CODE.CRITICAL;
    case 3: return LEVEL_CODE.ERROR;
    case 4: return LEVEL_CODE.WARN;
    case 5: return LEVEL_CODE.NOTICE;
    case 6: return LEVEL_CODE.INFO;
    case 7: return LEVEL_CODE.DEBUG;
    default: return UNKNOWN_LEVEL;
  }
}

/** A JSON value as field text: strings as they are, other scalars printed, objects as JSON. */
function textOf(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

class JsonlParser implements LineParser {
  private readonly ts: Getter[] = [];
  /** Paths joined with a space for timestamp.from (several) — empty when ts is used. */
  private readonly tsJoin: Getter[] = [];
  private readonly tsReader: TimestampReader;
  /** The config gives the timestamp's strptime layout: numbers are read with it too. */
  private readonly tsFormat: boolean;
  private readonly level: Getter[];
  private readonly levels = new LevelSetter();
  private readonly message: Getter[];
  private readonly dicts: { setter: DictSetter; get: Getter[] }[] = [];
  private readonly nums: { field: NumField; get: Getter[] }[] = [];

  constructor(ctx: FormatContext) {
    const { options } = ctx;
    const fields = options.fields ?? {};
    checkFieldNames(fields, 'jsonl');
    const getters = (field: string): Getter[] => {
      const path = fields[field];
      if (path === '') return [];
      if (path !== undefined) return [pathGetter(path)];
      return (DEFAULT_PATHS[field] ?? []).map(pathGetter);
    };
    let explicitTs = fields.timestamp !== undefined && fields.timestamp !== '';
    if (options.timestamp) {
      const from = Array.isArray(options.timestamp.from) ? options.timestamp.from : [options.timestamp.from];
      if (from.length === 0) throw new Error('jsonl: timestamp.from names no path');
      if (from.length === 1) this.ts = [pathGetter(from[0]!)];
      else this.tsJoin = from.map(pathGetter);
      explicitTs = true;
    } else {
      this.ts = getters('timestamp');
    }
    // a guessed timestamp that does not parse is null, a configured one makes the line malformed
    this.tsReader = makeTimestampReader(options, explicitTs);
    this.tsFormat = options.timestamp?.format !== undefined;
    this.level = getters('level');
    this.message = getters('message');
    for (const f of DICT_FIELDS) {
      const get = getters(f);
      if (get.length > 0) this.dicts.push({ setter: new DictSetter(f as DictField), get });
    }
    for (const f of NUM_FIELDS) {
      const get = getters(f);
      if (get.length > 0) this.nums.push({ field: f, get });
    }
  }

  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null {
    let obj: unknown;
    try {
      obj = JSON.parse(buf.toString('utf8', s, e));
    } catch {
      return 'bad json';
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
    const o = obj as Json;

    let t = NaN;
    let seen = false;
    if (this.tsJoin.length > 0) {
      const parts: string[] = [];
      for (const g of this.tsJoin) {
        const v = g(o);
        if (v === undefined || v === null) break;
        parts.push(textOf(v));
      }
      if (parts.length === this.tsJoin.length) {
        seen = true;
        t = this.tsReader.read(parts.join(' '));
      }
    } else {
      const v = firstOf(this.ts, o);
      if (v !== undefined) {
        seen = true;
        // a number is epoch time, unless the config gives its layout (`%Y%m%d%H%M%S` of 20250110120515)
        t = typeof v === 'number' && !this.tsFormat ? epochToMs(v) : typeof v === 'string' || typeof v === 'number' ? this.tsReader.read(String(v)) : NaN;
      }
    }
    if (seen && t !== t && this.tsReader.strict) return 'bad timestamp';
    b.timestamp[row] = t;

    const lv = firstOf(this.level, o);
    if (typeof lv === 'string') b.level[row] = this.levels.code(lv);
    else if (typeof lv === 'number') b.level[row] = numericLevel(lv);

    for (let k = 0; k < this.dicts.length; k++) {
      const d = this.dicts[k]!;
      const v = firstOf(d.get, o);
      if (v === undefined) continue;
      const text = textOf(v);
      if (text !== '') b[d.setter.field][row] = d.setter.code(b.dicts, text);
    }
    for (let k = 0; k < this.nums.length; k++) {
      const n = this.nums[k]!;
      const v = firstOf(n.get, o);
      b[n.field][row] = typeof v === 'number' ? (Number.isFinite(v) ? v : NaN) : typeof v === 'string' ? numberOf(v) : NaN;
    }
    const msg = firstOf(this.message, o);
    if (msg !== undefined) b.setMessageText(row, textOf(msg));
    return null;
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    while (s < e && (buf[s] === 32 || buf[s] === 9)) s++;
    return s < e && buf[s] === 123; // '{'
  }
}

export const jsonlFormat: Format = {
  name: 'jsonl',
  create: (ctx: FormatContext): LineParser => new JsonlParser(ctx),
};
