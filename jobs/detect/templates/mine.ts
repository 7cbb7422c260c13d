/**
 * The reduce side of template mining: clusters the distinct masked keys of a
 * (merged) sketch into templates, once, after the partitions' sketches are merged.
 */
import { GLUE, WILDCARD, keyOf, keyTokens, tokenize } from './mask.js';
import { type EvictionCut, type KeyStats, TemplateSketch, isAfterCut, isWeak } from './sketch.js';

/** Mining settings; the defaults are the one setting used for every data set. */
export interface MineOptions {
  /**
   * Parse-tree depth as in Drain: the first depth − 2 tokens are structural, a column
   * there is split on whatever its value count (`maxSessionTimeout set to`, `tickTime
   * set to`). Default 4.
   */
  depth?: number;
  /**
   * Distinct values from which an unmasked column of an otherwise pure group is a
   * variable rather than a word that tells templates apart. Default 5.
   */
  minValues?: number;
  /**
   * For keys the sketch never held (follow mode): the least fraction of a template's
   * tokens that must be equal constants for the key to join it when no template
   * matches all its constants, as Drain's similarity threshold. Default 0.5.
   */
  similarity?: number;
}

/** The defaults: the single setting measured on every Loghub set (see eval.ts). */
export const DEFAULT_MINE_OPTIONS: Readonly<Required<MineOptions>> = { depth: 4, minValues: 5, similarity: 0.5 };

/** Template text of the lines a capped sketch could not key (see TemplateSketch). */
export const OVERFLOW_TEMPLATE = '<overflow>';

/** One mined template. */
export interface Template {
  /** 1-based, in order of count descending, then template text. */
  id: number;
  /** The template text, `<*>` for variables. */
  template: string;
  /** Lines. */
  count: number;
  /** Bit `1 << levelCode` for every level seen. */
  levels: number;
  /** Smallest and largest timestamp (epoch ms), NaN when none. */
  firstSeen: number;
  lastSeen: number;
  /** The template's earliest line (smallest (timestamp, text)). */
  example: string;
  /** Distinct masked keys it covers (0 for the overflow). */
  keys: number;
}

/** A TemplateSet as plain data, to send to workers that assign template ids. */
export interface TemplateSetJSON {
  v: 1;
  templates: (Omit<Template, 'firstSeen' | 'lastSeen'> & { firstSeen: number | null; lastSeen: number | null })[];
  /** Template tokens by id - 1. */
  patterns: string[][];
  /** [key, id] pairs. */
  keys: [string, number][];
  cut: EvictionCut | null;
  overflowId: number;
  similarity: number;
}

interface Row {
  key: string;
  tokens: string[];
  stats: Readonly<KeyStats>;
  /** Index into stats.raw of each column's weak token, -1 for other columns. */
  weakAt: number[];
}

/** Templates mined from a sketch, with the map from masked key to template id. */
export class TemplateSet {
  /** Templates by id - 1. */
  readonly templates: readonly Template[];
  /** Masked key → template id, for every key the mined sketch held. */
  readonly keyToTemplate: ReadonlyMap<string, number>;
  /** Template tokens by id - 1 (`<*>` for variables; empty for the overflow). */
  private readonly patterns: string[][];
  /** Template ids by token count, for matching keys the sketch never held. */
  private readonly byLength = new Map<number, number[]>();

  constructor(
    templates: Template[],
    keyToTemplate: Map<string, number>,
    patterns: string[][],
    /** The sketch's eviction boundary, so evicted keys map to the overflow like their counts did. */
    private readonly cut: EvictionCut | null,
    /** Id of the overflow template, 0 when there is none. */
    readonly overflowId: number,
    private readonly similarity: number,
  ) {
    this.templates = templates;
    this.keyToTemplate = keyToTemplate;
    this.patterns = patterns;
    for (let i = 0; i < patterns.length; i++) {
      if (i + 1 === overflowId) continue;
      const n = patterns[i]!.length;
      const list = this.byLength.get(n);
      if (list === undefined) this.byLength.set(n, [i + 1]);
      else list.push(i + 1);
    }
  }

  /** Template id of a message (see assignKey). */
  assign(message: string): number {
    const t = tokenize(message);
    return this.assignKey(keyOf(t.tokens, t.spaced));
  }

