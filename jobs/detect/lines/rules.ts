/**
 * The line checks that need no model: error level, pattern rules (detection.rules), slow response.
 * Each finding has a prior in 0..1 (how likely it is a problem worth reading); a line's score is
 * their noisy-OR, 1 - prod(1 - p), so two findings outrank one, and the forest's own score joins
 * as one more finding (ML_DETECTED).
 */
import { LEVELS } from '../../../engine/schema.js';
import type { Batch } from '../../../engine/batch.js';
import { rulePrefilter, type KeywordScanner } from './prefilter.js';

/** What the checks need, as plain data (it travels to workers in the query's params). */
export interface RuleSpec {
  errorLevels: number[];
  criticalLevels: number[];
  rules: { name: string; pattern: string; flags: string; level: number }[];
  /** A line at least this slow (ms) is SLOW_RESPONSE (S4's "slow request", as in the health score). */
  slowMs: number;
}

/** Priors of the findings. */
export const PRIORS = {
  critical: 0.8, error: 0.6, patternCritical: 0.9, patternError: 0.75, pattern: 0.65, slow: 0.5, newTemplate: 0.7,
} as const;

/** Compiled checks, built once per task (or once per worker: see checkerOf). */
export class RuleChecker {
  readonly isError: Uint8Array;
  readonly isCritical: Uint8Array;
  private readonly rules: { type: string; re: RegExp; level: number }[];
  private readonly any: RegExp[];
  private readonly slowMs: number;
  /** Keywords one of which every rule match contains (null: every message is tested). */
  private readonly prefilter: KeywordScanner | null;

  constructor(spec: RuleSpec) {
    this.isError = new Uint8Array(LEVELS.length);
    this.isCritical = new Uint8Array(LEVELS.length);
    for (const l of spec.errorLevels) this.isError[l] = 1;
    for (const l of spec.criticalLevels) this.isCritical[l] = 1;
    this.slowMs = spec.slowMs;
    this.rules = spec.rules.map((r) => ({ type: `PATTERN:${r.name}`, re: new RegExp(r.pattern, r.flags), level: r.level }));
    this.prefilter = rulePrefilter(spec.rules);
    // one alternation per flag set: most lines match no rule, and one test says so
    this.any = [];
    for (const flags of new Set(spec.rules.map((r) => r.flags))) {
      const group = spec.rules.filter((r) => r.flags === flags);
      // a numbered escape (\1) would refer to another rule's group once joined: such a rule is tested alone
      const alone = group.filter((r) => hasNumberedEscape(r.pattern));
      const joined = group.filter((r) => !hasNumberedEscape(r.pattern));
      for (const r of alone) this.any.push(new RegExp(r.pattern, r.flags));
      if (joined.length === 0) continue;
      try {
        this.any.push(new RegExp(joined.map((r) => `(?:${r.pattern})`).join('|'), flags));
      } catch {
        // patterns that cannot be joined (the same group name twice): test each one
        for (const r of joined) this.any.push(new RegExp(r.pattern, r.flags));
      }
    }
  }

  private patternPrior(level: number): number {
    return this.isCritical[level] ? PRIORS.patternCritical : this.isError[level] ? PRIORS.patternError : PRIORS.pattern;
  }

  private readonly scratch: number[] = [];

  /** How many rules the spec holds (matchRules reports them by index, in the spec's order). */
  get ruleCount(): number {
    return this.rules.length;
  }

  /**
   * Whether row i's message may match a rule: false says no rule can (its bytes do not hold the
   * keywords any rule's branch requires, see prefilter.ts), and the message's string need not be
   * built for them.
   */
  mayMatch(b: Batch, i: number): boolean {
    if (this.rules.length === 0) return false;
    const f = this.prefilter;
    if (f === null) return true;
    const s = b.msgStart[i]!;
    if (s < 0) {
      const text = b.messageText[i];
      return text !== undefined && f.test(text);
    }
    return f.find(b.buf, s, b.msgEnd[i]!) >= 0;
  }

