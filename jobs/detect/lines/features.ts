/**
 * Per-line features of the line-level isolation forest: S4's (hour as sin/cos, level code,
 * service code, the service's 5-minute rolling error rate and mean response time, log response
 * time) and S3's message features (length, word count, error / warning keywords, has numbers).
 * The same functions build the training rows (main thread) and the scored rows (workers), so a
 * line gets the same vector wherever it is read.
 */
import { LEVEL_CODE } from '../../../engine/schema.js';

/** Feature names, in vector order. */
export const FEATURES = [
  'hour_sin', 'hour_cos', 'level', 'service', 'err_rate_5m', 'rt_mean_5m', 'log_rt',
  'msg_length', 'word_count', 'error_keywords', 'warning_keywords', 'has_numbers',
] as const;
export const N_FEATURES = FEATURES.length;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// S3's keyword lists (log_analyzer.py: _extract_features)
const ERROR_WORDS = /error|failed|timeout|deadlock/i;
const WARNING_WORDS = /warn|slow|miss|eviction/i;

/** S3's message features: length (UTF-16 units), words (whitespace-separated), keyword and digit flags. */
export function messageFeatures(msg: string, out: Float64Array, at: number): void {
  let words = 0;
  let inWord = false;
  let digits = 0;
  for (let i = 0; i < msg.length; i++) {
    const c = msg.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13);
    if (!space && !inWord) words++;
    inWord = !space;
    if (c >= 48 && c <= 57) digits = 1;
  }
  // lengths are heavy-tailed: the forest's uniform splits would spend themselves on the one huge line
  out[at] = Math.log1p(msg.length);
  out[at + 1] = words;
  out[at + 2] = ERROR_WORDS.test(msg) ? 1 : 0;
  out[at + 3] = WARNING_WORDS.test(msg) ? 1 : 0;
  out[at + 4] = digits;
}

/**
 * The 5-minute rolling context of every (minute, service) that logged: the service's error rate
 * and mean response time over the minute and the 4 before it (S4's rolling window), from the
 * merged per-minute cells. Keys are `minute index * services + service code`.
 */
export interface LineContext {
  services: string[];
  /** Context keys, ascending, and their values (errRate, rtMean; rtMean -1 when no latency). */
  keys: number[];
  errRate: number[];
  rtMean: number[];
}

/** A cell of the minute x service grouping (counts and latency sums). */
export interface ServiceMinuteCell {
  minute: number;
  service: string | null;
  total: number;
  errors: number;
  rtSum: number;
  rtCount: number;
}

/** Code of the null service: after every named one. */
export const serviceCode = (services: readonly string[], name: string | null): number => {
  if (name === null) return services.length;
  const k = services.indexOf(name);
  return k < 0 ? services.length : k;
};

/** Build the rolling context from per-(minute, service) cells (any order; summed per service in minute order). */
export function buildContext(cells: readonly ServiceMinuteCell[], window = 5): LineContext {
  const services = [...new Set(cells.map((c) => c.service).filter((s): s is string => s !== null))].sort();
  const width = services.length + 1;
  const bySvc = new Map<number, Map<number, ServiceMinuteCell>>();
  for (const c of cells) {
    const code = serviceCode(services, c.service);
    let m = bySvc.get(code);
    if (!m) bySvc.set(code, (m = new Map()));
    const idx = Math.floor(c.minute / MINUTE);
    const cur = m.get(idx);
    if (cur) { cur.total += c.total; cur.errors += c.errors; cur.rtSum += c.rtSum; cur.rtCount += c.rtCount; }
    else m.set(idx, { ...c });
  }
  const out: { key: number; err: number; rt: number }[] = [];
  for (const [code, m] of bySvc) {
    for (const idx of m.keys()) {
      let total = 0, errors = 0, rtSum = 0, rtCount = 0;
      for (let d = 0; d < window; d++) {
        const c = m.get(idx - d);
        if (!c) continue;
        total += c.total; errors += c.errors; rtSum += c.rtSum; rtCount += c.rtCount;
      }
      out.push({ key: idx * width + code, err: total > 0 ? errors / total : 0, rt: rtCount > 0 ? rtSum / rtCount : -1 });
    }
  }
  out.sort((a, b) => a.key - b.key);
  return { services, keys: out.map((o) => o.key), errRate: out.map((o) => o.err), rtMean: out.map((o) => o.rt) };
}

/** What a line contributes to its vector besides its message. */
export interface LineFields {
  timestamp: number | null;
  level: number;
  /** Service code in the context's `services` (services.length for none / unknown). */
  service: number;
  rt: number | null;
}

/** Looks up a line's rolling context: one Map lookup per line. */
export class ContextIndex {
  private readonly at = new Map<number, number>();
  readonly width: number;
  constructor(readonly ctx: LineContext) {
    this.width = ctx.services.length + 1;
    ctx.keys.forEach((k, i) => this.at.set(k, i));
  }

  /** Fill out[at .. at+7) with the non-message features of a line. */
  fill(f: LineFields, out: Float64Array, at: number): void {
    const ts = f.timestamp;
    if (ts === null) {
      out[at] = 0; out[at + 1] = 0;
    } else {
      // S4 encodes the hour of day (an integer) on the circle
      const hour = Math.floor((((ts % DAY) + DAY) % DAY) / HOUR);
      out[at] = Math.sin((2 * Math.PI * hour) / 24);
      out[at + 1] = Math.cos((2 * Math.PI * hour) / 24);
    }
    out[at + 2] = f.level === LEVEL_CODE.UNKNOWN ? -1 : f.level;
    out[at + 3] = f.service;
    const k = ts === null ? undefined : this.at.get(Math.floor(ts / MINUTE) * this.width + f.service);
    out[at + 4] = k === undefined ? 0 : this.ctx.errRate[k]!;
    const rtm = k === undefined ? -1 : this.ctx.rtMean[k]!;
    out[at + 5] = rtm < 0 ? -1 : Math.log1p(rtm);
    out[at + 6] = f.rt === null || !(f.rt >= 0) ? -1 : Math.log1p(f.rt);
  }

  /** The whole vector of a line. */
  vector(f: LineFields, message: string, out: Float64Array = new Float64Array(N_FEATURES)): Float64Array {
    this.fill(f, out, 0);
    messageFeatures(message, out, 7);
    return out;
  }
}
