/**
 * Captured strings -> record fields: the one mapping shared by the regex-based formats
 * (pattern, regex), plus the string-valued setters jsonl reuses.
 *
 * The line is decoded once; fields arrive as strings. Dictionary fields and levels are
 * looked up in small string-keyed caches first, so a repeated value costs one Map hit
 * instead of an encode + hash into the byte interner.
 */
import type { Batch, Dictionaries } from '../batch.js';
import { DICT_FIELDS, type DictField, isRecordField, normalizeLevel, NUM_FIELDS, type NumField } from '../schema.js';
import type { FormatOptions } from './format.js';
import { compileStrptime, makeZone, parseTimestamp, type Zone } from './time.js';

/** Fields a mapping may fill: every record field but the provenance ones. */
const MAPPABLE = new Set<string>(['timestamp', 'level', ...DICT_FIELDS, 'message', ...NUM_FIELDS]);

/** Check a `fields` mapping's keys; throws on provenance or unknown fields (a config error, not a line error). */
export function checkFieldNames(fields: Record<string, string>, format: string): void {
  for (const k of Object.keys(fields)) {
    if (!isRecordField(k) || !MAPPABLE.has(k)) {
      throw new Error(`${format}: cannot map record field '${k}': expected one of ${[...MAPPABLE].join(', ')}`);
    }
  }
}

/** A number from a field's text; '', '-' and anything non-numeric are null (NaN). */
export function numberOf(str: string): number {
  const c = str.charCodeAt(0);
  // Number('') is 0 and Number('0x1f') is 31: accept only text that starts like a decimal number
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 32)) return NaN;
  const t = str.trim();
  if (t === '' || t === '-') return NaN;
  const x = t.charCodeAt(1) | 32;
  if (t.charCodeAt(0) === 48 && (x === 120 || x === 111 || x === 98)) return NaN; // 0x.. 0o.. 0b..
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

/** String -> dictionary code, cached per Dictionaries instance (a batch's dicts live for a task). */
export class DictSetter {
  private dicts: Dictionaries | null = null;
  private cache = new Map<string, number>();
  constructor(readonly field: DictField) {}

  /** Code of `value` in b's dictionary for this field. */
  code(dicts: Dictionaries, value: string): number {
    if (dicts !== this.dicts) {
      this.dicts = dicts;
      this.cache.clear();
    }
    let code = this.cache.get(value);
    if (code === undefined) {
      // an endpoint is its path: the query string goes, as in the text, csv and access formats
      // (otherwise `/orders?page=2` and `/orders?page=3` would be two endpoints in one format only)
      const q = this.field === 'endpoint' ? value.indexOf('?') : -1;
      code = dicts[this.field].internString(q < 0 ? value : value.slice(0, q));
      this.cache.set(value, code);
    }
    return code;
  }
}

/** Level word -> level code, cached; a field of many distinct words stops filling the cache. */
export class LevelSetter {
  private cache = new Map<string, number>();
  /** Level code of `word` (UNKNOWN when not a level). */
  code(word: string): number {
    let code = this.cache.get(word);
    if (code === undefined) {
      code = normalizeLevel(word);
      if (this.cache.size < 1024) this.cache.set(word, code);
    }
    return code;
  }
}

/** Turns the configured timestamp source (one or more joined values) into ms UTC. */
export interface TimestampReader {
  /** ms UTC, or NaN when the text is not a timestamp. */
  read(text: string): number;
  /** Whether the user configured it (a failure makes the line malformed) or it was guessed (a failure is a null timestamp). */
  readonly strict: boolean;
}

/** A timestamp reader for options.timestamp.format (strptime) or auto-detection. */
export function makeTimestampReader(options: FormatOptions, strict: boolean): TimestampReader {
  const zone: Zone = makeZone(options.timezone);
  const format = options.timestamp?.format;
  const read = format ? compileStrptime(format, zone) : (text: string): number => parseTimestamp(text, zone);
  return { read, strict };
}

// ---------------------------------------------------------------------------
// Regex captures

/**
 * Capture-group numbers of the named groups in a regex source, and the source with the
 * names removed: V8 builds a `groups` object per match for named groups, which costs
 * about a third of the match time on short lines. Names are kept when the source uses
 * a named backreference (`\k<name>`).
 */
export function positionalGroups(source: string): { source: string; names: Map<string, number> } {
  const names = new Map<string, number>();
  let out = '';
  let group = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (c === '(') {
      if (source[i + 1] !== '?') {
        group++;
      } else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        const close = source.indexOf('>', i + 3);
        const name = source.slice(i + 3, close);
        group++;
        if (names.has(name)) throw new Error(`duplicate group name '${name}'`);
        names.set(name, group);
        out += '(';
        i = close;
        continue;
      }
    }
    out += c;
  }
  return { source: source.includes('\\k<') ? source : out, names };
}

/** Where a record field's value comes from: a capture-group number. */
interface GroupField {
  field: string;
  group: number;
}

