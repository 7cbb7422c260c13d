/**
 * Tokenising and masking of one log message for template mining.
 *
 * A message becomes a list of tokens: whitespace splits words, punctuation that
 * frames or joins words (brackets, quotes, `=`, `:`, `,`, `;`, dot leaders) becomes
 * tokens of its own, and variable-looking pieces become the wildcard `<*>`. The
 * tokens joined back, with their original spacing, form the "masked key": equal
 * keys mean "same template" before any clustering, and distinct keys are what the
 * map side counts. All of it is a hand-written scanner with no regular expressions,
 * so its cost is linear in the message whatever the input.
 */

/** The wildcard that stands for a variable in keys and templates. */
export const WILDCARD = '<*>';

/**
 * Joins two tokens that had no whitespace between them in the message. Keys use it
 * so that splitting a key back into tokens needs no re-tokenising; it never occurs
 * inside a token because the tokenizer treats control characters as whitespace.
 */
export const GLUE = '\u0001';

/**
 * How a token was produced. Const: text kept as it is (words, punctuation). Var: a
 * whole variable (number, hex, IP, UUID, path, URL), the token is `<*>`. Weak: a word
 * with digit or hex runs masked inside (`blk_<*>`, `bglio<*>`, `ssh<*>`), part constant
 * and part variable; the sketch remembers its raw text while that stays the same, so a
 * display can show `ssh2` rather than `ssh<*>`.
 */
export const TokenKind = { Const: 0, Var: 1, Weak: 2 } as const;
/** One of the TokenKind values. */
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** One message cut into masked tokens. */
export interface Tokenized {
  /** Masked tokens. */
  tokens: string[];
  /** The raw text of each token, aligned with `tokens`. */
  raw: string[];
  /** TokenKind of each token. */
  kinds: TokenKind[];
  /** Whether whitespace preceded each token in the message (false for the first). */
  spaced: boolean[];
}

const enum C {
  Tab = 9, Space = 32, Bang = 33, Quote = 34, Dollar = 36, Amp = 38, Apos = 39, LParen = 40, RParen = 41,
  Plus = 43, Comma = 44, Dash = 45, Dot = 46, Slash = 47, D0 = 48, D9 = 57, Colon = 58, Semi = 59,
  Lt = 60, Eq = 61, Gt = 62, Question = 63, UA = 65, UF = 70, UZ = 90, LBracket = 91, Backslash = 92,
  RBracket = 93, Underscore = 95, Backtick = 96, LA = 97, LF = 102, LZ = 122, LBrace = 123, Pipe = 124, RBrace = 125, Tilde = 126,
}

function isDigit(c: number): boolean {
  return c >= C.D0 && c <= C.D9;
}
function isHexLetter(c: number): boolean {
  return (c >= C.LA && c <= C.LF) || (c >= C.UA && c <= C.UF);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= C.LA && c <= C.LZ) || (c >= C.UA && c <= C.UZ) || c >= 128;
}

/** Characters peeled off the front of a word as one punctuation token: `[client`, `(CioStream`, `:[akka`. */
function isOpener(c: number): boolean {
  return c === C.LParen || c === C.LBracket || c === C.LBrace || c === C.Lt || c === C.Quote || c === C.Apos
    || c === C.Backtick || c === C.Colon || c === C.Comma || c === C.Semi || c === C.Eq || c === C.Pipe;
}
/** Characters peeled off the end of a word as one punctuation token: `172.16.96.116:`, `[preauth]`, `40984.`. */
function isCloser(c: number): boolean {
  return c === C.RParen || c === C.RBracket || c === C.RBrace || c === C.Gt || c === C.Quote || c === C.Apos
    || c === C.Backtick || c === C.Colon || c === C.Comma || c === C.Semi || c === C.Dot || c === C.Bang
    || c === C.Question || c === C.Eq || c === C.Pipe;
}
/**
 * Characters that split a word inside: `uid=0`, `environment:user.dir`, `yarn,curi`,
 * `chdir(/p/x)`. Not `.`, `-`, `_`, `/`, `@`, `+`: those join the parts of names,
 * dates and paths, which stay one token. Runs of two or more dots split too (below).
 */
