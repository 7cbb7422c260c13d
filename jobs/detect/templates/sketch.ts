/**
 * The map side of template mining: a partition's count of distinct masked keys.
 *
 * Every statistic kept per key merges by an associative, commutative rule (sum,
 * min, max, bitwise or, "smallest (timestamp, text)"), so merging partition
 * sketches in any order and with any chunking gives the same sketch as one pass
 * over all lines. Templates are mined once from the merged sketch (mine.ts), which
 * is what makes the templates independent of the partitioning.
 */
import { TokenKind, WILDCARD, keyOf, tokenize } from './mask.js';

/** Longest example kept, in UTF-16 units; longer lines are cut to this before any comparison. */
export const MAX_EXAMPLE = 2000;

/** Default cap on distinct keys a sketch holds exactly. */
export const DEFAULT_MAX_KEYS = 50_000;

/** What a sketch knows about one masked key (or about the overflow). */
export interface KeyStats {
  /** Lines. */
  count: number;
  /** Bit `1 << levelCode` for every level seen (engine/schema.ts LEVELS). */
  levels: number;
  /** Smallest and largest timestamp seen (epoch ms); NaN while none was finite. */
  firstSeen: number;
  lastSeen: number;
  /** The line with the smallest (timestamp, text), lines without a timestamp last. */
  example: string;
  /** That line's timestamp (NaN when it had none). */
  exampleTs: number;
  /**
   * Raw text of each weak token (`ssh2` for `ssh<*>`), in key order, while every line
   * agreed; null from the first disagreement. Lets a template show `jk2_init()`.
   */
  raw: (string | null)[];
  /**
   * Lines per UTC minute (minute start in ms -> count), kept only by a sketch made with
   * `minutes: true` (correlated error pairs read them); null otherwise. Counts sum on merge.
   */
  minutes: Map<number, number> | null;
}

/** A sketch as plain JSON-able data, to send between threads or store. */
export interface SketchJSON {
  v: 1;
  maxKeys: number;
  /**
   * [key, count, levels, firstSeen, lastSeen, example, exampleTs, raw, minutes] with null for NaN;
   * minutes (absent in sketches without them) is [minute, count, minute, count, ...] by minute.
   */
  keys: [string, number, number, number | null, number | null, string, number | null, (string | null)[], number[]?][];
  /** Whether the sketch keeps per-minute counts (absent: false). */
  minutes?: boolean;
  /** Lines whose key fell outside the cap, or null when none did. */
  overflow: [number, number, number | null, number | null, string, number | null] | null;
}

/** FNV-1a over UTF-16 code units, unsigned: the order that decides which keys the cap keeps. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The boundary of a capped sketch: keys after (hash, key) in (hash, key) order are evicted. */
export interface EvictionCut {
  hash: number;
  key: string;
}

/** Whether a key lies after the cut, i.e. its lines belong to the overflow. */
export function isAfterCut(key: string, cut: EvictionCut): boolean {
  return before(cut.hash, cut.key, hashKey(key), key);
}

/** (hash, key) order: a strict total order on keys, so "the k smallest" is unique. */
function before(ha: number, a: string, hb: number, b: string): boolean {
  return ha < hb || (ha === hb && a < b);
}

/** Whether line (ta, ma) comes before (tb, mb): by timestamp, NaN last, then by text. */
export function earlier(ta: number, ma: string, tb: number, mb: string): boolean {
  const na = Number.isNaN(ta), nb = Number.isNaN(tb);
  if (na !== nb) return nb;
  if (!na && ta !== tb) return ta < tb;
  return ma < mb;
}

function minTs(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);
}
function maxTs(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
}
function finiteOrNaN(ts: number): number {
  return Number.isFinite(ts) ? ts : NaN;
}
function toNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
function fromNull(x: number | null): number {
  return x === null ? NaN : x;
}

/** Raw text worth remembering for display: long text (a collapsed run of ids) never shows, so it is not kept. */
function rawOf(raw: string): string | null {
  return raw.length > MAX_RAW ? null : raw;
}
const MAX_RAW = 64;

const MINUTE_MS = 60_000;

