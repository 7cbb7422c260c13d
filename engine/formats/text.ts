/**
 * The S0 text line: `2025-01-10 12:05:15,456 INFO auth User logged in from 10.0.0.1`,
 * i.e. timestamp, level, service, message. Key=value tokens in the message
 * (ip=, endpoint=, method=, status=, rt= / response_time_ms=, bytes=) fill those fields.
 */
import type { Batch } from '../batch.js';
import { UNKNOWN_LEVEL, levelFromBytes } from '../schema.js';
import { parseNumberTo, skipSpaces, tokenEnd } from './bytes.js';
import type { Format, FormatContext, LineParser } from './format.js';
import { makeZone, scanTimestamp, TsOut, type Zone } from './time.js';

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
 * Fill record fields from the `key=value` tokens in buf[s, e) and return where the message ends:
 * before the trailing run of tokens that starts at the first recognised key, when every token of
 * that run holds '=' (`... failed ip=10.0.0.1 rt=12ms` ends before `ip=`), else at e. One walk
 * from '=' to '=' (the native byte search) does both: each token is read once, its key for the
 * fields and its bytes for the run. `needEnd` false: the message is not read, stop once every
 * wanted key is in (returns e).
 */
export function scanKeyValues(buf: Buffer, s: number, e: number, b: Batch, row: number, wanted = ALL_KEYS, needEnd = true): number {
  let first = -1; // where the first recognised key's token starts
  let run = true; // every token from `first` on holds '='
  let tokEnd = s; // end of the last token read from `first` on
  let found = 0;
  let eq = buf.indexOf(61, s);
  while (eq >= 0 && eq < e) {
    let ks = eq;
    while (ks > s && buf[ks - 1] !== 32 && buf[ks - 1] !== 9) ks--;
    const key = keyAt(buf, ks, eq);
    if (first < 0) {
      if (key === Key.None) { eq = buf.indexOf(61, eq + 1); continue; }
      first = ks;
    } else if (run) {
      // only blanks between the last token and this one
      for (let t = tokEnd; t < ks; t++) if (buf[t] !== 32 && buf[t] !== 9) { run = false; break; }
    }
    let ve = eq + 1;
    while (ve < e && buf[ve] !== 32 && buf[ve] !== 9) ve++;
    tokEnd = ve;
    if (key !== Key.None && (wanted & (1 << key)) !== 0) {
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
        case Key.Status: parseNumberTo(buf, vs, vend, b.status_code, row, 1); break;
        case Key.Bytes: parseNumberTo(buf, vs, vend, b.bytes, row, 1); break;
        case Key.Rt: {
          let ve2 = vend;
          let scale = 1;
          if (ve2 - vs > 2 && buf[ve2 - 2] === 109 && buf[ve2 - 1] === 115) ve2 -= 2; // "ms"
          else if (ve2 - vs > 1 && buf[ve2 - 1] === 115) { ve2 -= 1; scale = 1000; } // "s"
          parseNumberTo(buf, vs, ve2, b.response_time_ms, row, scale);
          break;
        }
      }
      found |= 1 << key;
      // projection: stop once every wanted field is in, when the message is not read
      if (!needEnd && found === wanted) return e;
    }
    // the token's other '=' (if any) belong to it: go on after it
    eq = ve < e ? buf.indexOf(61, ve) : -1;
  }
  if (first < 0 || !run) return e;
  for (let t = tokEnd; t < e; t++) if (buf[t] !== 32 && buf[t] !== 9) return e;
  return first;
}

class TextParser implements LineParser {
  private readonly out = new TsOut();
  private readonly wanted: number;
  /** Whether the message is read (its end is then found beside the keys, see scanKeyValues). */
  private readonly needMessage: boolean;
  constructor(private readonly zone: Zone, fields: ReadonlySet<string> | undefined, private readonly multiline = false) {
    this.wanted = wantedKeys(fields);
    this.needMessage = fields === undefined || fields.has('message');
  }

  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null {
    // a multi-line record (a stack trace): its first line buf[s, fe) holds the timestamp, level,
    // service and key=value tokens; the continuation lines (from nl on) are message text, not fields
    let nl = this.multiline ? buf.indexOf(10, s) : -1;
    if (nl >= e) nl = -1;
    const fe = nl < 0 ? e : nl > s && buf[nl - 1] === 13 ? nl - 1 : nl;
    const t = scanTimestamp(buf, s, fe, this.zone, this.out);
    if (t < 0) return 'no timestamp at the start of the line';
    b.timestamp[row] = this.out.value;
    let i = skipSpaces(buf, t, fe);
    const le = tokenEnd(buf, i, fe);
    if (le === i) return 'no level after the timestamp';
    const level = levelFromBytes(buf, i, le);
    if (level === UNKNOWN_LEVEL) return 'unknown level word';
    b.level[row] = level;
    i = skipSpaces(buf, le, fe);
    const se = tokenEnd(buf, i, fe);
    if (se === i) return 'no service after the level';
    b.service[row] = b.dicts.service.intern(buf, i, se);
    const ms = skipSpaces(buf, se, fe);
    // the message is the text before the structured key=value tokens the fields came from
    let me = this.wanted === 0 && !this.needMessage ? fe : scanKeyValues(buf, ms, fe, b, row, this.wanted, this.needMessage);
    while (me > ms && (buf[me - 1] === 32 || buf[me - 1] === 9)) me--;
    if (nl >= 0 && me < fe && this.needMessage) {
      // the first line's text before its tokens, then the continuation lines
      b.setMessageText(row, buf.toString('utf8', ms, me) + buf.toString('utf8', nl, e));
      return null;
    }
    // a first line with no message: the message is the continuation lines
    b.msgStart[row] = nl >= 0 && ms === fe ? nl + 1 : ms;
    b.msgEnd[row] = nl < 0 && me > ms ? me : e;
    return null;
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    return scanTimestamp(buf, s, e, this.zone, this.out) >= 0;
  }
}

export const textFormat: Format = {
  name: 'text',
  create: (ctx: FormatContext) => new TextParser(makeZone(ctx.options.timezone), ctx.fields, ctx.multiline),
};