  /**
   * mayMatch() of a batch's rows [0, n) that count (gids[i] >= 0, and where[i] !== 0 when given):
   * out[i] is 1 or 0, and 0 for the rows that do not count. Messages held as bytes are scanned two
   * at a time (KeywordScanner.findPair).
   */
  mayMatchRows(b: Batch, n: number, gids: Int32Array, where: Uint8Array | null, out: Uint8Array): void {
    const f = this.prefilter;
    const none = this.rules.length === 0;
    let held = -1; // a row waiting for a second one to scan beside it
    for (let i = 0; i < n; i++) {
      out[i] = 0;
      if (none || gids[i]! < 0 || (where !== null && where[i] === 0)) continue;
      if (f === null) {
        // a rule without a keyword: every message is tested
        out[i] = 1;
        continue;
      }
      const s = b.msgStart[i]!;
      if (s < 0) {
        const text = b.messageText[i];
        out[i] = text !== undefined && f.test(text) ? 1 : 0;
      } else if (held < 0) {
        held = i;
      } else {
        const m = f.findPair(b.buf, b.msgStart[held]!, b.msgEnd[held]!, s, b.msgEnd[i]!);
        out[held] = m & 1;
        out[i] = m >> 1;
        held = -1;
      }
    }
    if (held >= 0) out[held] = f!.find(b.buf, b.msgStart[held]!, b.msgEnd[held]!) >= 0 ? 1 : 0;
  }

  /** Append to `out` the index (in the spec's order) of every rule that matches `message`; returns how many. */
  matchRules(message: string, out: number[]): number {
    for (const any of this.any) {
      // one joined test says "no rule" for most lines; the rules one by one only when it matched
      if (!any.test(message)) continue;
      const before = out.length;
      for (let r = 0; r < this.rules.length; r++) if (this.rules[r]!.re.test(message)) out.push(r);
      return out.length - before;
    }
    return 0;
  }

  /**
   * Append the line's findings to `types` and return prod(1 - p) over them (1: no finding).
   * A rule with a level reports that level, else the record's own. The indices of the rules that
   * matched are appended to `matched` when given. `message` null: no rule can match (mayMatch).
   */
  check(level: number, message: string | null, rt: number | null, types: string[], matched?: number[]): number {
    let keep = 1;
    if (this.isError[level]) {
      types.push('ERROR_LEVEL');
      keep *= 1 - (this.isCritical[level] ? PRIORS.critical : PRIORS.error);
    }
    let hits = matched;
    if (hits === undefined) {
      hits = this.scratch;
      // setting an array's length is a call: only when there is something to drop (most lines match nothing)
      if (hits.length > 0) hits.length = 0;
    }
    const first = hits.length;
    if (message !== null) this.matchRules(message, hits);
    for (let k = first; k < hits.length; k++) {
      const r = this.rules[hits[k]!]!;
      types.push(r.type);
      keep *= 1 - this.patternPrior(r.level >= 0 ? r.level : level);
    }
    if (rt !== null && rt >= this.slowMs) {
      types.push('SLOW_RESPONSE');
      keep *= 1 - PRIORS.slow;
    }
    return keep;
  }
}

/**
 * Whether `pattern` holds an escape `\1`..`\9...`: a back-reference by number, or (with fewer
 * groups, without the u flag) an octal escape. Joined after other rules' patterns, the number
 * would name another rule's group (`(\w+) \1` would then never match `a a`), so such a rule is
 * never joined.
 */
export function hasNumberedEscape(pattern: string): boolean {
  for (let i = 0; i + 1 < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    const c = pattern.charCodeAt(i + 1);
    if (c >= 49 && c <= 57) return true;
    i++; // the escaped character (\\ is one escape)
  }
  return false;
}

let cached: { key: string; checker: RuleChecker } | null = null;
/** The checker of a spec given as JSON, built once per worker for all tasks of a run. */
export function checkerOf(json: string): RuleChecker {
  if (cached?.key !== json) cached = { key: json, checker: new RuleChecker(JSON.parse(json) as RuleSpec) };
  return cached.checker;
}