/** Sum b's per-minute counts into a's. */
function mergeMinutes(a: Map<number, number>, b: ReadonlyMap<number, number>): void {
  for (const [m, c] of b) a.set(m, (a.get(m) ?? 0) + c);
}

/** Per-minute counts as flat [minute, count, ...] pairs in minute order (equal maps give equal arrays). */
function minutesToJSON(m: ReadonlyMap<number, number>): number[] {
  const out: number[] = [];
  for (const k of [...m.keys()].sort((x, y) => x - y)) out.push(k, m.get(k)!);
  return out;
}

function minutesFromJSON(flat: readonly number[] | undefined): Map<number, number> {
  const m = new Map<number, number>();
  if (flat) for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i]!, flat[i + 1]!);
  return m;
}

/** Folds b into a (a is modified). */
function mergeStats(a: KeyStats, b: KeyStats): void {
  a.count += b.count;
  a.levels |= b.levels;
  a.firstSeen = minTs(a.firstSeen, b.firstSeen);
  a.lastSeen = maxTs(a.lastSeen, b.lastSeen);
  if (earlier(b.exampleTs, b.example, a.exampleTs, a.example)) {
    a.example = b.example;
    a.exampleTs = b.exampleTs;
  }
  for (let i = 0; i < a.raw.length; i++) if (a.raw[i] !== b.raw[i]) a.raw[i] = null;
  if (a.minutes !== null && b.minutes !== null) mergeMinutes(a.minutes, b.minutes);
}

function emptyOverflow(): KeyStats {
  return { count: 0, levels: 0, firstSeen: NaN, lastSeen: NaN, example: '', exampleTs: NaN, raw: [], minutes: null };
}

/**
 * Distinct masked keys of a partition with their counts, levels, first/last
 * timestamps, an example line and the raw text of weak tokens.
 *
 * Memory is bounded by `maxKeys`. Past the cap the sketch keeps the `maxKeys` keys
 * that come first in (hash, key) order (a bottom-k sample of the distinct keys) with
 * exact statistics, and folds every other line into one overflow record. Bottom-k
 * of a union is bottom-k of the parts' bottom-k, and a key kept globally was kept in
 * every part, so capped sketches still merge to the same result whatever the
 * partitioning; what the cap costs is which rare keys get named, not determinism.
 */
export class TemplateSketch {
  /** The cap on exactly counted keys. */
  readonly maxKeys: number;
  /** Whether each key keeps its lines per minute (KeyStats.minutes). */
  readonly keepsMinutes: boolean;
  private readonly stats = new Map<string, KeyStats>();
  private overflowStats: KeyStats = emptyOverflow();
  /** Whether keys were ever evicted; from then on the held keys are the bottom-k and the cut is meaningful. */
  private overflowed = false;
  /**
   * Once overflowed: keys after (cutHash, cutKey) are outside the bottom-k. Between
   * compactions it is an upper bound; after one it is the largest held key, which
   * depends only on the set of keys seen, so isEvicted answers the same for any partitioning.
   */
  private cutHash = 0;
  private cutKey = '';

  constructor(options: { maxKeys?: number; minutes?: boolean } = {}) {
    this.maxKeys = Math.max(1, Math.floor(options.maxKeys ?? DEFAULT_MAX_KEYS));
    this.keepsMinutes = options.minutes ?? false;
  }

  /** Distinct keys held exactly. */
  get size(): number {
    this.compact();
    return this.stats.size;
  }

  /** Lines added, overflow included. */
  get lines(): number {
    let n = this.overflowStats.count;
    for (const s of this.stats.values()) n += s.count;
    return n;
  }

  /** Lines whose key is outside the cap (folded into one record), or null when there are none. */
  get overflow(): Readonly<KeyStats> | null {
    this.compact();
    return this.overflowStats.count > 0 ? this.overflowStats : null;
  }

