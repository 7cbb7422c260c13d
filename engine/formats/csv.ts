/**
 * CSV logs (S1): a header row names the columns; `timestamp`, `log_level` (or `level`) and
 * `message` are required, `ip`/`IP`, `service`, `endpoint`, `method`, `status_code`,
 * `response_time_ms`, `bytes` are optional. RFC 4180 quoting; with `csv.multiline` a
 * newline inside quotes continues the record (and the file becomes one partition).
 */
import { undoubleQuotes, type Batch } from '../batch.js';
import { normalizeLevel, levelFromBytes } from '../schema.js';
import { parseNumberTo } from './bytes.js';
import type { Format, FormatContext, FormatOptions, LineParser } from './format.js';
import { makeZone, parseTimestamp, scanTimestamp, TsOut, type Zone } from './time.js';

/** Header names (lower case) accepted for each record field, first match wins. */
const ALIASES: Record<string, string[]> = {
  timestamp: ['timestamp', 'time', 'ts', 'datetime', 'date', '@timestamp'],
  level: ['log_level', 'level', 'severity', 'loglevel', 'lvl'],
  message: ['message', 'msg', 'log', 'text'],
  service: ['service', 'app', 'component', 'application'],
  ip: ['ip', 'client_ip', 'remote_addr', 'source_ip', 'ip_address'],
  endpoint: ['endpoint', 'path', 'url', 'uri', 'route'],
  method: ['method', 'http_method', 'verb'],
  status_code: ['status_code', 'status', 'http_status'],
  response_time_ms: ['response_time_ms', 'response_time', 'latency_ms', 'duration_ms', 'latency'],
  bytes: ['bytes', 'size', 'bytes_sent', 'response_bytes'],
};
const REQUIRED = ['timestamp', 'level', 'message'];

const enum Field { Skip, Timestamp, Level, Message, Service, Ip, Endpoint, Method, Status, Rt, Bytes }
const FIELD_CODE: Record<string, Field> = {
  timestamp: Field.Timestamp, level: Field.Level, message: Field.Message, service: Field.Service, ip: Field.Ip,
  endpoint: Field.Endpoint, method: Field.Method, status_code: Field.Status, response_time_ms: Field.Rt, bytes: Field.Bytes,
};

/** Split a header line into names (quotes honoured). */
export function splitHeader(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out.map((h) => h.trim());
}

/** Which record field each CSV column feeds. Throws naming the missing columns. */
export function mapColumns(header: string[], options: FormatOptions, file: string): Field[] {
  const lower = header.map((h) => h.toLowerCase());
  const fields = new Array<Field>(header.length).fill(Field.Skip);
  const found = new Set<string>();
  for (const [field, aliases] of Object.entries(ALIASES)) {
    const explicit = options.fields?.[field];
    const names = explicit ? [explicit.toLowerCase()] : aliases;
    const idx = names.map((n) => lower.indexOf(n)).find((k) => k >= 0);
    if (idx === undefined) continue;
    if (fields[idx] === Field.Skip) {
      fields[idx] = FIELD_CODE[field]!;
      found.add(field);
    }
  }
  const missing = REQUIRED.filter((f) => !found.has(f));
  if (missing.length > 0) {
    throw new Error(`${file}: the CSV header (${header.join(', ')}) lacks required column(s) ${missing.join(', ')}; `
      + `name them ${missing.map((m) => ALIASES[m]![0]).join(', ')} or map them under input.fields`);
  }
  return fields;
}

class CsvParser implements LineParser {
  readonly skipsHeader = true;
  private readonly out = new TsOut();
  private readonly delim: number;
  /** Multi-line mode: whether the record so far ends inside quotes. */
  private open = false;
  /** The last column read (every later one is stepped over). */
  private readonly lastRead: number;

