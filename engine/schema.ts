/**
 * The record schema every format yields, and the normalised log levels.
 * Levels are a fixed enum so the hot path stores one byte per record.
 */

/** Normalised levels, in severity order; the index is the level code stored in batches. */
export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'CRITICAL', 'FATAL', 'UNKNOWN'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_CODE: Readonly<Record<Level, number>> = Object.fromEntries(LEVELS.map((l, i) => [l, i])) as Record<Level, number>;
export const UNKNOWN_LEVEL = LEVEL_CODE.UNKNOWN;

/** Aliases (upper case) that normalise to a level, besides the level names themselves. */
const LEVEL_ALIASES: Record<string, Level> = {
  WARNING: 'WARN', ERR: 'ERROR', SEVERE: 'ERROR', CRIT: 'CRITICAL', EMERG: 'FATAL', EMERGENCY: 'FATAL', ALERT: 'FATAL',
  INFORMATION: 'INFO', FINE: 'DEBUG', FINER: 'TRACE', FINEST: 'TRACE', PANIC: 'FATAL',
  V: 'TRACE', D: 'DEBUG', I: 'INFO', W: 'WARN', E: 'ERROR', F: 'FATAL',
};

/** Normalise a level word case-insensitively; anything unrecognised is UNKNOWN. */
export function normalizeLevel(word: string): number {
  const up = word.trim().toUpperCase();
  const direct = (LEVEL_CODE as Record<string, number>)[up];
  if (direct !== undefined) return direct;
  const alias = LEVEL_ALIASES[up];
  return alias === undefined ? UNKNOWN_LEVEL : LEVEL_CODE[alias];
}

// Level lookup straight from bytes: the hot path never builds a string for the level.
// Candidates are bucketed by (upper-cased first byte, length) and compared byte by byte.
const LEVEL_WORDS: Array<[Uint8Array, number]>[] = new Array(32 * 16);
function addLevelWord(word: string, code: number): void {
  const bytes = new TextEncoder().encode(word);
  const slot = ((bytes[0]! & 31) << 4) | bytes.length;
  (LEVEL_WORDS[slot] ??= []).push([bytes, code]);
}
for (const l of LEVELS) addLevelWord(l, LEVEL_CODE[l]);
for (const [k, v] of Object.entries(LEVEL_ALIASES)) addLevelWord(k, LEVEL_CODE[v]);

/** Level code of buf[s, e) (case-insensitive), UNKNOWN when it is not a level word. */
export function levelFromBytes(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n <= 0 || n > 15) return UNKNOWN_LEVEL;
  const first = buf[s]!;
  if (first < 65 || first > 122) return UNKNOWN_LEVEL;
  const bucket = LEVEL_WORDS[((first & 31) << 4) | n];
  if (bucket === undefined) return UNKNOWN_LEVEL;
  outer: for (let k = 0; k < bucket.length; k++) {
    const [word, code] = bucket[k]!;
    for (let i = 1; i < n; i++) {
      let c = buf[s + i]!;
      if (c >= 97 && c <= 122) c -= 32;
      if (c !== word[i]) continue outer;
    }
    return code;
  }
  return UNKNOWN_LEVEL;
}

/** The fixed record fields. Dictionary fields are interned per task; numeric ones are Float64 with NaN as null. */
export const DICT_FIELDS = ['service', 'ip', 'endpoint', 'method'] as const;
export type DictField = (typeof DICT_FIELDS)[number];
export const NUM_FIELDS = ['status_code', 'response_time_ms', 'bytes'] as const;
export type NumField = (typeof NUM_FIELDS)[number];
export const RECORD_FIELDS = ['timestamp', 'level', ...DICT_FIELDS, 'message', ...NUM_FIELDS, 'file', 'line', 'offset'] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

export function isRecordField(name: string): name is RecordField {
  return (RECORD_FIELDS as readonly string[]).includes(name);
}
