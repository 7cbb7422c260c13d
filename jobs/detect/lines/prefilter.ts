/**
 * A keyword prefilter for the pattern rules. Every line's message must be tested against the
 * rules (pattern_hits.csv counts them on every line), and a regex test costs a string per line
 * plus ~5 ns a character; most lines match no rule. From each rule's regex (parsed with regexpp,
 * the parser ESLint uses) we derive, for each branch of its top-level alternation, the sets of
 * literals it requires together (`connect` and one of `fail`, `refused`, `reset`, ...), and run one
 * Aho-Corasick automaton over the message's bytes, in place, noting which sets it has seen: only
 * lines where some branch has all its sets get a string and the regexes. Exact, not a heuristic:
 * a line the filter rejects cannot match.
 *
 * Why that holds:
 * - a literal is taken only where the regex requires those characters in a row: characters of
 *   one alternative with no quantifier, class or group between them (zero-width assertions such
 *   as `\b` between characters do not separate them); a group or quantified element (min >= 1)
 *   contributes the set it requires; an alternation requires the union of its branches' sets;
 *   a match of a branch contains one literal of each set the branch's sequence requires;
 * - case is folded for ASCII letters only, and only ASCII characters become keyword bytes:
 *   without the `u`/`v` flags a case-insensitive regex matches an ASCII letter only with its ASCII
 *   other case (ECMA-262 Canonicalize never maps a non-ASCII character to an ASCII one), and in
 *   UTF-8 every byte of a non-ASCII character is >= 0x80, so a keyword's bytes occur in the line's
 *   bytes exactly where its characters occur in the message. Under `u` or `v` (K matches the
 *   Kelvin sign) no filter is built;
 * - `"` is never part of a keyword: a CSV message's bytes still hold its doubled quotes;
 * - a rule with no usable literal (e.g. `\d{5}`) turns the filter off: every line is tested.
 */
import { RegExpParser, type AST } from '@eslint-community/regexpp';

/** Keywords shorter than this pass too many lines to be worth a filter on their own. */
const MIN_KEYWORD = 3;
/** Beside a set of longer keywords, a set whose shortest keyword has this length still narrows it (`db`). */
const MIN_CONJUNCT = 2;

/**
 * What `pattern` requires, one clause per branch of its top-level alternation: each clause lists
 * the sets of lowercase ASCII keywords a match of that branch contains one of each (in ASCII
 * case-folded form), the most selective first. Null when some branch requires no keyword of at
 * least MIN_KEYWORD characters (every line must then be tested).
 */
export function requiredClauses(pattern: string, flags: string): string[][][] | null {
  if (flags.includes('u') || flags.includes('v')) return null;
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: false });
  } catch {
    return null;
  }
  const clauses: string[][][] = [];
  for (const a of ast.alternatives) {
    const sets = requiredSets(a.elements).filter((o) => shortest(o) >= MIN_CONJUNCT).map(minimal).sort(bySelectivity);
    const unique = sets.filter((o, k) => sets.findIndex((p) => p.join('\0') === o.join('\0')) === k);
    if (unique.length === 0 || shortest(unique[0]!) < MIN_KEYWORD) return null;
    clauses.push(unique);
  }
  return clauses;
}

function shortest(set: readonly string[]): number {
  return Math.min(...set.map((k) => k.length));
}

/** The more selective set first: the longer shortest keyword, then fewer keywords. */
function bySelectivity(a: readonly string[], b: readonly string[]): number {
  const x = a.join('\0');
  const y = b.join('\0');
  return shortest(b) - shortest(a) || a.length - b.length || (x < y ? -1 : x > y ? 1 : 0);
}

/** The union of what each branch requires (the best set of each); null if one requires nothing. */
function ofAlternatives(alts: readonly AST.Alternative[]): string[] | null {
  const out: string[] = [];
  for (const a of alts) {
    const s = best(requiredSets(a.elements));
    if (s === null) return null;
    out.push(...s);
  }
  return out;
}

/** Every set a sequence requires one keyword of: its literal runs, groups and quantified elements. */
function requiredSets(elements: readonly AST.Element[]): string[][] {
  const options: string[][] = [];
  let run = '';
  const cut = (): void => {
    if (run.length > 0) options.push([run]);
    run = '';
  };
  for (const e of elements) {
    switch (e.type) {
      case 'Assertion':
        // zero-width: \b, ^, lookarounds consume nothing, the characters on both sides are adjacent
        break;
      case 'Character':
        if (e.value < 128 && e.value !== 34) run += String.fromCharCode(e.value).toLowerCase();
        else cut();
        break;
      case 'Group':
      case 'CapturingGroup': {
        cut();
        const s = ofAlternatives(e.alternatives);
        if (s !== null) options.push(s);
        break;
      }
      case 'Quantifier': {
        cut();
        if (e.min >= 1) {
          const s = ofElement(e.element);
          if (s !== null) options.push(s);
        }
        break;
      }
      default:
        // a class, a set (\w, .), a back-reference: any of many characters
        cut();
    }
  }
  cut();
  return options;
}