  constructor(private readonly fields: Field[], private readonly zone: Zone, delimiter: string, private readonly messageNeeded = true) {
    this.delim = delimiter.charCodeAt(0);
    let last = -1;
    fields.forEach((f, k) => { if (f !== Field.Skip) last = k; });
    this.lastRead = last;
  }

  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null {
    const fields = this.fields;
    const delim = this.delim;
    let col = 0;
    let i = s;
    let haveTs = false;
    let haveLevel = false;
    let haveMsg = false;
    // inline the field scanner for performance: quotes are the only state
    while (true) {
      if (col > this.lastRead && (i >= e || buf[i] !== 34)) {
        // the columns past the last one read, counted in one byte loop (a native search per field
        // costs more on short fields); a quoted one is left to the scanner below
        let j = i;
        for (; j < e; j++) {
          if (buf[j] === delim) {
            col++;
            if (j + 1 < e && buf[j + 1] === 34) break;
          }
        }
        if (j >= e) {
          col++;
          break;
        }
        i = j + 1;
        continue;
      }
      let fs = i;
      let fe: number;
      let escaped = false;
      if (i < e && buf[i] === 34) {
        fs = i + 1;
        let j = fs;
        while (true) {
          const q = buf.indexOf(34, j);
          if (q < 0 || q >= e) return 'unterminated quoted field';
          if (q + 1 < e && buf[q + 1] === 34) { escaped = true; j = q + 2; continue; }
          fe = q;
          i = q + 1;
          break;
        }
        if (i < e && buf[i] !== delim) return 'text after a closing quote';
      } else {
        // the native byte search: about 13 ns a call against about 1 ns a byte for a JS loop, so it
        // wins on all but the shortest fields (messages, paths); a hit past e ends the line
        const j = buf.indexOf(delim, i);
        fe = j < 0 || j > e ? e : j;
        i = fe;
      }
      const f = col < fields.length ? fields[col]! : Field.Skip;
      if (f === Field.Message && !this.messageNeeded) {
        haveMsg = true;
      } else if (f !== Field.Skip) {
        const text = escaped && f !== Field.Message ? undoubleQuotes(buf.toString('utf8', fs, fe)) : null;
        switch (f) {
          case Field.Timestamp: {
            let v = NaN;
            if (text === null && scanTimestamp(buf, fs, fe, this.zone, this.out) === fe) v = this.out.value;
            else v = parseTimestamp(text ?? buf.toString('latin1', fs, fe).trim(), this.zone);
            if (v !== v) return 'unreadable timestamp';
            b.timestamp[row] = v;
            haveTs = true;
            break;
          }
          case Field.Level: {
            // a level is a word: ' ERROR' (a CSV written with ', ') is ERROR, as normalizeLevel trims it
            let ls = fs;
            let le = fe;
            while (ls < le && (buf[ls] === 32 || buf[ls] === 9)) ls++;
            while (le > ls && (buf[le - 1] === 32 || buf[le - 1] === 9)) le--;
            b.level[row] = text === null ? levelFromBytes(buf, ls, le) : normalizeLevel(text);
            haveLevel = le > ls;
            break;
          }
          case Field.Message:
            // an escaped message stays bytes too; message(i) undoes the doubled quotes when read
            b.msgStart[row] = fs;
            b.msgEnd[row] = fe;
            if (escaped) b.msgQuoted[row] = 1;
            haveMsg = true;
            break;
          case Field.Service: if (fe > fs) b.service[row] = text === null ? b.dicts.service.intern(buf, fs, fe) : b.dicts.service.internString(text); break;
          case Field.Ip: if (fe > fs) b.ip[row] = text === null ? b.dicts.ip.intern(buf, fs, fe) : b.dicts.ip.internString(text); break;
          case Field.Endpoint: if (fe > fs) {
            let q = fs;
            while (q < fe && buf[q] !== 63) q++; // drop the query string
            b.endpoint[row] = text === null ? b.dicts.endpoint.intern(buf, fs, q) : b.dicts.endpoint.internString(text.split('?')[0]!);
          } break;
          case Field.Method: if (fe > fs) b.method[row] = text === null ? b.dicts.method.intern(buf, fs, fe) : b.dicts.method.internString(text); break;
          case Field.Status: parseNumberTo(buf, fs, fe, b.status_code, row, 1); break;
          case Field.Rt: parseNumberTo(buf, fs, fe, b.response_time_ms, row, 1); break;
          case Field.Bytes: parseNumberTo(buf, fs, fe, b.bytes, row, 1); break;
        }
      }
      col++;
      if (i >= e) break;
      i++; // the delimiter
    }
    // more fields than the header names is an unquoted delimiter in a value ("hello, world"): a cut
    // message read as "hello" would be a wrong record, not a parsed one
    if (col !== fields.length) return `expected ${fields.length} fields, found ${col}`;
    if (!haveTs) return 'no timestamp';
    if (!haveLevel) return 'no level';
    if (!haveMsg) return 'no message';
    return null;
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    // a line starts a record unless the record before it is still inside quotes
    let quotes = 0;
    for (let i = s; i < e; i++) if (buf[i] === 34) quotes++;
    const starts = !this.open;
    if (quotes & 1) this.open = !this.open;
    return starts;
  }
}

/** The parser of a file whose first line is empty: no column is known, so no line parses. */
const NO_HEADER: LineParser = {
  skipsHeader: true,
  parse: () => 'no CSV header: the first line of the file is empty',
  startsRecord: () => true,
};

export const csvFormat: Format = {
  name: 'csv',
  needsHeader: true,
  splittable: (options) => !options.csv?.multiline,
  multilineRecords: (options) => Boolean(options.csv?.multiline),
  create(ctx: FormatContext) {
    const delimiter = ctx.options.csv?.delimiter ?? ',';
    // an empty file (a log just rotated) has no header and no line: nothing to map, nothing to fail
    // the run for; lines under a blank first line are malformed, each with the reason
    if ((ctx.header ?? '').trim() === '') return NO_HEADER;
    const header = splitHeader(ctx.header ?? '', delimiter);
    const fields = mapColumns(header, ctx.options, ctx.file);
    // projection: columns no query reads are only stepped over (timestamp and level are always
    // parsed, so which lines count as malformed never depends on the query)
    const skip = new Set<Field>();
    if (ctx.fields) {
      for (const [name, code] of Object.entries(FIELD_CODE)) {
        if (code !== Field.Timestamp && code !== Field.Level && code !== Field.Message && !ctx.fields.has(name)) skip.add(code);
      }
    }
    const messageNeeded = !ctx.fields || ctx.fields.has('message');
    return new CsvParser(fields.map((f) => (skip.has(f) ? Field.Skip : f)), makeZone(ctx.options.timezone), delimiter, messageNeeded);
  },
};