function isSplitter(c: number): boolean {
  return c === C.Eq || c === C.Colon || c === C.Comma || c === C.Semi || c === C.LParen || c === C.RParen
    || c === C.LBracket || c === C.RBracket || c === C.LBrace || c === C.RBrace || c === C.Quote || c === C.Pipe
    || c === C.Lt || c === C.Gt;
}

/**
 * Whether s[a, b) is a whole variable: a number, a run of digits and separators
 * (IP, IP:port, date, time, version, `21876+7292`), `0x` hex, a long or mixed hex
 * string, colon- or dash-separated hex (MAC, IPv6, UUID), a path or a URL.
 */
export function isVariable(s: string, a: number, b: number): boolean {
  const n = b - a;
  if (n <= 0) return false;
  if (isNumber(s, a, b)) return true;
  const c0 = s.charCodeAt(a);
  // Paths: absolute, relative with ./ ../ ~/, or a Windows drive; a lone "/" is punctuation.
  if (c0 === C.Slash) return n > 1;
  if (c0 === C.Dot && n > 2 && (s.charCodeAt(a + 1) === C.Slash || (s.charCodeAt(a + 1) === C.Dot && s.charCodeAt(a + 2) === C.Slash))) return true;
  if (c0 === C.Tilde && n > 2 && s.charCodeAt(a + 1) === C.Slash) return true;
  if (n > 3 && s.charCodeAt(a + 1) === C.Colon && s.charCodeAt(a + 2) === C.Backslash) return true;
  let digits = 0, hexLetters = 0, letters = 0, colons = 0, seps = 0, other = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (isHexLetter(c)) hexLetters++;
    else if ((c >= C.LA && c <= C.LZ) || (c >= C.UA && c <= C.UZ)) letters++;
    else if (c === C.Colon) colons++;
    else if (c === C.Dot || c === C.Dash || c === C.Underscore || c === C.Slash || c === C.Plus || c === C.Comma) seps++;
    else other++;
    // URL: scheme "://" anywhere (spark://, hdfs://, akka.tcp://).
    if (c === C.Colon && i + 2 < b && s.charCodeAt(i + 1) === C.Slash && s.charCodeAt(i + 2) === C.Slash && i > a) return true;
  }
  if (other > 0) return false;
  // Numbers, IPs, dates, times, versions; they start with a digit, a sign or one dot (".5", not a dot leader "....0").
  if (letters === 0 && hexLetters === 0) return digits > 0 && (isDigit(c0) || isDigit(s.charCodeAt(a + 1)));
  if (letters > 0) {
    // 0x-prefixed hex: the only non-hex letter is the x.
    return letters === 1 && n > 2 && c0 === C.D0 && (s.charCodeAt(a + 1) | 32) === 120 && seps === 0 && colons === 0;
  }
  // Only digits, hex letters and separators from here.
  if (colons >= 2 && digits > 0) return true; // MAC, IPv6
  if (colons > 0) return false;
  if (seps === 0) return n >= 8 || (digits > 0 && n >= 2); // 0064588e, 33557fe4, C1; ffffffff
  return digits > 0 && seps <= 4 && n >= 8; // UUID-like dashed hex
}

/** Whether s[a, b) is a decimal number: optional sign, digits with at most one dot, optional exponent (`-42.5e3`). */
function isNumber(s: string, a: number, b: number): boolean {
  let i = a;
  const c0 = s.charCodeAt(i);
  if (c0 === C.Dash || c0 === C.Plus) i++;
  let digits = 0;
  while (i < b && isDigit(s.charCodeAt(i))) { i++; digits++; }
  if (i < b && s.charCodeAt(i) === C.Dot) {
    i++;
    while (i < b && isDigit(s.charCodeAt(i))) { i++; digits++; }
  }
  if (digits === 0) return false;
  if (i < b && (s.charCodeAt(i) | 32) === 101) {
    i++;
    if (i < b && (s.charCodeAt(i) === C.Dash || s.charCodeAt(i) === C.Plus)) i++;
    const e = i;
    while (i < b && isDigit(s.charCodeAt(i))) i++;
    if (i === e) return false;
  }
  return i === b;
}

/**
 * Masks the variable parts inside a word that is not a whole variable: each
 * alphanumeric segment (between `.`, `-`, `_`, `@`, ...) that is all digits or a hex
 * string with a digit becomes `<*>`, and digit runs inside other segments become
 * `<*>` (`bglio716` → `bglio<*>`). A `-` before a number is a sign, not a separator,
 * when nothing alphanumeric precedes it (`blk_-69` → `blk_<*>`, like `blk_69`).
 * Returns null when the word has no digit.
 */