  /**
   * Template id of a masked key: the mined one when the sketch held the key; the
   * overflow when the key is past the sketch's cap (where its lines were counted);
   * else the same-length template whose constants all match, the one with most
   * constants first; else the most similar one when at least `similarity` of its
   * tokens are equal constants; else 0. Ties go to the smaller id.
   */
  assignKey(key: string): number {
    const known = this.keyToTemplate.get(key);
    if (known !== undefined) return known;
    if (this.cut !== null && isAfterCut(key, this.cut)) return this.overflowId;
    const tokens = keyTokens(key);
    let exact = 0, exactConsts = -1, near = 0, nearSim = -1;
    for (const id of this.byLength.get(tokens.length) ?? []) {
      const p = this.patterns[id - 1]!;
      let consts = 0, equal = 0;
      for (let i = 0; i < p.length; i++) {
        if (p[i] === WILDCARD) continue;
        consts++;
        if (p[i] === tokens[i]) equal++;
      }
      if (equal === consts) {
        if (consts > exactConsts) { exact = id; exactConsts = consts; }
      } else if (equal / p.length > nearSim) {
        near = id;
        nearSim = equal / p.length;
      }
    }
    if (exact > 0) return exact;
    return nearSim >= this.similarity ? near : 0;
  }

  /** Plain data for postMessage or JSON.stringify. */
  toJSON(): TemplateSetJSON {
    return {
      v: 1,
      templates: this.templates.map((t) => ({ ...t, firstSeen: Number.isNaN(t.firstSeen) ? null : t.firstSeen, lastSeen: Number.isNaN(t.lastSeen) ? null : t.lastSeen })),
      patterns: this.patterns,
      keys: [...this.keyToTemplate],
      cut: this.cut,
      overflowId: this.overflowId,
      similarity: this.similarity,
    };
  }

  /** Rebuilds a set from toJSON's output. */
  static fromJSON(j: TemplateSetJSON): TemplateSet {
    if (j.v !== 1) throw new Error(`unsupported template set version ${String(j.v)}`);
    const templates = j.templates.map((t) => ({ ...t, firstSeen: t.firstSeen ?? NaN, lastSeen: t.lastSeen ?? NaN }));
    return new TemplateSet(templates, new Map(j.keys), j.patterns, j.cut, j.overflowId, j.similarity);
  }
}

/**
 * Clusters the keys of a sketch into templates. The result depends only on the
 * sketch's content (keys are processed in sorted order, ties broken by text), so it
 * is the same whatever the partitioning that built the sketch.
 *
 * Keys are grouped by token count, then each group is split recursively on its most
 * constant-looking column: the one with the fewest distinct values among the columns
 * that are not variables. A column is a variable when it holds masked values only,
 * or (past the first depth − 2 tokens) when it has `minValues` distinct values or more
 * or masked values make at least half of them. A group with no column left to split
 * on is a template: columns with one value are constants, the others variables.
 * Splitting on low-cardinality columns first separates templates that share most
 * words before any column is judged, so a column is judged within an otherwise pure
 * group. Last, a template whose pattern another one of the same length covers
 * (`user admin` under `user <*>`) is folded into the most specific such template.
 */
