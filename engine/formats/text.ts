/**
 * The S0 text line: `2025-01-10 12:05:15,456 INFO auth User logged in from 10.0.0.1`,
 * i.e. timestamp, level, service, message. Key=value tokens in the message
 * (ip=, endpoint=, method=, status=, rt= / response_time_ms=, bytes=) fill those fields.
 */
import type { Batch } from '../batch.js';
import { UNKNOWN_LEVEL, levelFromBytes } from '../schema.js';
import { parseNumber, skipSpaces, tokenEnd } from './bytes.js';
import type { Format, FormatContext, LineParser } from './format.js';
import { makeZone, scanTimestamp, type TsOut, type Zone } from './time.js';

const enum Key { None, Ip, Endpoint, Method, Status, Rt, Bytes }

// key words, bucketed by (length, first byte) so a token is compared with at most one or two keys
const KEYS: Array<[string, Key]> = [
  ['ip', Key.Ip], ['client_ip', Key.Ip], ['endpoint', Key.Endpoint], ['path', Key.Endpoint], ['method', Key.Method],
  ['status', Key.Status], ['status_code', Key.Status], ['rt', Key.Rt], ['response_time_ms', Key.Rt],
  ['latency_ms', Key.Rt], ['bytes', Key.Bytes],
];
/** Bit set of every key (1 << Key.X). */
const ALL_KEYS = (1 << Key.Ip) | (1 << Key.Endpoint) | (1 << Key.Method) | (1 << Key.Status) | (1 << Key.Rt) | (1 << Key.Bytes);
const KEY_OF_FIELD: Record<string, Key> = {
  ip: Key.Ip, endpoint: Key.Endpoint, method: Key.Method, status_code: Key.Status, response_time_ms: Key.Rt, bytes: Key.Bytes,
};

/** The keys to extract for a set of needed record fields (all when every field is needed). */
function wantedKeys(fields: ReadonlySet<string> | undefined): number {
  if (!fields) return ALL_KEYS;
  let w = 0;
  for (const f of fields) if (KEY_OF_FIELD[f] !== undefined) w |= 1 << KEY_OF_FIELD[f]!;
  return w;
}

const KEY_TABLE: Array<{ bytes: Uint8Array; key: Key }[] | undefined> = new Array(32 * 32);
for (const [word, key] of KEYS) {
  const bytes = Buffer.from(word);
  ((KEY_TABLE[(bytes.length << 5) | (bytes[0]! & 31)]) ??= []).push({ bytes, key });
}

/** The key named by buf[ks, ke), or Key.None. */
function keyAt(buf: Buffer, ks: number, ke: number): Key {
  const len = ke - ks;
  if (len > 31 || len < 2) return Key.None;
  const bucket = KEY_TABLE[(len << 5) | (buf[ks]! & 31)];
  if (bucket === undefined) return Key.None;
  outer: for (let k = 0; k < bucket.length; k++) {
    const cand = bucket[k]!;
    const w = cand.bytes;
    for (let j = 0; j < len; j++) if (buf[ks + j] !== w[j]) continue outer;
    return cand.key;
  }
  return Key.None;
}

/**
 * Fill record fields from `key=value` tokens inside buf[s, e). Returns where the first
 * recognised token starts (e when there is none), so the message can end before them.
 */
export function scanKeyValues(buf: Buffer, s: number, e: number, b: Batch, row: number, wanted = ALL_KEYS): number {
  let first = e;
  let found = 0;
  // jump from '=' to '=' with the native byte search; only key and value bytes are read in JS
  let eq = buf.indexOf(61, s);
  while (eq >= 0 && eq < e) {
    let ks = eq;
    while (ks > s && buf[ks - 1] !== 32 && buf[ks - 1] !== 9) ks--;
    const key = keyAt(buf, ks, eq);
    let ve = eq + 1;
    if (key === Key.None || (wanted & (1 << key)) === 0) { eq = buf.indexOf(61, ve); continue; }
    if (first === e) first = ks;
    while (ve < e && buf[ve] !== 32 && buf[ve] !== 9) ve++;
    let vs = eq + 1;
    let vend = ve;
    // trailing punctuation is not part of a value: "ip=10.0.0.1," or "(rt=12ms)"
    while (vend > vs && (buf[vend - 1] === 44 || buf[vend - 1] === 59 || buf[vend - 1] === 41)) vend--;
    if (vend - vs >= 2 && buf[vs] === 34 && buf[vend - 1] === 34) { vs++; vend--; }
    switch (key) {
      case Key.Ip: b.ip[row] = b.dicts.ip.intern(buf, vs, vend); break;
      case Key.Endpoint: {
        let q = vs;
        while (q < vend && buf[q] !== 63) q++; // drop the query string
        b.endpoint[row] = b.dicts.endpoint.intern(buf, vs, q);
        break;
      }
      case Key.Method: b.method[row] = b.dicts.method.intern(buf, vs, vend); break;
      case Key.Status: b.status_code[row] = parseNumber(buf, vs, vend); break;
      case Key.Bytes: b.bytes[row] = parseNumber(buf, vs, vend); break;
      case Key.Rt: {
        let ve2 = vend;
        let scale = 1;
        if (ve2 - vs > 2 && buf[ve2 - 2] === 109 && buf[ve2 - 1] === 115) ve2 -= 2; // "ms"
        else if (ve2 - vs > 1 && buf[ve2 - 1] === 115) { ve2 -= 1; scale = 1000; } // "s"
        b.response_time_ms[row] = parseNumber(buf, vs, ve2) * scale;
        break;
      }
    }
    found |= 1 << key;
    // projection: stop once every wanted field is in (the message end is then not needed)
    if (found === wanted && wanted !== ALL_KEYS) return e;
    eq = ve < e ? buf.indexOf(61, ve) : -1;
  }
  // only a trailing run of key=value tokens is cut from the message: every token from `first` on has '='
  let t = first;
  while (t < e) {
    let hasEq = false;
    while (t < e && buf[t] !== 32 && buf[t] !== 9) { if (buf[t] === 61) hasEq = true; t++; }
    if (!hasEq) return e;
    while (t < e && (buf[t] === 32 || buf[t] === 9)) t++;
  }
  return first;
}