export function maskInside(s: string, a: number, b: number): string | null {
  let hasDigit = false;
  for (let i = a; i < b; i++) if (isDigit(s.charCodeAt(i))) { hasDigit = true; break; }
  if (!hasDigit) return null;
  let out = '';
  let i = a;
  while (i < b) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c)) {
      // A sign: "-" followed by a digit and preceded by the word start or a non-alphanumeric.
      if (c === C.Dash && i + 1 < b && isDigit(s.charCodeAt(i + 1)) && (i === a || !isAlnum(s.charCodeAt(i - 1)))) { i++; continue; }
      out += s[i];
      i++;
      continue;
    }
    let j = i;
    let segDigits = 0, segHex = 0;
    while (j < b && isAlnum(s.charCodeAt(j))) {
      const d = s.charCodeAt(j);
      if (isDigit(d)) segDigits++;
      else if (isHexLetter(d)) segHex++;
      j++;
    }
    if (segDigits > 0 && segDigits + segHex === j - i) {
      out += WILDCARD;
    } else if (segDigits === 0) {
      out += s.slice(i, j);
    } else {
      let k = i;
      while (k < j) {
        if (isDigit(s.charCodeAt(k))) {
          while (k < j && isDigit(s.charCodeAt(k))) k++;
          out += WILDCARD;
        } else {
          const st = k;
          while (k < j && !isDigit(s.charCodeAt(k))) k++;
          out += s.slice(st, k);
        }
      }
    }
    i = j;
  }
  return out;
}

/** Appends the token for raw s[a, b): a whole variable, a word with masked runs, or constant text. */
function pushPiece(t: Tokenized, s: string, a: number, b: number, spaced: boolean, variable = b - a > MAX_TOKEN_LENGTH || isVariable(s, a, b)): void {
  const raw = s.slice(a, b);
  t.raw.push(raw);
  t.spaced.push(spaced);
  if (variable) {
    t.tokens.push(WILDCARD);
    t.kinds.push(TokenKind.Var);
    return;
  }
  const inside = maskInside(s, a, b);
  if (inside === null) {
    t.tokens.push(raw);
    t.kinds.push(TokenKind.Const);
  } else if (inside === WILDCARD) {
    t.tokens.push(WILDCARD);
    t.kinds.push(TokenKind.Var);
  } else {
    t.tokens.push(inside);
    t.kinds.push(TokenKind.Weak);
  }
}

/** Appends punctuation s[a, b) as one constant token. */
function pushPunct(t: Tokenized, s: string, a: number, b: number, spaced: boolean): void {
  const raw = s.slice(a, b);
  t.tokens.push(raw);
  t.raw.push(raw);
  t.kinds.push(TokenKind.Const);
  t.spaced.push(spaced);
}

/**
 * Splits the core of a word s[a, b) at splitter characters and dot leaders. A piece
 * that starts a path (`/`) or a URL (`scheme://`) runs to the end of the word, so
 * `path=/a:/b` or `url=http://h:80/x` give one variable, not one per colon.
 */
function splitCore(t: Tokenized, s: string, a: number, b: number, spaced: boolean): void {
  let start = a;
  let i = a;
  let first = true;
  let afterColon = false;
  while (i < b) {
    const c = s.charCodeAt(i);
    if ((i === start && c === C.Slash && i + 1 < b) || (c === C.Colon && i > start && s.startsWith('//', i + 1))) {
      pushPiece(t, s, start, b, first && spaced);
      return;
    }
    if (i === start && c !== C.Colon && !afterColon) {
      // A colon-joined variable up to the next other splitter (MAC in `mLp(FF:F2:..)`, IP:port in `ip=1.2.3.4:80`);
      // only at a piece that no colon starts, so each character is scanned here once at most.
      let e = i;
      let colons = 0;
      while (e < b && (!isSplitter(s.charCodeAt(e)) || s.charCodeAt(e) === C.Colon)) { if (s.charCodeAt(e) === C.Colon) colons++; e++; }
      if (colons > 0 && isVariable(s, i, e)) {
        pushPiece(t, s, i, e, first && spaced, true);
        first = false;
        start = i = e;
        continue;
      }
    }
    const leader = c === C.Dot && i + 1 < b && s.charCodeAt(i + 1) === C.Dot;
    if (!isSplitter(c) && !leader) { i++; continue; }
    let j = i + 1;
    if (leader) while (j < b && s.charCodeAt(j) === C.Dot) j++;
    else while (j < b && isSplitter(s.charCodeAt(j))) j++;
    if (i > start) { pushPiece(t, s, start, i, first && spaced); first = false; }
    afterColon = s.charCodeAt(j - 1) === C.Colon;
    pushPunct(t, s, i, j, first && spaced);
    first = false;
    start = i = j;
  }
  if (b > start) pushPiece(t, s, start, b, first && spaced);
}

