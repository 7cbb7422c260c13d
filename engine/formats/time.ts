/**
 * Timestamp parsing for every format: zones (UTC, fixed offsets, IANA names),
 * a byte-level scanner for the common log timestamp shapes, whole-field parsing
 * (adds epoch seconds/ms) and a compiled strptime for explicit formats.
 *
 * Hot path: digits are read straight from bytes and the epoch of the current day is
 * cached, so a line costs a few integer ops; no Date objects, no Date.parse.
 */

const MS_MIN = 60_000;
const MS_HOUR = 3_600_000;
const MS_DAY = 86_400_000;

/** A time zone: maps a wall-clock time to UTC. */
export interface Zone {
  readonly name: string;
  /** UTC ms for a wall-clock time given as ms-since-epoch-as-if-UTC */
  toUtc(localMs: number): number;
}

/**
 * Scratch out-parameter of scanTimestamp (ms UTC), reused so the hot path allocates nothing. A
 * class, not a `{ value }` literal: every one-property literal named `value` shares one hidden
 * class, and once anything in the thread (Node's own property descriptors among them) stores a
 * non-number there, that field holds any value and every double stored into it is a new heap
 * number: 16 bytes a line, 3 MB a 32 MiB partition.
 */
export class TsOut {
  value = NaN;
}

// ---------------------------------------------------------------------------
// Calendar arithmetic

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil; month 1-12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month m (1-12) of year y. */
function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!;
}

// Logs are sorted by time, so consecutive lines nearly always share a day: one entry is enough.
let cachedDayKey = -1;
let cachedDayMs = 0;

/** Local ms of midnight of a validated y-m-d, with a one-day cache. */
function dayMs(y: number, m: number, d: number): number {
  const key = y * 10000 + m * 100 + d;
  if (key !== cachedDayKey) {
    cachedDayMs = daysFromCivil(y, m, d) * MS_DAY;
    cachedDayKey = key;
  }
  return cachedDayMs;
}

// ---------------------------------------------------------------------------
// Zones

const UTC_ZONE: Zone = { name: 'UTC', toUtc: (localMs: number) => localMs };

class FixedZone implements Zone {
  constructor(readonly name: string, private readonly offsetMs: number) {}
  toUtc(localMs: number): number {
    return localMs - this.offsetMs;
  }
}

/**
 * An IANA zone through Intl. The offset is looked up once per local hour and cached:
 * DST transitions fall on whole local hours almost everywhere, and an hour whose two
 * ends disagree is marked non-uniform and resolved exactly on every call.
 */
class IanaZone implements Zone {
  private readonly dtf: Intl.DateTimeFormat;
  private readonly hours = new Map<number, number>();
  private lastHour = NaN;
  private lastOffset = NaN;

  constructor(readonly name: string) {
    this.dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
  }

  toUtc(localMs: number): number {
    if (!Number.isFinite(localMs)) return NaN;
    const hour = Math.floor(localMs / MS_HOUR);
    if (hour === this.lastHour && this.lastOffset === this.lastOffset) return localMs - this.lastOffset;
    let off = this.hours.get(hour);
    if (off === undefined) {
      const a = this.exact(hour * MS_HOUR);
      const b = this.exact(hour * MS_HOUR + MS_HOUR - 1);
      off = a - hour * MS_HOUR === b - (hour * MS_HOUR + MS_HOUR - 1) ? hour * MS_HOUR - a : NaN;
      if (this.hours.size > 100_000) this.hours.clear();
      this.hours.set(hour, off);
    }
    this.lastHour = hour;
    this.lastOffset = off;
    return off === off ? localMs - off : this.exact(localMs);
  }

  /** Offset (local - UTC, ms) in force at a UTC instant. */
  private offsetAt(utcMs: number): number {
    const secMs = Math.floor(utcMs / 1000) * 1000;
    let y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0, bc = false;
    for (const p of this.dtf.formatToParts(secMs)) {
      switch (p.type) {
        case 'year': y = Number(p.value); break;
        case 'month': mo = Number(p.value); break;
        case 'day': d = Number(p.value); break;
        case 'hour': h = Number(p.value); break;
        case 'minute': mi = Number(p.value); break;
        case 'second': s = Number(p.value); break;
        case 'era': bc = p.value.startsWith('B'); break;
        default: break;
      }
    }
    if (bc) y = 1 - y;
    const local = daysFromCivil(y, mo, d) * MS_DAY + h * MS_HOUR + mi * MS_MIN + s * 1000;
    return local - secMs;
  }