  /** Counts one message; ts is epoch ms (NaN when unknown) and levelCode an engine level code. Returns its key. */
  add(line: string, ts: number, levelCode: number): string {
    const t = tokenize(line);
    // Examples are for display; a bounded copy keeps a key's memory bounded whatever the line length.
    const message = line.length > MAX_EXAMPLE ? line.slice(0, MAX_EXAMPLE) : line;
    const key = keyOf(t.tokens, t.spaced);
    const time = finiteOrNaN(ts);
    const level = levelCode >= 0 && levelCode < 31 ? 1 << levelCode : 0;
    const s = this.stats.get(key);
    if (s !== undefined) {
      s.count++;
      s.levels |= level;
      s.firstSeen = minTs(s.firstSeen, time);
      s.lastSeen = maxTs(s.lastSeen, time);
      if (earlier(time, message, s.exampleTs, s.example)) { s.example = message; s.exampleTs = time; }
      if (s.minutes !== null && time === time) {
        const m = Math.floor(time / MINUTE_MS) * MINUTE_MS;
        s.minutes.set(m, (s.minutes.get(m) ?? 0) + 1);
      }
      if (s.raw.length > 0) {
        let w = 0;
        for (let i = 0; i < t.tokens.length; i++) {
          if (t.kinds[i] !== TokenKind.Weak) continue;
          if (s.raw[w] !== rawOf(t.raw[i]!)) s.raw[w] = null;
          w++;
        }
      }
      return key;
    }
    const raw: (string | null)[] = [];
    for (let i = 0; i < t.tokens.length; i++) if (t.kinds[i] === TokenKind.Weak) raw.push(rawOf(t.raw[i]!));
    const minutes = this.keepsMinutes ? new Map<number, number>() : null;
    if (minutes !== null && time === time) minutes.set(Math.floor(time / MINUTE_MS) * MINUTE_MS, 1);
    this.insert(key, { count: 1, levels: level, firstSeen: time, lastSeen: time, example: message, exampleTs: time, raw, minutes });
    return key;
  }

  /** Folds another sketch into this one; the result does not depend on merge order. */
  merge(other: TemplateSketch): void {
    // A bottom-k merge is exact only when both sides keep the same k.
    if (other.maxKeys !== this.maxKeys) throw new Error(`cannot merge template sketches with maxKeys ${this.maxKeys} and ${other.maxKeys}`);
    if (other.keepsMinutes !== this.keepsMinutes) throw new Error('cannot merge a template sketch with per-minute counts and one without');
    other.compact();
    if (other.overflowed) this.lowerCut(other.cutHash, other.cutKey);
    for (const [key, s] of other.stats) {
      const mine = this.stats.get(key);
      if (mine !== undefined) mergeStats(mine, s);
      else this.insert(key, { ...s, raw: s.raw.slice(), minutes: s.minutes === null ? null : new Map(s.minutes) });
    }
    // Keys other evicted are outside the global bottom-k too, so they join this overflow as they are.
    if (other.overflowStats.count > 0) this.addOverflow(other.overflowStats);
    this.compact();
  }

  /**
   * Whether a key is outside the kept bottom-k: its lines, seen or not, count in the
   * overflow. False until the sketch first overflows.
   */
  isEvicted(key: string): boolean {
    const cut = this.cut();
    return cut !== null && isAfterCut(key, cut);
  }

  /** The largest held key once the sketch has overflowed (keys after it are evicted), else null. */
  cut(): EvictionCut | null {
    this.compact();
    return this.overflowed ? { hash: this.cutHash, key: this.cutKey } : null;
  }

  /** Statistics of one key, or undefined when the sketch does not hold it. */
  get(key: string): Readonly<KeyStats> | undefined {
    this.compact();
    return this.stats.get(key);
  }