/**
 * Whether s[a, b) is ASCII letters only, not all of them hex letters a-f (`deadbeef` may be
 * an id) and not longer than a token may be: a constant token as it is. Most words of a
 * message are such words; this one scan replaces isVariable, splitCore and maskInside
 * (three scans and a copy) for them, with the same token as the result.
 */
function isPlainWord(s: string, a: number, b: number): boolean {
  if (b - a > MAX_TOKEN_LENGTH) return false;
  let nonHex = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) | 32; // lower case for letters; no other character lands in a-z
    if (c < C.LA || c > C.LZ) return false;
    if (c > C.LF) nonHex = true;
  }
  return nonHex || b - a < 8;
}

/** Tokenizes one word s[a, b) (no whitespace inside). */
function word(t: Tokenized, s: string, a: number, b: number, spaced: boolean): void {
  let p = a;
  while (p < b && isOpener(s.charCodeAt(p))) p++;
  let q = b;
  while (q > p && isCloser(s.charCodeAt(q - 1))) q--;
  // A word of punctuation only ("=", "...", "):") is one token.
  if (p >= q) { pushPunct(t, s, a, b, spaced); return; }
  if (p > a) { pushPunct(t, s, a, p, spaced); spaced = false; }
  if (isPlainWord(s, p, q)) pushPunct(t, s, p, q, spaced);
  else if (isVariable(s, p, q)) pushPiece(t, s, p, q, spaced, true);
  else splitCore(t, s, p, q, spaced);
  if (q < b) pushPunct(t, s, q, b, false);
}

/** Size and duration units that belong to the number before them (`5.2 KB`, `160 ms`). */
const UNITS = new Set(['B', 'KB', 'kB', 'MB', 'GB', 'TB', 'PB', 'KiB', 'MiB', 'GiB', 'TiB', 'ns', 'us', 'µs', 'ms']);
/** Day and month names, variables when they sit next to a number (`Fri Jul 01 08:16:53 PDT 2005`). */
const DATE_WORDS = new Set([
  'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'january', 'february', 'march',
  'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
]);

/**
 * Multi-token variables become one token: a day or month name next to a variable is
 * a variable, a unit after a number joins it, and a run of the same variable token
 * separated by spaces (a date, a list of block ids) collapses to one. A variable then
 * has the same token count whatever its length, which the miner's grouping by token
 * count needs (`delete blk_1 blk_2 blk_3` and `delete blk_4` share a template).
 */
function joinVariables(t: Tokenized): Tokenized {
  const n = t.tokens.length;
  let joins = 0;
  for (let i = 0; i < n; i++) {
    if (t.kinds[i] === TokenKind.Const) {
      if (isDateWord(t.tokens[i]!)) {
        const prevVar = i > 0 && t.spaced[i]! && t.kinds[i - 1] === TokenKind.Var;
        const nextVar = i + 1 < n && t.spaced[i + 1]! && (t.kinds[i + 1] === TokenKind.Var || isDateWord(t.tokens[i + 1]!));
        if (prevVar || nextVar) { t.tokens[i] = WILDCARD; t.kinds[i] = TokenKind.Var; }
      }
    }
    if (i > 0 && joinsPrevious(t, i)) joins++;
  }
  if (joins === 0) return t; // the common case: no copy
  const out: Tokenized = { tokens: [], raw: [], kinds: [], spaced: [] };
  for (let i = 0; i < n; i++) {
    const last = out.tokens.length - 1;
    // Compare with the last kept token: a run of three or more collapses too.
    if (last >= 0 && t.spaced[i]! && (t.kinds[i] === TokenKind.Const
      ? out.kinds[last] === TokenKind.Var && UNITS.has(t.tokens[i]!)
      : out.tokens[last] === t.tokens[i])) {
      out.raw[last] += ' ' + t.raw[i]!;
      continue;
    }
    out.tokens.push(t.tokens[i]!);
    out.raw.push(t.raw[i]!);
    out.kinds.push(t.kinds[i]!);
    out.spaced.push(t.spaced[i]!);
  }
  return out;
}