  /**
   * UTC of a wall-clock time with the 'compatible' rule of JS Date and Temporal:
   * an ambiguous time (DST ends) takes the earlier instant, a skipped one (DST starts)
   * is read with the offset before the transition, i.e. moved forward.
   */
  private exact(localMs: number): number {
    const before = this.offsetAt(localMs - MS_DAY);
    const after = this.offsetAt(localMs + MS_DAY);
    const t1 = localMs - before;
    const t2 = localMs - after;
    const ok1 = this.offsetAt(t1) === before;
    const ok2 = this.offsetAt(t2) === after;
    if (ok1 && ok2) return Math.min(t1, t2);
    if (ok1) return t1;
    if (ok2) return t2;
    return t1;
  }
}

/** Offset in ms of '+02:00', '-0530', '+02', 'Z', optionally after 'UTC'/'GMT'; null when it is not one. */
function parseOffsetName(tz: string): number | null {
  let t = tz.trim();
  if (/^(utc|gmt|z)$/i.test(t)) return 0;
  t = t.replace(/^(utc|gmt)(?=[+-])/i, '');
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (!m) return null;
  const h = Number(m[2]);
  const mi = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || mi > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * MS_HOUR + mi * MS_MIN);
}

const ZONES = new Map<string, Zone>();

/** A zone from 'UTC' (default), a fixed offset ('+02:00', '-0530') or an IANA name; throws on an unknown name. */
export function makeZone(tz?: string): Zone {
  const name = tz === undefined || tz.trim() === '' ? 'UTC' : tz.trim();
  let z = ZONES.get(name);
  if (z) return z;
  const off = parseOffsetName(name);
  if (off === 0) z = UTC_ZONE;
  else if (off !== null) z = new FixedZone(name, off);
  else {
    try {
      z = new IanaZone(name);
    } catch {
      throw new Error(`unknown time zone '${name}': expected UTC, an offset such as +02:00, or an IANA name such as Europe/Paris`);
    }
  }
  ZONES.set(name, z);
  return z;
}

// ---------------------------------------------------------------------------
// Byte scanning