/** Group names (case-insensitive) a record field takes by default when `fields` does not map it. */
const DEFAULT_GROUPS: Record<string, readonly string[]> = {
  timestamp: ['timestamp'],
  level: ['level', 'severity'],
  service: ['service', 'component', 'app', 'logger'],
  message: ['message', 'content', 'msg'],
  ip: ['ip', 'client_ip', 'remote_addr'],
  endpoint: ['endpoint', 'path', 'url'],
  method: ['method'],
  status_code: ['status_code', 'status'],
  response_time_ms: ['response_time_ms', 'latency_ms', 'duration_ms'],
  bytes: ['bytes'],
};

/**
 * Captured groups -> record fields, compiled once per parser. `fields` maps record field ->
 * group name; a field it does not map takes a group named like it (case-insensitive, see
 * DEFAULT_GROUPS), and '' maps it to nothing. `timestamp.from` joins groups with a space.
 * Referencing a group the regex lacks is a config error.
 */
export class CaptureMapping {
  private readonly dictFields: { setter: DictSetter; group: number }[] = [];
  private readonly numFields: { field: NumField; group: number }[] = [];
  private readonly levelGroup: number = -1;
  private readonly levels = new LevelSetter();
  private readonly messageGroup: number = -1;
  private readonly tsGroups: number[] = [];
  private readonly ts: TimestampReader | null = null;

  constructor(groups: ReadonlyMap<string, number>, options: FormatOptions, format: string) {
    const fields = options.fields ?? {};
    checkFieldNames(fields, format);
    const lower = new Map<string, number>();
    for (const [name, g] of groups) if (!lower.has(name.toLowerCase())) lower.set(name.toLowerCase(), g);
    const groupOf = (name: string, what: string): number => {
      const g = groups.get(name);
      if (g === undefined) throw new Error(`${format}: ${what} refers to '${name}', which the ${format} does not capture (it captures ${[...groups.keys()].join(', ')})`);
      return g;
    };
    const mapped: GroupField[] = [];
    for (const field of MAPPABLE) {
      const name = fields[field];
      if (name === '') continue; // mapped to nothing: the user turned the default off
      if (name !== undefined) {
        mapped.push({ field, group: groupOf(name, `fields.${field}`) });
        continue;
      }
      if (field === 'timestamp' && options.timestamp) continue;
      for (const alias of DEFAULT_GROUPS[field] ?? []) {
        const g = lower.get(alias);
        if (g !== undefined) {
          mapped.push({ field, group: g });
          break;
        }
      }
    }
    for (const { field, group } of mapped) {
      if (field === 'level') this.levelGroup = group;
      else if (field === 'message') this.messageGroup = group;
      else if (field === 'timestamp') this.tsGroups = [group];
      else if ((DICT_FIELDS as readonly string[]).includes(field)) this.dictFields.push({ setter: new DictSetter(field as DictField), group });
      else this.numFields.push({ field: field as NumField, group });
    }
    if (options.timestamp) {
      const from = Array.isArray(options.timestamp.from) ? options.timestamp.from : [options.timestamp.from];
      if (from.length === 0) throw new Error(`${format}: timestamp.from names no group`);
      this.tsGroups = from.map((n) => groupOf(n, 'timestamp.from'));
    }
    if (this.tsGroups.length > 0) {
      const explicit = options.timestamp !== undefined || fields.timestamp !== undefined;
      this.ts = makeTimestampReader(options, explicit);
    }
  }

  /**
   * Fill row `row` of `b` from a successful match of `line` = buf[s, e) decoded. `identity`
   * says that string index i is byte s + i (the decode kept one char per byte), which lets a
   * message at the end of the line stay a byte range. Returns null or a malformed reason.
   */
  apply(m: RegExpExecArray, line: string, identity: boolean, e: number, b: Batch, row: number): string | null {
    if (this.ts !== null) {
      const g = this.tsGroups;
      let text: string | undefined = m[g[0]!];
      for (let k = 1; k < g.length && text !== undefined; k++) {
        const part = m[g[k]!];
        text = part === undefined ? undefined : text + ' ' + part;
      }
      const t = text === undefined ? NaN : this.ts.read(text);
      if (t !== t && this.ts.strict) return 'bad timestamp';
      b.timestamp[row] = t;
    }
    if (this.levelGroup >= 0) {
      const v = m[this.levelGroup];
      if (v !== undefined) b.level[row] = this.levels.code(v);
    }
    const dicts = b.dicts;
    for (let k = 0; k < this.dictFields.length; k++) {
      const f = this.dictFields[k]!;
      const v = m[f.group];
      if (v !== undefined && v !== '') b[f.setter.field][row] = f.setter.code(dicts, v);
    }
    for (let k = 0; k < this.numFields.length; k++) {
      const f = this.numFields[k]!;
      const v = m[f.group];
      if (v !== undefined) b[f.field][row] = numberOf(v);
    }
    if (this.messageGroup >= 0) {
      const v = m[this.messageGroup];
      if (v !== undefined) {
        // the message is usually the tail of the line: then it is those very bytes
        if (identity && line.endsWith(v)) {
          b.msgStart[row] = e - v.length;
          b.msgEnd[row] = e;
        } else {
          b.setMessageText(row, v);
        }
      }
    }
    return null;
  }
}