/** Whether token i joins token i - 1 (see joinVariables). */
function joinsPrevious(t: Tokenized, i: number): boolean {
  if (!t.spaced[i]) return false;
  if (t.kinds[i] === TokenKind.Const) return t.kinds[i - 1] === TokenKind.Var && UNITS.has(t.tokens[i]!);
  return t.tokens[i - 1] === t.tokens[i];
}

/** The first three characters of a token in lower case (ASCII letters only change), as one number. */
function prefix3(tok: string): number {
  return ((tok.charCodeAt(0) | 32) << 16) | ((tok.charCodeAt(1) | 32) << 8) | (tok.charCodeAt(2) | 32);
}
/** prefix3 of every day and month name: most tokens fail this test, so only a few need a lower-case copy. */
const DATE_PREFIXES = new Set([...DATE_WORDS].map(prefix3));

/** Whether a token is a day or month name, without building a lower-case copy for the common non-match. */
function isDateWord(tok: string): boolean {
  if (tok.length < 3 || tok.length > 9) return false;
  // `| 32` turns A-Z into a-z and moves no other character into a-z, so a date word always passes
  if (!DATE_PREFIXES.has(prefix3(tok))) return false;
  return DATE_WORDS.has(tok.toLowerCase());
}

/** Longer pieces of text without a separator (blobs, base64, packed ids) are variables; this also bounds key length. */
export const MAX_TOKEN_LENGTH = 128;

/** Tokens kept per message; the rest of a longer message becomes one final `<*>`, which bounds key length. */
export const MAX_TOKENS = 200;

/** Cuts a message into masked tokens; whitespace and control characters separate words. */
export function tokenize(message: string): Tokenized {
  const t: Tokenized = { tokens: [], raw: [], kinds: [], spaced: [] };
  const n = message.length;
  let i = 0;
  while (i < n) {
    while (i < n && message.charCodeAt(i) <= C.Space) i++;
    if (i >= n) break;
    if (t.tokens.length >= MAX_TOKENS) {
      t.tokens.push(WILDCARD);
      t.raw.push(message.slice(i));
      t.kinds.push(TokenKind.Var);
      t.spaced.push(true);
      break;
    }
    let j = i + 1;
    while (j < n && message.charCodeAt(j) > C.Space) j++;
    word(t, message, i, j, t.tokens.length > 0);
    i = j;
  }
  if (t.tokens.length > MAX_TOKENS) {
    // One huge word (`a:b:c:...`) can still exceed the cap: its tail becomes the final `<*>`.
    const tail = t.raw.slice(MAX_TOKENS).join('');
    for (const a of [t.tokens, t.raw, t.kinds, t.spaced]) a.length = MAX_TOKENS;
    t.tokens.push(WILDCARD);
    t.raw.push(tail);
    t.kinds.push(TokenKind.Var);
    t.spaced.push(false);
  }
  return joinVariables(t);
}

/** The masked key of tokens: joined by a space where the message had whitespace, by GLUE where it had none. */
export function keyOf(tokens: readonly string[], spaced: readonly boolean[]): string {
  let k = '';
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0) k += spaced[i] ? ' ' : GLUE;
    k += tokens[i];
  }
  return k;
}

/** The masked key of a message (see keyOf). */
export function maskedKey(message: string): string {
  const t = tokenize(message);
  return keyOf(t.tokens, t.spaced);
}

/** The tokens of a key (the inverse of keyOf's joining). */
export function keyTokens(key: string): string[] {
  if (key.length === 0) return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === C.Space || c === 1) { out.push(key.slice(start, i)); start = i + 1; }
  }
  out.push(key.slice(start));
  return out;
}

/** A key as people read it: GLUE removed, so `uid=<*>` rather than `uid = <*>`. */
export function displayKey(key: string): string {
  return key.replaceAll(GLUE, '');
}