/** Value of the two digits at buf[i], buf[i+1], or -1. Unrolled: this runs several times per line. Callers bound i+1 < e. */
function d2(buf: Uint8Array, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/** Value of the four digits at buf[i..i+4), or -1. Callers bound i+3 < e. */
function d4(buf: Uint8Array, i: number): number {
  const hi = d2(buf, i);
  const lo = d2(buf, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/** Month 1-12 from three letters (any case), 0 when not a month abbreviation. */
function monthFrom3(a: number, b: number, c: number): number {
  switch (((a | 32) << 16) | ((b | 32) << 8) | (c | 32)) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/** Whether three letters (any case) are a weekday abbreviation. */
function isWeekday3(a: number, b: number, c: number): boolean {
  switch (((a | 32) << 16) | ((b | 32) << 8) | (c | 32)) {
    case 0x6d6f6e: case 0x747565: case 0x776564: case 0x746875: case 0x667269: case 0x736174: case 0x73756e:
      return true;
    default:
      return false;
  }
}

// Results of the helpers below, kept in module scope so the scanner allocates nothing.
let fracMs = 0;
let zoneOffMs = 0;

/** Parse '.fff…' or ',fff…' at i (truncated to ms into fracMs); index past it, i when absent. */
function scanFraction(buf: Uint8Array, i: number, e: number): number {
  fracMs = 0;
  const c = buf[i];
  if ((c !== 46 && c !== 44) || i + 1 >= e || !isDigit(buf[i + 1])) return i;
  let j = i + 1;
  let scale = 100;
  while (j < e && isDigit(buf[j])) {
    if (scale >= 1) fracMs += (buf[j]! - 48) * scale;
    scale /= 10;
    j++;
  }
  if (scale < 1) fracMs = Math.floor(fracMs);
  return j;
}

/** Parse '±HH', '±HHMM' or '±HH:MM' at i into zoneOffMs; index past it, -1 when absent or out of range. */
function scanOffset(buf: Uint8Array, i: number, e: number): number {
  const sign = buf[i];
  if ((sign !== 43 && sign !== 45) || i + 3 > e) return -1;
  const h = d2(buf, i + 1);
  if (h < 0 || h > 23) return -1;
  let j = i + 3;
  let mi = 0;
  if (j + 3 <= e && buf[j] === 58 && isDigit(buf[j + 1]) && isDigit(buf[j + 2])) {
    mi = d2(buf, j + 1);
    j += 3;
  } else if (j + 2 <= e && isDigit(buf[j]) && isDigit(buf[j + 1])) {
    mi = d2(buf, j);
    j += 2;
  }
  if (mi > 59) return -1;
  zoneOffMs = (sign === 45 ? -1 : 1) * (h * MS_HOUR + mi * MS_MIN);
  return j;
}

/** Parse 'HH:MM:SS' at i into ms of the day; -1 when absent or out of range. */
function timeOfDay(buf: Uint8Array, i: number): number {
  if (buf[i + 2] !== 58 || buf[i + 5] !== 58) return -1;
  const h = d2(buf, i);
  const mi = d2(buf, i + 3);
  const s = d2(buf, i + 6);
  // 60 is a leap second: it rolls into the next minute rather than failing the line
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return -1;
  return h * MS_HOUR + mi * MS_MIN + s * 1000;
}

/**
 * ISO-like: 'YYYY-MM-DD[T ]HH:MM:SS[.,fff][Z|±HH[:]MM]' or 'YYYY/MM/DD HH:MM:SS…'.
 * With dateOnly, a bare 'YYYY-MM-DD' is accepted too (whole fields only).
 */
function scanIso(buf: Uint8Array, s: number, e: number, zone: Zone, out: TsOut, dateOnly: boolean): number {
  if (s + 10 > e) return -1;
  const sep = buf[s + 4];
  if (buf[s + 7] !== sep) return -1;
  const y = d4(buf, s);
  const m = d2(buf, s + 5);
  const d = d2(buf, s + 8);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return -1;
  const day = dayMs(y, m, d);
  if (dateOnly && s + 10 === e) {
    out.value = zone.toUtc(day);
    return e;
  }
  const t = buf[s + 10];
  if (s + 19 > e || (t !== 32 && !(t === 84 && sep === 45))) return -1;
  const tod = timeOfDay(buf, s + 11);
  if (tod < 0) return -1;
  let j = scanFraction(buf, s + 19, e);
  const local = day + tod + fracMs;
  const z = j < e ? buf[j]! : 0;
  if (z === 90) {
    out.value = local;
    j++;
  } else if (z === 43 || z === 45) {
    const k = scanOffset(buf, j, e);
    if (k >= 0) {
      out.value = local - zoneOffMs;
      j = k;
    } else {
      out.value = zone.toUtc(local);
    }
  } else {
    out.value = zone.toUtc(local);
  }
  return j < e && isDigit(buf[j]) ? -1 : j;
}

/** Apache CLF: 'DD/Mon/YYYY:HH:MM:SS[ ±HHMM]'. */
function scanClf(buf: Uint8Array, s: number, e: number, zone: Zone, out: TsOut): number {
  if (s + 20 > e || buf[s + 2] !== 47 || buf[s + 6] !== 47 || buf[s + 11] !== 58) return -1;
  const d = d2(buf, s);
  const m = monthFrom3(buf[s + 3]!, buf[s + 4]!, buf[s + 5]!);
  const y = d4(buf, s + 7);
  if (d < 1 || m === 0 || y < 0 || d > daysInMonth(y, m)) return -1;
  const tod = timeOfDay(buf, s + 12);
  if (tod < 0) return -1;
  const j = scanFraction(buf, s + 20, e);
  const local = dayMs(y, m, d) + tod + fracMs;
  if (j + 1 < e && buf[j] === 32) {
    const k = scanOffset(buf, j + 1, e);
    if (k >= 0) {
      out.value = local - zoneOffMs;
      return k;
    }
  }
  out.value = zone.toUtc(local);
  return j < e && isDigit(buf[j]) ? -1 : j;
}

/** Apache error log / ctime: 'Www Mon DD HH:MM:SS[.ffffff] YYYY' (day may be space-padded). */
function scanCtime(buf: Uint8Array, s: number, e: number, zone: Zone, out: TsOut): number {
  if (s + 24 > e || buf[s + 3] !== 32 || buf[s + 7] !== 32) return -1;
  if (!isWeekday3(buf[s]!, buf[s + 1]!, buf[s + 2]!)) return -1;
  const m = monthFrom3(buf[s + 4]!, buf[s + 5]!, buf[s + 6]!);
  if (m === 0) return -1;
  let i = s + 8;
  if (buf[i] === 32) i++; // 'Dec  4'
  let d = buf[i]! - 48;
  if (d < 0 || d > 9) return -1;
  i++;
  if (isDigit(buf[i])) d = d * 10 + buf[i++]! - 48;
  if (buf[i] !== 32 || i + 9 > e) return -1;
  const tod = timeOfDay(buf, i + 1);
  if (tod < 0) return -1;
  i = scanFraction(buf, i + 9, e);
  const ms = fracMs;
  if (buf[i] !== 32 || i + 5 > e) return -1;
  const y = d4(buf, i + 1);
  if (y < 0 || d < 1 || d > daysInMonth(y, m)) return -1;
  i += 5;
  if (i < e && isDigit(buf[i])) return -1;
  out.value = zone.toUtc(dayMs(y, m, d) + tod + ms);
  return i;
}

function scanAny(buf: Uint8Array, s: number, e: number, zone: Zone, out: TsOut, whole: boolean): number {
  if (s >= e) return -1;
  const c = buf[s]!;
  if (c >= 48 && c <= 57) {
    const c4 = buf[s + 4];
    if (c4 === 45 || c4 === 47) return scanIso(buf, s, e, zone, out, whole);
    if (buf[s + 2] === 47) return scanClf(buf, s, e, zone, out);
    return -1;
  }
  return scanCtime(buf, s, e, zone, out);
}

/** Parse a timestamp starting at buf[s] (any auto format below); return the index just past it, or -1 if none. */
export function scanTimestamp(buf: Uint8Array, s: number, e: number, zone: Zone, out: TsOut): number {
  return scanAny(buf, s, e, zone, out, false);
}

// Whole-field parsing copies the string into this scratch buffer: fields are short. A Buffer,
// like the reader's, so the scanners' element loads stay monomorphic.
const scratch = Buffer.alloc(256);
const scratchOut = new TsOut();

/** Epoch seconds (10 integer digits, optional fraction) or ms (13 digits, optional fraction) of a whole field; NaN otherwise. */
function parseEpoch(str: string): number {
  const m = /^(\d{10}|\d{13})(?:\.(\d+))?$/.exec(str);
  if (!m) return NaN;
  const int = Number(m[1]);
  const frac = m[2] === undefined ? 0 : Number('0.' + m[2]);
  // sub-millisecond parts truncate, as everywhere else
  return m[1]!.length === 10 ? int * 1000 + Math.floor(frac * 1000) : int;
}

/** Parse a whole string as a timestamp in any auto format; NaN when it is not one. */
export function parseTimestamp(str: string, zone: Zone): number {
  const t = str.trim();
  const n = t.length;
  if (n === 0) return NaN;
  const c0 = t.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && (n === 10 || n === 13 || t.charCodeAt(10) === 46 || t.charCodeAt(13) === 46)) {
    const v = parseEpoch(t);
    if (v === v) return v;
  }
  if (n > scratch.length) return NaN;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    scratch[i] = c > 127 ? 0 : c; // non-ASCII is never part of a timestamp
  }
  const end = scanAny(scratch, 0, n, zone, scratchOut, true);
  return end === n ? scratchOut.value : NaN;
}

// ---------------------------------------------------------------------------
// strptime

const enum Op {
  Literal, Space, Year, Year2, Month, Day, DayOfYear, Hour, Hour12, Minute, Second, Fraction,
  MonthName, WeekdayName, AmPm, Offset, ZoneName, Epoch,
}

interface Step {
  op: Op;
  /** Literal text (Op.Literal). */
  text?: string;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Expand composite directives (%T %D %F %R %c-like) into basic ones before compiling. */
function expandFormat(format: string): string {
  return format.replace(/%([TDFRr])/g, (_m, c: string) => {
    switch (c) {
      case 'T': return '%H:%M:%S';
      case 'D': return '%m/%d/%y';
      case 'F': return '%Y-%m-%d';
      case 'R': return '%H:%M';
      default: return '%I:%M:%S %p';
    }
  });
}

function compileSteps(format: string): Step[] {
  const steps: Step[] = [];
  const f = expandFormat(format);
  let lit = '';
  const flush = (): void => {
    if (lit !== '') steps.push({ op: Op.Literal, text: lit.toLowerCase() });
    lit = '';
  };
  for (let i = 0; i < f.length; i++) {
    const ch = f[i]!;
    if (/\s/.test(ch)) {
      flush();
      while (i + 1 < f.length && /\s/.test(f[i + 1]!)) i++;
      steps.push({ op: Op.Space });
      continue;
    }
    if (ch !== '%') {
      lit += ch;
      continue;
    }
    const d = f[++i];
    if (d === '%') {
      lit += '%';
      continue;
    }
    flush();
    let op: Op;
    switch (d) {
      case 'Y': op = Op.Year; break;
      case 'y': op = Op.Year2; break;
      case 'm': op = Op.Month; break;
      case 'd': case 'e': op = Op.Day; break;
      case 'j': op = Op.DayOfYear; break;
      case 'H': case 'k': op = Op.Hour; break;
      case 'I': case 'l': op = Op.Hour12; break;
      case 'M': op = Op.Minute; break;
      case 'S': op = Op.Second; break;
      case 'f': case 'L': case 'N': op = Op.Fraction; break;
      case 'b': case 'B': case 'h': op = Op.MonthName; break;
      case 'a': case 'A': op = Op.WeekdayName; break;
      case 'p': case 'P': op = Op.AmPm; break;
      case 'z': op = Op.Offset; break;
      case 'Z': op = Op.ZoneName; break;
      case 's': op = Op.Epoch; break;
      case 'n': case 't': op = Op.Space; break;
      default: throw new Error(`unsupported strptime directive '%${d ?? ''}' in '${format}'`);
    }
    steps.push({ op });
  }
  flush();
  return steps;
}

/** Index just past a name from `names` (full or its 3-letter abbreviation, any case) at i; -1 when none. */
function matchName(str: string, i: number, names: readonly string[]): [number, number] {
  const low = str.slice(i, i + 9).toLowerCase();
  for (let k = 0; k < names.length; k++) {
    const full = names[k]!;
    if (low.startsWith(full)) return [k, i + full.length];
  }
  for (let k = 0; k < names.length; k++) {
    if (low.startsWith(names[k]!.slice(0, 3))) return [k, i + 3];
  }
  return [-1, -1];
}

/** How far ahead of `now` a date without a year may fall before it is taken as last year's (clock skew, zones). */
const YEARLESS_AHEAD_MS = MS_DAY;

/**
 * Compile a strptime-style format into a parser of strings (NaN on mismatch).
 *
 * A format without a year (syslog's `%b %d %H:%M:%S`) takes the latest year, from `opts.now`'s
 * (default: the time the parser is made) back, in which the date exists and is not more than a
 * day ahead of `now`: read on 2026-01-05, `Dec 31` is 2025-12-31, not a date eleven months
 * ahead, and `Feb 29` is the last leap year's. With
 * `opts.defaultYear` that year is taken as it is.
 */
export function compileStrptime(format: string, zone: Zone, opts?: { defaultYear?: number; now?: number }): (str: string) => number {
  const steps = compileSteps(format);
  const now = opts?.now ?? Date.now();
  const defaultYear = opts?.defaultYear ?? new Date(now).getUTCFullYear();
  // no year in the text: guess it (see above), unless the caller fixed it
  const guessYear = opts?.defaultYear === undefined && !steps.some((st) => st.op === Op.Year || st.op === Op.Year2 || st.op === Op.Epoch);
  const maxWidth = (op: Op): number => (op === Op.Year ? 4 : op === Op.DayOfYear ? 3 : 2);

  return (str: string): number => {
    const n = str.length;
    let i = 0;
    let year = defaultYear, month = 1, day = 1, doy = -1, hour = 0, minute = 0, second = 0, ms = 0;
    let pm = -1;
    let offset = NaN;
    let epoch = NaN;
    while (i < n && str.charCodeAt(i) <= 32) i++;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      switch (step.op) {
        case Op.Literal: {
          const t = step.text!;
          for (let j = 0; j < t.length; j++) {
            let c = str.charCodeAt(i + j);
            if (c >= 65 && c <= 90) c += 32;
            if (c !== t.charCodeAt(j)) return NaN;
          }
          i += t.length;
          break;
        }
        case Op.Space:
          // like glibc: format whitespace matches any run of whitespace, including none
          while (i < n && str.charCodeAt(i) <= 32) i++;
          break;
        case Op.Year: case Op.Year2: case Op.Month: case Op.Day: case Op.DayOfYear:
        case Op.Hour: case Op.Hour12: case Op.Minute: case Op.Second: {
          if (step.op === Op.Day || step.op === Op.Hour || step.op === Op.Hour12) {
            if (str.charCodeAt(i) === 32) i++; // %e / %k / %l pad with a space
          }
          const w = maxWidth(step.op);
          let v = 0;
          let j = 0;
          for (; j < w; j++) {
            const c = str.charCodeAt(i + j) - 48;
            if (!(c >= 0 && c <= 9)) break;
            v = v * 10 + c;
          }
          if (j === 0) return NaN;
          i += j;
          switch (step.op) {
            case Op.Year: year = v; break;
            case Op.Year2: year = v < 69 ? 2000 + v : 1900 + v; break; // POSIX pivot
            case Op.Month: if (v < 1 || v > 12) return NaN; month = v; break;
            case Op.Day: if (v < 1 || v > 31) return NaN; day = v; break;
            case Op.DayOfYear: if (v < 1 || v > 366) return NaN; doy = v; break;
            case Op.Hour: if (v > 23) return NaN; hour = v; break;
            case Op.Hour12: if (v < 1 || v > 12) return NaN; hour = v; if (pm < 0) pm = 2; break;
            case Op.Minute: if (v > 59) return NaN; minute = v; break;
            default: if (v > 60) return NaN; second = v; break;
          }
          break;
        }
        case Op.Fraction: {
          let scale = 100;
          const start = i;
          ms = 0;
          while (i < n) {
            const c = str.charCodeAt(i) - 48;
            if (!(c >= 0 && c <= 9)) break;
            if (scale >= 1) ms += c * scale;
            scale /= 10;
            i++;
          }
          if (i === start) return NaN;
          break;
        }
        case Op.MonthName: {
          const [idx, next] = matchName(str, i, MONTH_NAMES);
          if (idx < 0) return NaN;
          month = idx + 1;
          i = next;
          break;
        }
        case Op.WeekdayName: {
          const [idx, next] = matchName(str, i, WEEKDAY_NAMES);
          if (idx < 0) return NaN;
          i = next;
          break;
        }
        case Op.AmPm: {
          const a = str.charCodeAt(i) | 32;
          if ((a !== 97 && a !== 112) || (str.charCodeAt(i + 1) | 32) !== 109) return NaN;
          pm = a === 112 ? 1 : 0;
          i += 2;
          break;
        }
        case Op.Offset: {
          const c = str.charCodeAt(i);
          if (c === 90 || c === 122) {
            offset = 0;
            i++;
            break;
          }
          const m = /^[+-]\d{2}(?::?\d{2})?/.exec(str.slice(i, i + 6));
          if (!m) return NaN;
          const o = parseOffsetName(m[0]);
          if (o === null) return NaN;
          offset = o;
          i += m[0].length;
          break;
        }
        case Op.ZoneName: {
          const start = i;
          while (i < n && /[A-Za-z_/]/.test(str[i]!)) i++;
          if (i === start) return NaN;
          const name = str.slice(start, i).toUpperCase();
          // only names that say UTC are trusted; other abbreviations (CST, IST…) are ambiguous
          if (name === 'UTC' || name === 'GMT' || name === 'Z') offset = 0;
          break;
        }
        case Op.Epoch: {
          const m = /^-?\d+/.exec(str.slice(i, i + 20));
          if (!m) return NaN;
          epoch = Number(m[0]) * 1000;
          i += m[0].length;
          break;
        }
      }
    }
    while (i < n && str.charCodeAt(i) <= 32) i++;
    if (i !== n) return NaN;
    if (epoch === epoch) return epoch + ms;
    if (pm >= 0 && hour <= 12) {
      if (pm === 1 && hour < 12) hour += 12;
      else if (pm === 0 && hour === 12) hour = 0;
    }
    // no year in the text: the latest year in which the date exists and is not ahead of now, from
    // next year's (read just before New Year, `Jan 1 00:30` is within a day) back (a leap day: 8
    // years at most); else the year read or fixed
    const last = guessYear ? year - 8 : year;
    for (let y = guessYear ? year + 1 : year; y >= last; y--) {
      let days: number;
      if (doy > 0) {
        if (doy > (isLeap(y) ? 366 : 365)) continue;
        days = daysFromCivil(y, 1, 1) + doy - 1;
      } else {
        if (day > daysInMonth(y, month)) continue;
        days = daysFromCivil(y, month, day);
      }
      const local = days * MS_DAY + hour * MS_HOUR + minute * MS_MIN + second * 1000 + ms;
      const t = offset === offset ? local - offset : zone.toUtc(local);
      if (!guessYear || t <= now + YEARLESS_AHEAD_MS) return t;
    }
    return NaN;
  };
}
