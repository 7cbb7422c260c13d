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

// key bytes -> field, matched when the byte before '=' ends one of these words
const KEYS: Array<[string, string]> = [
  ['ip', 'ip'], ['client_ip', 'ip'], ['endpoint', 'endpoint'], ['path', 'endpoint'], ['method', 'method'],
  ['status', 'status_code'], ['status_code', 'status_code'], ['rt', 'response_time_ms'],
  ['response_time_ms', 'response_time_ms'], ['latency_ms', 'response_time_ms'], ['bytes', 'bytes'],
];
const KEY_BYTES = KEYS.map(([k, f]) => [Buffer.from(k), f] as const);

/** Fill record fields from `key=value` tokens inside buf[s, e). */
export function scanKeyValues(buf: Buffer, s: number, e: number, b: Batch, row: number): void {
  let eq = buf.indexOf(61, s);
  while (eq >= 0 && eq < e) {
    let ks = eq;
    while (ks > s && buf[ks - 1] !== 32 && buf[ks - 1] !== 9) ks--;
    const ve = tokenEnd(buf, eq + 1, e);
    const klen = eq - ks;
    for (let k = 0; k < KEY_BYTES.length; k++) {
      const [key, field] = KEY_BYTES[k]!;
      if (key.length !== klen) continue;
      let same = true;
      for (let j = 0; j < klen; j++) if (buf[ks + j] !== key[j]) { same = false; break; }
      if (!same) continue;
      let vs = eq + 1;
      let vend = ve;
      // trailing punctuation is not part of a value: "ip=10.0.0.1," or "rt=12ms"
      while (vend > vs && (buf[vend - 1] === 44 || buf[vend - 1] === 59 || buf[vend - 1] === 41)) vend--;
      if (vend > vs && buf[vs] === 34 && buf[vend - 1] === 34) { vs++; vend--; }
      switch (field) {
        case 'ip': b.ip[row] = b.dicts.ip.intern(buf, vs, vend); break;
        case 'endpoint': {
          let q = vs;
          while (q < vend && buf[q] !== 63) q++; // drop the query string
          b.endpoint[row] = b.dicts.endpoint.intern(buf, vs, q);
          break;
        }
        case 'method': b.method[row] = b.dicts.method.intern(buf, vs, vend); break;
        case 'status_code': b.status_code[row] = parseNumber(buf, vs, vend); break;
        case 'bytes': b.bytes[row] = parseNumber(buf, vs, vend); break;
        case 'response_time_ms': {
          let ve2 = vend;
          let scale = 1;
          if (ve2 - vs > 2 && buf[ve2 - 2] === 109 && buf[ve2 - 1] === 115) ve2 -= 2; // "ms"
          else if (ve2 - vs > 1 && buf[ve2 - 1] === 115) { ve2 -= 1; scale = 1000; } // "s"
          b.response_time_ms[row] = parseNumber(buf, vs, ve2) * scale;
          break;
        }
      }
      break;
    }
    eq = buf.indexOf(61, ve);
  }
}

class TextParser implements LineParser {
  private readonly out: TsOut = { value: NaN };
  constructor(private readonly zone: Zone) {}

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
    b.msgStart[row] = ms;
    b.msgEnd[row] = e;
    scanKeyValues(buf, ms, e, b, row);
    return null;
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    return scanTimestamp(buf, s, e, this.zone, this.out) >= 0;
  }
}

export const textFormat: Format = {
  name: 'text',
  create: (ctx: FormatContext) => new TextParser(makeZone(ctx.options.timezone)),
};
