/**
 * `access`: Apache/Nginx common and combined log format, scanned byte by byte:
 *   ip ident user [10/Oct/2000:13:55:36 -0700] "GET /path?query HTTP/1.0" status bytes ["referer" "agent"] [extra…]
 *
 * Fields: ip, timestamp, method, endpoint (the request target without its query string),
 * status_code, bytes ('-' = null), level from the status, message = the request line
 * (raw bytes between the quotes, escapes kept as logged).
 * Response time: the first unquoted number after the bytes field. With a '.', it is
 * seconds (Nginx $request_time, '0.123' -> 123 ms); a plain integer is microseconds
 * (Apache %D, '1234' -> 1.234 ms), the two conventions that log a bare number.
 */
import type { Batch } from '../batch.js';
import { LEVEL_CODE } from '../schema.js';
import type { Format, FormatContext, LineParser } from './format.js';
import { makeZone, scanTimestamp, TsOut, type Zone } from './time.js';

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACKET = 91;
const RBRACKET = 93;
const QMARK = 63;

/**
 * Index of the quote closing a string that starts at i (just past its opening quote); -1 if
 * none before e. A quote after an odd run of backslashes is escaped. memchr via indexOf:
 * agent strings are long, and a byte loop over them was half of the parse time.
 */
function closingQuote(buf: Buffer, i: number, e: number): number {
  while (i < e) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0 || q >= e) return -1;
    let k = q - 1;
    while (k >= i && buf[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q;
    i = q + 1;
  }
  return -1;
}

/** Whether buf[s, e) is a plausible HTTP method: 1-20 upper-case letters (or '_', '-'); binary junk is not interned. */
function isMethod(buf: Uint8Array, s: number, e: number): boolean {
  if (e <= s || e - s > 20) return false;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (!((c >= 65 && c <= 90) || c === 95 || c === 45)) return false;
  }
  return true;
}

class AccessParser implements LineParser {
  private readonly zone: Zone;
  private readonly errorStatus: number;
  private readonly warnStatus: number;
  private readonly ts = new TsOut();

  constructor(ctx: FormatContext) {
    this.zone = makeZone(ctx.options.timezone);
    this.errorStatus = ctx.options.levelFromStatus?.error ?? 500;
    this.warnStatus = ctx.options.levelFromStatus?.warn ?? 400;
  }

  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null {
    return this.scan(buf, s, e, b, row);
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    return this.scan(buf, s, e, null, 0) === null;
  }

  /** Parse (b !== null) or only validate (b === null) one line. */
  private scan(buf: Buffer, s: number, e: number, b: Batch | null, row: number): string | null {
    // client address
    let i = s;
    while (i < e && buf[i] !== SPACE) i++;
    if (i === s || i >= e) return 'no client address';
    const ipEnd = i;
    // ident and user: whatever comes before ' ['
    while (i < e && buf[i] !== LBRACKET) i++;
    if (i >= e || buf[i - 1] !== SPACE || i - 1 === ipEnd) return 'no [timestamp]';
    const tsEnd = scanTimestamp(buf, i + 1, e, this.zone, this.ts);
    if (tsEnd < 0 || buf[tsEnd] !== RBRACKET || tsEnd >= e) return 'bad timestamp';
    i = tsEnd + 1;
    // "request line"
    if (i + 1 >= e || buf[i] !== SPACE || buf[i + 1] !== QUOTE) return 'no "request"';
    const reqStart = i + 2;
    const reqEnd = closingQuote(buf, reqStart, e);
    if (reqEnd < 0) return 'unterminated "request"';
    // status
    i = reqEnd + 1;
    if (i >= e || buf[i] !== SPACE) return 'no status';
    i++;
    let status = 0;
    const statusStart = i;
    while (i < e && buf[i]! >= 48 && buf[i]! <= 57) status = status * 10 + buf[i++]! - 48;
    if (i === statusStart || i - statusStart > 3 || (i < e && buf[i] !== SPACE)) return 'bad status';
    // bytes ('-' when none were sent); common log format may end here
    let bytes = NaN;
    if (i + 1 < e) {
      i++;
      if (buf[i] === 45 && (i + 1 === e || buf[i + 1] === SPACE)) {
        i++;
      } else {
        const bytesStart = i;
        bytes = 0;
        while (i < e && buf[i]! >= 48 && buf[i]! <= 57) bytes = bytes * 10 + buf[i++]! - 48;
        if (i === bytesStart || (i < e && buf[i] !== SPACE)) return 'bad bytes';
      }
    }
    // the rest: quoted fields (referer, agent, …) and bare tokens; the first bare number is the response time
    let rt = NaN;
    while (i < e) {
      const c = buf[i]!;
      if (c === SPACE) {
        i++;
      } else if (c === QUOTE) {
        const q = closingQuote(buf, i + 1, e);
        // a truncated agent string is lost detail, not a lost request: keep the line
        if (q < 0) break;
        i = q + 1;
      } else {
        const tokStart = i;
        // integer and fraction digits kept as integers so '0.123' is exactly 123 ms
        let int = 0;
        let frac = 0;
        let div = 0;
        let numeric = true;
        while (i < e && buf[i] !== SPACE) {
          const d = buf[i]! - 48;
          if (d >= 0 && d <= 9) {
            if (div === 0) int = int * 10 + d;
            else {
              frac = frac * 10 + d;
              div *= 10;
            }
          } else if (d === -2 && div === 0 && i > tokStart) {
            div = 1; // '.'
          } else {
            numeric = false;
          }
          i++;
        }
        if (numeric && rt !== rt && div !== 1) rt = div === 0 ? int / 1000 : int * 1000 + (frac * 1000) / div;
      }
    }
    if (b === null) return null;

    b.ip[row] = b.dicts.ip.intern(buf, s, ipEnd);
    b.timestamp[row] = this.ts.value;
    b.status_code[row] = status;
    b.bytes[row] = bytes;
    b.response_time_ms[row] = rt;
    b.level[row] = status >= this.errorStatus ? LEVEL_CODE.ERROR : status >= this.warnStatus ? LEVEL_CODE.WARN : LEVEL_CODE.INFO;
    b.msgStart[row] = reqStart;
    b.msgEnd[row] = reqEnd;
    // "METHOD target PROTOCOL"; a request such as "-" or junk has no method and no endpoint
    let sp = reqStart;
    while (sp < reqEnd && buf[sp] !== SPACE) sp++;
    if (sp < reqEnd && isMethod(buf, reqStart, sp)) {
      b.method[row] = b.dicts.method.intern(buf, reqStart, sp);
      const target = sp + 1;
      let end = target;
      while (end < reqEnd && buf[end] !== SPACE && buf[end] !== QMARK) end++;
      if (end > target) b.endpoint[row] = b.dicts.endpoint.intern(buf, target, end);
    }
    return null;
  }
}

export const accessFormat: Format = {
  name: 'access',
  create: (ctx: FormatContext): LineParser => new AccessParser(ctx),
};