/**
 * Where the message in buf[s, e) ends: before the trailing run of recognised key=value tokens,
 * trailing blanks trimmed (the whole text when that leaves nothing). What parse() computes when
 * it reads every key; found on demand when only some keys are wanted and the message may be read
 * for a few rows (error lines for templates).
 */
export function messageEnd(buf: Buffer, s: number, e: number): number {
  let first = e;
  let eq = buf.indexOf(61, s);
  while (eq >= 0 && eq < e) {
    let ks = eq;
    while (ks > s && buf[ks - 1] !== 32 && buf[ks - 1] !== 9) ks--;
    if (keyAt(buf, ks, eq) !== Key.None) { first = ks; break; }
    eq = buf.indexOf(61, eq + 1);
  }
  let me = first;
  // only a trailing run of key=value tokens is cut from the message (as in scanKeyValues)
  let t = first;
  while (t < e) {
    let hasEq = false;
    while (t < e && buf[t] !== 32 && buf[t] !== 9) { if (buf[t] === 61) hasEq = true; t++; }
    if (!hasEq) { me = e; break; }
    while (t < e && (buf[t] === 32 || buf[t] === 9)) t++;
  }
  while (me > s && (buf[me - 1] === 32 || buf[me - 1] === 9)) me--;
  return me > s ? me : e;
}

class TextParser implements LineParser {
  private readonly out: TsOut = { value: NaN };
  private readonly wanted: number;
  /** The message is read, but not every key: its end is found only for rows whose message is read. */
  private readonly deferMessage: boolean;
  constructor(private readonly zone: Zone, fields: ReadonlySet<string> | undefined) {
    this.wanted = wantedKeys(fields);
    this.deferMessage = fields !== undefined && fields.has('message') && this.wanted !== ALL_KEYS;
  }

  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null {
    const t = scanTimestamp(buf, s, e, this.zone, this.out);
    if (t < 0) return 'no timestamp at the start of the line';
    b.timestamp[row] = this.out.value;
    let i = skipSpaces(buf, t, e);
    const le = tokenEnd(buf, i, e);
    if (le === i) return 'no level after the timestamp';
    const level = levelFromBytes(buf, i, le);
    if (level === UNKNOWN_LEVEL) return 'unknown level word';
    b.level[row] = level;
    i = skipSpaces(buf, le, e);
    const se = tokenEnd(buf, i, e);
    if (se === i) return 'no service after the level';
    b.service[row] = b.dicts.service.intern(buf, i, se);
    const ms = skipSpaces(buf, se, e);
    if (this.deferMessage) {
      // projection: the wanted keys only; the message end waits until a query reads this row's message
      if (this.wanted !== 0) scanKeyValues(buf, ms, e, b, row, this.wanted);
      b.msgStart[row] = ms;
      b.msgEnd[row] = ~e;
      b.messageEndOf = messageEnd;
      return null;
    }
    // the message is the text before the structured key=value tokens the fields came from
    let me = this.wanted === 0 ? e : scanKeyValues(buf, ms, e, b, row, this.wanted);
    while (me > ms && (buf[me - 1] === 32 || buf[me - 1] === 9)) me--;
    b.msgStart[row] = ms;
    b.msgEnd[row] = me > ms ? me : e;
    return null;
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    return scanTimestamp(buf, s, e, this.zone, this.out) >= 0;
  }
}

export const textFormat: Format = {
  name: 'text',
  create: (ctx: FormatContext) => new TextParser(makeZone(ctx.options.timezone), ctx.fields),
};