function ofElement(e: AST.QuantifiableElement): string[] | null {
  if (e.type === 'Character') return e.value < 128 && e.value !== 34 ? [String.fromCharCode(e.value).toLowerCase()] : null;
  if (e.type === 'Group' || e.type === 'CapturingGroup') return ofAlternatives(e.alternatives);
  return null;
}

/** The most selective set with no keyword shorter than MIN_KEYWORD, or null. */
function best(options: readonly string[][]): string[] | null {
  const usable = options.filter((o) => shortest(o) >= MIN_KEYWORD);
  return usable.length === 0 ? null : [...usable].sort(bySelectivity)[0]!;
}

/** Drop keywords that contain another keyword (the shorter one finds the same lines and more). */
function minimal(keys: readonly string[]): string[] {
  const uniq = [...new Set(keys)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const out: string[] = [];
  for (const k of uniq) if (!out.some((o) => k.includes(o))) out.push(k);
  return out;
}

/**
 * Aho-Corasick over bytes with ASCII letters folded, for keyword sets and clauses over them (bit k
 * of a clause: it needs a keyword of set k). `find` returns where, scanning buf[s, e), some clause
 * first has all its sets, or -1. A dense table over the keywords' byte classes keeps the inner loop
 * at two array loads a byte; only a byte that ends a keyword does more.
 */
export class KeywordScanner {
  /** Byte -> class (0: a byte no keyword holds). */
  private readonly cls = new Uint8Array(256);
  /** Row-major transitions, stored as the next row's offset; negative (~offset) for a state ending a keyword. */
  private readonly delta: Int32Array;
  /** At a row's offset: the sets of the keywords that end in that state. */
  private readonly ends: Int32Array;
  /** Each clause's sets, as a bit mask. */
  private readonly clauses: Int32Array;
  /** Every keyword, in the order of its set. */
  readonly keywords: readonly string[];
  /**
   * Whether buf[s1, e1) and buf[s2, e2) each satisfy a clause (find() >= 0), as a bit mask: 1 the
   * first, 2 the second (see pairScan).
   */
  readonly findPair: (buf: Uint8Array, s1: number, e1: number, s2: number, e2: number) => number;

  /** A scanner that is satisfied by any one of `keywords`. */
  static anyOf(keywords: readonly string[]): KeywordScanner {
    return new KeywordScanner([keywords], [1]);
  }

  /** `sets`: at most 31 keyword sets; `clauses`: bit masks over them, each non-zero. */
  constructor(sets: readonly (readonly string[])[], clauses: readonly number[]) {
    if (sets.length > 31) throw new Error('at most 31 keyword sets');
    this.keywords = sets.flat();
    this.clauses = Int32Array.from(new Set(clauses));
    let classes = 1;
    for (const k of this.keywords) {
      for (const ch of k) {
        const c = ch.charCodeAt(0);
        if (this.cls[c] === 0) {
          this.cls[c] = classes;
          // an upper-case ASCII letter is its lower-case letter's class
          if (c >= 97 && c <= 122) this.cls[c - 32] = classes;
          classes++;
        }
      }
    }
    // the trie
    const next: number[][] = [new Array<number>(classes).fill(-1)];
    const out: number[] = [0];
    sets.forEach((set, bit) => {
      for (const k of set) {
        let s = 0;
        for (const ch of k) {
          const c = this.cls[ch.charCodeAt(0)]!;
          if (next[s]![c]! < 0) {
            next[s]![c] = next.length;
            next.push(new Array<number>(classes).fill(-1));
            out.push(0);
          }
          s = next[s]![c]!;
        }
        out[s]! |= 1 << bit;
      }
    });
    // failure links, breadth first, folded into a full transition table
    const fail = new Array<number>(next.length).fill(0);
    const queue: number[] = [];
    for (let c = 0; c < classes; c++) {
      const t = next[0]![c]!;
      if (t < 0) next[0]![c] = 0;
      else queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      // a state also ends every keyword its failure state ends (a suffix of what was read)
      out[s]! |= out[fail[s]!]!;
      for (let c = 0; c < classes; c++) {
        const t = next[s]![c]!;
        if (t < 0) next[s]![c] = next[fail[s]!]![c]!;
        else {
          fail[t] = next[fail[s]!]![c]!;
          queue.push(t);
        }
      }
    }
    this.delta = new Int32Array(next.length * classes);
    this.ends = new Int32Array(next.length * classes);
    for (let s = 0; s < next.length; s++) {
      this.ends[s * classes] = out[s]!;
      for (let c = 0; c < classes; c++) {
        const t = next[s]![c]!;
        this.delta[s * classes + c] = out[t] !== 0 ? ~(t * classes) : t * classes;
      }
    }
    this.findPair = pairScan(this.cls, this.delta, this.ends, (seen) => this.satisfied(seen));
  }

  /** Whether the sets seen satisfy a clause. */
  private satisfied(seen: number): boolean {
    const c = this.clauses;
    for (let k = 0; k < c.length; k++) if ((seen & c[k]!) === c[k]) return true;
    return false;
  }

  /** End (exclusive) of the keyword occurrence in buf[s, e) with which a clause is first satisfied, or -1. */
  find(buf: Uint8Array, s: number, e: number): number {
    const cls = this.cls;
    const delta = this.delta;
    let state = 0;
    let seen = 0;
    for (let p = s; p < e; p++) {
      state = delta[state + cls[buf[p]!]!]!;
      if (state < 0) {
        state = ~state;
        const now = seen | this.ends[state]!;
        if (now !== seen) {
          seen = now;
          if (this.satisfied(seen)) return p + 1;
        }
      }
    }
    return -1;
  }

  /** Whether `text` satisfies a clause (for messages a parser built as strings). */
  test(text: string): boolean {
    const cls = this.cls;
    const delta = this.delta;
    let state = 0;
    let seen = 0;
    for (let p = 0; p < text.length; p++) {
      const c = text.charCodeAt(p);
      state = delta[state + (c < 128 ? cls[c]! : 0)]!;
      if (state < 0) {
        state = ~state;
        const now = seen | this.ends[state]!;
        if (now !== seen) {
          seen = now;
          if (this.satisfied(seen)) return true;
        }
      }
    }
    return false;
  }
}

/**
 * KeywordScanner.findPair over one scanner's tables. A scan is a chain of dependent loads, a table
 * row per byte, and that chain is its cost: two ranges scanned in one loop are two independent
 * chains the CPU overlaps. The tables are the closure's constants, not fields read from `this`:
 * two chains need more registers than x64 has once each table's address and length are held too.
 * On the benchmark's messages (~50 bytes) with the default rules, 374k lines: find() one by one
 * 57 ms, findPair as a method 48 ms, as this closure 37 ms (four ranges at once: no better, the
 * unequal tails eat it).
 */
function pairScan(
  cls: Uint8Array, delta: Int32Array, ends: Int32Array, satisfied: (seen: number) => boolean,
): (buf: Uint8Array, s1: number, e1: number, s2: number, e2: number) => number {
  return (buf, s1, e1, s2, e2) => {
    let a = 0;
    let b = 0;
    let seenA = 0;
    let seenB = 0;
    let p = s1;
    let q = s2;
    const n = Math.min(e1 - s1, e2 - s2);
    for (let k = 0; k < n; k++) {
      a = delta[a + cls[buf[p++]!]!]!;
      b = delta[b + cls[buf[q++]!]!]!;
      if ((a | b) < 0) {
        if (a < 0) {
          a = ~a;
          seenA |= ends[a]!;
        }
        if (b < 0) {
          b = ~b;
          seenB |= ends[b]!;
        }
      }
    }
    // the longer range's tail
    for (; p < e1; p++) {
      a = delta[a + cls[buf[p]!]!]!;
      if (a < 0) {
        a = ~a;
        seenA |= ends[a]!;
      }
    }
    for (; q < e2; q++) {
      b = delta[b + cls[buf[q]!]!]!;
      if (b < 0) {
        b = ~b;
        seenB |= ends[b]!;
      }
    }
    return (seenA !== 0 && satisfied(seenA) ? 1 : 0) | (seenB !== 0 && satisfied(seenB) ? 2 : 0);
  };
}

/**
 * A scanner for a rule set, or null when one of its rules requires no literal (every line is then
 * tested). The clauses that require one set share a bit (any keyword of their union lets a line
 * through); every other clause gets its most selective set, then its others while there are bits
 * for them (31; a clause with fewer of its sets passes more lines, never fewer). With more best
 * sets than bits, their union is one set too.
 */
export function rulePrefilter(rules: readonly { pattern: string; flags: string }[]): KeywordScanner | null {
  if (rules.length === 0) return null;
  const clauses: string[][][] = [];
  for (const r of rules) {
    const c = requiredClauses(r.pattern, r.flags);
    if (c === null) return null;
    clauses.push(...c);
  }
  const single = clauses.filter((c) => c.length === 1).map((c) => c[0]!);
  const multi = clauses.filter((c) => c.length > 1);
  const sets: string[][] = [];
  const masks: number[] = [];
  if (single.length > 0) {
    sets.push(minimal(single.flat()));
    masks.push(1);
  }
  const bitOf = new Map<string, number>();
  const bit = (set: readonly string[]): number | null => {
    const key = set.join('\0');
    let b = bitOf.get(key);
    if (b === undefined) {
      if (sets.length === 31) return null;
      b = sets.length;
      sets.push([...set]);
      bitOf.set(key, b);
    }
    return b;
  };
  // every clause's best set first, then the others while bits last: masks[first + k] is multi[k]'s
  const first = masks.length;
  for (const c of multi) {
    const b = bit(c[0]!);
    if (b === null) return KeywordScanner.anyOf(minimal(clauses.map((x) => x[0]!).flat()));
    masks.push(1 << b);
  }
  multi.forEach((c, k) => {
    for (const set of c.slice(1)) {
      const b = bit(set);
      if (b !== null) masks[first + k]! |= 1 << b;
    }
  });
  return new KeywordScanner(sets, masks);
}