export function mineTemplates(sketch: TemplateSketch, options: MineOptions = {}): TemplateSet {
  const opts = { ...DEFAULT_MINE_OPTIONS, ...options };
  const prefix = Math.max(0, opts.depth - 2);
  const byLength = new Map<number, Row[]>();
  for (const [key, stats] of sketch.entries()) {
    const tokens = keyTokens(key);
    let w = 0;
    const r: Row = { key, tokens, stats, weakAt: tokens.map((t) => (isWeak(t) ? w++ : -1)) };
    const g = byLength.get(r.tokens.length);
    if (g === undefined) byLength.set(r.tokens.length, [r]);
    else g.push(r);
  }
  const clusters: Row[][] = [];
  const split = (members: Row[], cols: number[]): void => {
    let best = -1;
    let bestCard = Infinity;
    const open: number[] = [];
    for (const j of cols) {
      const values = new Set<string>();
      for (const m of members) values.add(m.tokens[j]!);
      if (values.size === 1) continue; // constant here and in every subgroup
      open.push(j);
      let wild = 0;
      for (const v of values) if (v.includes(WILDCARD)) wild++;
      const card = values.size;
      // Different masked shapes in one column (`rdd_<*>_<*>`, `broadcast_<*>`) are values of one variable,
      // and so is a column where they are at least half the values (host names with and without digits),
      // except in the first tokens, where a masked value rather starts another template (`<*>:<*> Served`).
      const variable = wild === card || (j >= prefix && (card >= opts.minValues || 2 * wild >= card));
      if (!variable && card < bestCard) { best = j; bestCard = card; }
    }
    if (best < 0) { clusters.push(members); return; }
    const parts = new Map<string, Row[]>();
    for (const m of members) {
      const tok = m.tokens[best]!;
      const p = parts.get(tok);
      if (p === undefined) parts.set(tok, [m]);
      else p.push(m);
    }
    const rest = open.filter((j) => j !== best);
    for (const tok of [...parts.keys()].sort()) split(parts.get(tok)!, rest);
  };
  for (const n of [...byLength.keys()].sort((a, b) => a - b)) {
    const from = clusters.length;
    split(byLength.get(n)!, Array.from({ length: n }, (_, j) => j));
    absorbSubsumed(clusters, from);
  }
  return buildSet(clusters.filter((c) => c.length > 0), sketch, opts.similarity);
}

/** A cluster's pattern: its tokens where all members agree, `<*>` elsewhere. */
function patternOf(members: Row[]): string[] {
  const first = members[0]!.tokens;
  return first.map((tok, j) => (members.every((m) => m.tokens[j] === tok) ? tok : WILDCARD));
}

function byKey(x: Row, y: Row): number {
  return x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
}

/**
 * Folds each cluster into the most specific other cluster whose pattern covers it
 * (equal tokens, or `<*>` where they differ); ties go to the earlier cluster. A column
 * with both masked numbers and a word (`invalid user 0`, `invalid user admin`) was
 * split like a constant; this puts the word back into the variable. Clusters
 * from..end have one token count; folded ones are left empty.
 */
function absorbSubsumed(clusters: Row[][], from: number): void {
  const pats: string[][] = [];
  const consts: number[] = [];
  for (let i = from; i < clusters.length; i++) {
    const p = patternOf(clusters[i]!);
    pats.push(p);
    consts.push(p.filter((t) => t !== WILDCARD).length);
  }
  // Index the patterns that have a wildcard (only those can cover another) by their first constant token:
  // a cover must share it, so each cluster is compared with few candidates rather than with all of them.
  const byFirstConst = new Map<string, number[]>();
  const firstPositions = new Set<number>();
  const allWild: number[] = [];
  for (let i = 0; i < pats.length; i++) {
    if (consts[i] === pats[i]!.length) continue;
    const p = pats[i]!.findIndex((t) => t !== WILDCARD);
    if (p < 0) { allWild.push(i); continue; }
    firstPositions.add(p);
    const k = `${p}\u0000${pats[i]![p]!}`;
    const list = byFirstConst.get(k);
    if (list === undefined) byFirstConst.set(k, [i]);
    else list.push(i);
  }
  const positions = [...firstPositions].sort((x, y) => x - y);
  const target: number[] = pats.map((_, i) => i);
  for (let b = 0; b < pats.length; b++) {
    const candidates = [...allWild];
    for (const p of positions) candidates.push(...(byFirstConst.get(`${p}\u0000${pats[b]![p]!}`) ?? []));
    candidates.sort((x, y) => x - y);
    let best = -1;
    for (const a of candidates) {
      if (consts[a]! >= consts[b]!) continue;
      const pa = pats[a]!, pb = pats[b]!;
      let covers = true;
      for (let j = 0; j < pa.length; j++) if (pa[j] !== WILDCARD && pa[j] !== pb[j]) { covers = false; break; }
      if (covers && (best < 0 || consts[a]! > consts[best]!)) best = a;
    }
    if (best >= 0) target[b] = best;
  }
  // Targets have strictly fewer constants, so following them ends; members move to the last one.
  for (let b = 0; b < pats.length; b++) {
    let r = target[b]!;
    while (target[r] !== r) r = target[r]!;
    if (r !== b) {
      clusters[from + r]!.push(...clusters[from + b]!);
      clusters[from + b] = [];
    }
  }
  for (let i = from; i < clusters.length; i++) clusters[i]!.sort(byKey);
}

