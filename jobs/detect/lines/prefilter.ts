/**
 * A keyword prefilter for the pattern rules. Every line's message must be tested against the
 * rules (pattern_hits.csv counts them on every line), and a regex test costs a string per line
 * plus ~5 ns a character; most lines match no rule. From each rule's regex (parsed with regexpp,
 * the parser ESLint uses) we derive literals one of which every match must contain, and run one
 * Aho-Corasick automaton over the line's bytes, in place: only lines that contain a keyword get a
 * string and the regexes. Exact, not a heuristic: a line the filter rejects cannot match.
 *
 * Why that holds:
 * - a literal is taken only where the regex requires those characters in a row: characters of
 *   one alternative with no quantifier, class or group between them (zero-width assertions such
 *   as `\b` between characters do not separate them); a group or quantified element (min >= 1)
 *   contributes the set it requires; an alternation requires the union of its branches' sets;
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

/** Keywords shorter than this pass too many lines to be worth a filter. */
const MIN_KEYWORD = 3;

/**
 * Lowercase ASCII keywords such that every match of `pattern` contains one of them (in ASCII
 * case-folded form), or null when the regex does not require any.
 */
export function requiredLiterals(pattern: string, flags: string): string[] | null {
  if (flags.includes('u') || flags.includes('v')) return null;
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: false });
  } catch {
    return null;
  }
  const set = ofAlternatives(ast.alternatives);
  return set === null ? null : minimal(set);
}

/** The union of what each branch requires; null if one requires nothing. */
function ofAlternatives(alts: readonly AST.Alternative[]): string[] | null {
  const out: string[] = [];
  for (const a of alts) {
    const s = ofSequence(a.elements);
    if (s === null) return null;
    out.push(...s);
  }
  return out;
}

/** The best set one of a sequence's required parts gives: literal runs, groups, quantified elements. */
function ofSequence(elements: readonly AST.Element[]): string[] | null {
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
  return best(options);
}

function ofElement(e: AST.QuantifiableElement): string[] | null {
  if (e.type === 'Character') return e.value < 128 && e.value !== 34 ? [String.fromCharCode(e.value).toLowerCase()] : null;
  if (e.type === 'Group' || e.type === 'CapturingGroup') return ofAlternatives(e.alternatives);
  return null;
}

/** The set whose shortest keyword is longest (fewer false hits), then the smallest. */
function best(options: readonly string[][]): string[] | null {
  let pick: string[] | null = null;
  let pickMin = 0;
  for (const o of options) {
    const min = Math.min(...o.map((k) => k.length));
    if (min < MIN_KEYWORD) continue;
    if (pick === null || min > pickMin || (min === pickMin && o.length < pick.length)) {
      pick = o;
      pickMin = min;
    }
  }
  return pick;
}

/** Drop keywords that contain another keyword (the shorter one finds the same lines and more). */
function minimal(keys: readonly string[]): string[] {
  const uniq = [...new Set(keys)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const out: string[] = [];
  for (const k of uniq) if (!out.some((o) => k.includes(o))) out.push(k);
  return out;
}

/**
 * Aho-Corasick over bytes with ASCII letters folded: `find` returns where the first keyword
 * occurrence in buf[s, e) ends, or -1. A dense table over the keywords' byte classes keeps the
 * inner loop at two array loads a byte.
 */
export class KeywordScanner {
  /** Byte -> class (0: a byte no keyword holds). */
  private readonly cls = new Uint8Array(256);
  /** Row-major transitions, stored as the next row's offset; negative (~offset) for a state ending a keyword. */
  private readonly delta: Int32Array;

  constructor(readonly keywords: readonly string[]) {
    let classes = 1;
    for (const k of keywords) {
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
    const out: boolean[] = [false];
    for (const k of keywords) {
      let s = 0;
      for (const ch of k) {
        const c = this.cls[ch.charCodeAt(0)]!;
        if (next[s]![c]! < 0) {
          next[s]![c] = next.length;
          next.push(new Array<number>(classes).fill(-1));
          out.push(false);
        }
        s = next[s]![c]!;
      }
      out[s] = true;
    }
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
      out[s] = out[s]! || out[fail[s]!]!;
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
    for (let s = 0; s < next.length; s++) {
      for (let c = 0; c < classes; c++) {
        const t = next[s]![c]!;
        this.delta[s * classes + c] = out[t] ? ~(t * classes) : t * classes;
      }
    }
  }

  /** End (exclusive) of the first keyword occurrence in buf[s, e), or -1. */
  find(buf: Uint8Array, s: number, e: number): number {
    const cls = this.cls;
    const delta = this.delta;
    let state = 0;
    for (let p = s; p < e; p++) {
      state = delta[state + cls[buf[p]!]!]!;
      if (state < 0) return p + 1;
    }
    return -1;
  }

  /** Whether `text` holds a keyword (for messages a parser built as strings). */
  test(text: string): boolean {
    const cls = this.cls;
    const delta = this.delta;
    let state = 0;
    for (let p = 0; p < text.length; p++) {
      const c = text.charCodeAt(p);
      state = delta[state + (c < 128 ? cls[c]! : 0)]!;
      if (state < 0) return true;
    }
    return false;
  }
}

/** A scanner for a rule set, or null when one of its rules requires no literal (every line is then tested). */
export function rulePrefilter(rules: readonly { pattern: string; flags: string }[]): KeywordScanner | null {
  if (rules.length === 0) return null;
  const keys: string[] = [];
  for (const r of rules) {
    const k = requiredLiterals(r.pattern, r.flags);
    if (k === null) return null;
    keys.push(...k);
  }
  return new KeywordScanner(minimal(keys));
}