  /** Held keys with their statistics, sorted by key (the order the miner relies on). */
  entries(): [string, Readonly<KeyStats>][] {
    this.compact();
    return [...this.stats.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Plain data for postMessage or JSON.stringify; keys sorted, so equal sketches give equal JSON. */
  toJSON(): SketchJSON {
    const o = this.overflow;
    const keys: SketchJSON['keys'] = this.entries().map(([k, s]) => {
      const row: SketchJSON['keys'][number] = [k, s.count, s.levels, toNull(s.firstSeen), toNull(s.lastSeen), s.example, toNull(s.exampleTs), s.raw.slice()];
      if (s.minutes !== null) row.push(minutesToJSON(s.minutes));
      return row;
    });
    return {
      v: 1,
      maxKeys: this.maxKeys,
      ...(this.keepsMinutes ? { minutes: true } : {}),
      keys,
      overflow: o === null ? null : [o.count, o.levels, toNull(o.firstSeen), toNull(o.lastSeen), o.example, toNull(o.exampleTs)],
    };
  }

  /** Rebuilds a sketch from toJSON's output. */
  static fromJSON(j: SketchJSON): TemplateSketch {
    if (j.v !== 1) throw new Error(`unsupported template sketch version ${String(j.v)}`);
    const keepsMinutes = j.minutes === true;
    const sk = new TemplateSketch({ maxKeys: j.maxKeys, minutes: keepsMinutes });
    for (const [key, count, levels, first, last, example, exampleTs, raw, minutes] of j.keys) {
      sk.insert(key, {
        count, levels, firstSeen: fromNull(first), lastSeen: fromNull(last), example, exampleTs: fromNull(exampleTs), raw: raw.slice(),
        minutes: keepsMinutes ? minutesFromJSON(minutes) : null,
      });
    }
    if (j.overflow !== null) {
      const [count, levels, first, last, example, exampleTs] = j.overflow;
      sk.addOverflow({ count, levels, firstSeen: fromNull(first), lastSeen: fromNull(last), example, exampleTs: fromNull(exampleTs), raw: [], minutes: null });
    }
    // A sketch that overflowed holds exactly its bottom-k; its cut is the largest held key.
    if (j.overflow !== null && j.keys.length > 0) {
      const last = j.keys.map(([k]) => ({ h: hashKey(k), k })).reduce((a, b) => (before(a.h, a.k, b.h, b.k) ? b : a));
      sk.lowerCut(last.h, last.k);
    }
    sk.compact();
    return sk;
  }

  private insert(key: string, s: KeyStats): void {
    if (this.overflowed && before(this.cutHash, this.cutKey, hashKey(key), key)) {
      this.addOverflow(s);
      return;
    }
    this.stats.set(key, s);
    // Amortised: let the map grow to twice the cap, then cut back to the cap in one sort.
    if (this.stats.size >= 2 * this.maxKeys) this.compact();
  }

  private addOverflow(s: KeyStats): void {
    const o = this.overflowStats;
    if (o.count === 0) {
      // the overflow keeps no minutes: its lines are no one error type, so they pair with nothing
      this.overflowStats = { count: s.count, levels: s.levels, firstSeen: s.firstSeen, lastSeen: s.lastSeen, example: s.example, exampleTs: s.exampleTs, raw: [], minutes: null };
      return;
    }
    mergeStats(o, { ...s, raw: [], minutes: null });
  }

  /** Lowers the cut to (h, key) when that is earlier, evicting held keys after it. */
  private lowerCut(h: number, key: string): void {
    if (this.overflowed && !before(h, key, this.cutHash, this.cutKey)) return;
    this.overflowed = true;
    this.cutHash = h;
    this.cutKey = key;
    for (const [k, s] of this.stats) {
      if (before(h, key, hashKey(k), k)) {
        this.addOverflow(s);
        this.stats.delete(k);
      }
    }
  }

  /** Cuts the held keys back to the bottom-k, moving the rest to the overflow; the cut becomes the largest held key. */
  private compact(): void {
    if (this.stats.size <= this.maxKeys) return;
    const order = [...this.stats.keys()].map((k) => ({ k, h: hashKey(k) }));
    order.sort((a, b) => (before(a.h, a.k, b.h, b.k) ? -1 : before(b.h, b.k, a.h, a.k) ? 1 : 0));
    for (let i = this.maxKeys; i < order.length; i++) {
      const k = order[i]!.k;
      this.addOverflow(this.stats.get(k)!);
      this.stats.delete(k);
    }
    const last = order[this.maxKeys - 1]!;
    this.overflowed = true;
    this.cutHash = last.h;
    this.cutKey = last.k;
  }
}

/** Whether a masked token is weak: a wildcard inside other text (`blk_<*>`), not a whole `<*>`. */
export function isWeak(token: string): boolean {
  return token !== WILDCARD && token.includes(WILDCARD);
}