/** Whether line (ta, ma) comes before (tb, mb): by timestamp, NaN last, then by text (as the sketch). */
function earlier(ta: number, ma: string, tb: number, mb: string): boolean {
  const na = Number.isNaN(ta), nb = Number.isNaN(tb);
  if (na !== nb) return nb;
  if (!na && ta !== tb) return ta < tb;
  return ma < mb;
}

/** Sums the statistics of several keys. */
function aggregate(stats: readonly Readonly<KeyStats>[]): KeyStats {
  const agg: KeyStats = { ...stats[0]!, raw: [] };
  for (let i = 1; i < stats.length; i++) {
    const s = stats[i]!;
    agg.count += s.count;
    agg.levels |= s.levels;
    if (!Number.isNaN(s.firstSeen) && !(agg.firstSeen <= s.firstSeen)) agg.firstSeen = s.firstSeen;
    if (!Number.isNaN(s.lastSeen) && !(agg.lastSeen >= s.lastSeen)) agg.lastSeen = s.lastSeen;
    if (earlier(s.exampleTs, s.example, agg.exampleTs, agg.example)) { agg.example = s.example; agg.exampleTs = s.exampleTs; }
  }
  return agg;
}

/** Turns clusters of keys into numbered templates, plus the overflow as a template of its own. */
function buildSet(clusters: Row[][], sketch: TemplateSketch, similarity: number): TemplateSet {
  const built = clusters.map((members) => {
    const pattern = patternOf(members);
    // Spacing from the cluster's most frequent key (ties to the smallest key; members are key-sorted).
    let rep = members[0]!;
    for (const m of members) if (m.stats.count > rep.stats.count) rep = m;
    const seps = separators(rep.key);
    let text = '';
    for (let j = 0; j < pattern.length; j++) {
      if (j > 0 && seps[j - 1] === ' ') text += ' ';
      text += pattern[j] === WILDCARD ? WILDCARD : shownToken(members, j, pattern[j]!);
    }
    return { keys: members.map((m) => m.key), pattern, text, agg: aggregate(members.map((m) => m.stats)) };
  });
  const overflow = sketch.overflow;
  if (overflow !== null) built.push({ keys: [], pattern: [], text: OVERFLOW_TEMPLATE, agg: { ...overflow, raw: [] } });
  built.sort((a, b) => b.agg.count - a.agg.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const templates: Template[] = [];
  const keyToTemplate = new Map<string, number>();
  const patterns: string[][] = [];
  let overflowId = 0;
  built.forEach((b, i) => {
    const id = i + 1;
    const a = b.agg;
    templates.push({ id, template: b.text, count: a.count, levels: a.levels, firstSeen: a.firstSeen, lastSeen: a.lastSeen, example: a.example, keys: b.keys.length });
    patterns.push(b.pattern);
    for (const k of b.keys) keyToTemplate.set(k, id);
    if (b.text === OVERFLOW_TEMPLATE && b.keys.length === 0) overflowId = id;
  });
  return new TemplateSet(templates, keyToTemplate, patterns, sketch.cut(), overflowId, similarity);
}

/** Separators between a key's tokens: ' ' or GLUE, one per gap. */
function separators(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === ' ' || c === GLUE) out.push(c);
  }
  return out;
}

/**
 * How a constant column shows: a weak token (`ssh<*>`) as its raw text (`ssh2`) when
 * every line of the template had the same one and the masked runs are short (a
 * version digit, not an id that happens to repeat: `blk_<*>` stays).
 */
function shownToken(members: Row[], j: number, tok: string): string {
  if (!isWeak(tok)) return tok;
  let raw: string | null = null;
  for (const m of members) {
    const r = m.stats.raw[m.weakAt[j]!] ?? null;
    if (r === null || (raw !== null && raw !== r)) return tok;
    raw = r;
  }
  if (raw === null) return tok;
  const wilds = tok.split(WILDCARD).length - 1;
  const maskedChars = raw.length - (tok.length - WILDCARD.length * wilds);
  return maskedChars <= 2 * wilds ? raw : tok;
}
