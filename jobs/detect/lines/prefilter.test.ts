import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, parseConfig } from '../../config/index.js';
import { loghubDir } from '../templates/loghub.js';
import { generateRecords } from '../../generate/generate.js';
import { makeFormatter } from '../../generate/formats.js';
import { KeywordScanner, requiredClauses, rulePrefilter } from './prefilter.js';
import { RuleChecker } from './rules.js';
import type { Batch } from '../../../engine/batch.js';
import { parseLines } from '../../../engine/testing/parse.js';

const DEFAULTS = DEFAULT_RULES.map((r) => ({ pattern: r.pattern, flags: 'i' }));

/** Every line of the shipped real logs (Loghub samples and the Apache access log). */
function realLines(): string[] {
  const dir = loghubDir();
  const files = readdirSync(dir).filter((d) => existsSync(join(dir, d, `${d}_2k.log`))).map((d) => join(dir, d, `${d}_2k.log`));
  const access = resolve(dir, '../access/apache_combined.log');
  if (existsSync(access)) files.push(access);
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n'));
}

describe('requiredClauses', () => {
  it('lists, per branch, every literal run, group or quantified element a match needs, the most selective first', () => {
    expect(requiredClauses('\\bOOM\\b', 'i')).toEqual([[['oom']]]);
    // a zero-width assertion between characters does not separate them
    expect(requiredClauses('out\\b of memory', 'i')).toEqual([[['out of memory']]]);
    // an optional character cuts the run: both sides are required
    expect(requiredClauses('colou?rful', 'i')).toEqual([[['colo'], ['rful']]]);
    // a group gives the union of its branches
    expect(requiredClauses('(?:access|permission) denied', 'i')).toEqual([[[' denied'], ['access', 'permission']]]);
    expect(requiredClauses('(?:connection|connect)\\w*', '')).toEqual([[['connect']]]);
    // a two-letter set narrows a branch that has a longer one
    expect(requiredClauses('db.{0,5}connect', 'i')).toEqual([[['connect'], ['db']]]);
    // one clause per branch of the top-level alternation
    expect(requiredClauses('slow (?:query|sql)|deadlock', 'i')).toEqual([[['slow '], ['sql', 'query']], [['deadlock']]]);
    // a branch of the whole alternation with no usable literal: no filter
    expect(requiredClauses('timeout|\\d{5}', 'i')).toBeNull();
    expect(requiredClauses('ab|xyz', 'i')).toBeNull();
    // quantified: min >= 1 requires the element, min 0 does not
    expect(requiredClauses('(?:fail)+ed', 'i')).toEqual([[['fail'], ['ed']]]);
    expect(requiredClauses('x(?:fail)*y', 'i')).toBeNull();
  });

  it('keeps no double quote (CSV messages hold them doubled) and no non-ASCII character', () => {
    expect(requiredClauses('say "hello" now', 'i')).toEqual([[['hello'], [' now'], ['say ']]]);
    expect(requiredClauses('caf\u00e9 noir', 'i')).toEqual([[[' noir'], ['caf']]]);
  });

  it('builds no filter under the u or v flags (K matches the Kelvin sign) or for an unparsable pattern', () => {
    expect(requiredClauses('kelvin', 'iu')).toBeNull();
    expect(requiredClauses('kelvin', 'iv')).toBeNull();
    expect(/kelvin/iu.test('\u212aelvin')).toBe(true);
    expect(requiredClauses('(', 'i')).toBeNull();
  });

  it('derives clauses from every default rule', () => {
    for (const r of DEFAULT_RULES) expect(requiredClauses(r.pattern, 'i'), r.name).not.toBeNull();
    expect(rulePrefilter(DEFAULTS)!.keywords).toContain('connect');
    expect(rulePrefilter([])).toBeNull();
    expect(rulePrefilter([...DEFAULTS, { pattern: '\\d+', flags: '' }])).toBeNull();
  });

  it('shares one bit among one-set clauses and falls back to any keyword when the sets outnumber the bits', () => {
    const f = rulePrefilter([{ pattern: 'deadlock|too many files', flags: 'i' }, { pattern: 'slow (?:query|sql)', flags: 'i' }])!;
    expect(f.test('Deadlock found')).toBe(true);
    expect(f.test('slow SQL')).toBe(true);
    expect(f.test('slow start')).toBe(false);
    // 40 two-set clauses: more best sets than bits, so any best keyword lets a line through
    const many = Array.from({ length: 40 }, (_, k) => ({ pattern: `longword${k} .* o${k}y`, flags: 'i' }));
    const g = rulePrefilter(many)!;
    expect(g.test('longword39 alone')).toBe(true);
    expect(g.test('o39y alone')).toBe(false);
    for (const r of many) expect(new RegExp(r.pattern, r.flags).test('longword39 alone')).toBe(false);
  });
});

describe('KeywordScanner', () => {
  it('finds the first occurrence end, overlapping keywords included, ASCII case folded', () => {
    const s = KeywordScanner.anyOf(['she', 'hers', 'his']);
    const at = (t: string): number => s.find(Buffer.from(t), 0, Buffer.byteLength(t));
    expect(at('ushers')).toBe(4);
    expect(at('USHERS')).toBe(4);
    expect(at('a hIs b')).toBe(5);
    expect(at('shhe hes')).toBe(-1);
    // within the given range only
    expect(s.find(Buffer.from('she said'), 1, 8)).toBe(-1);
    expect(s.test('uSHErs')).toBe(true);
    expect(s.test('sh\u00e9')).toBe(false);
  });

  it('is satisfied where a clause has seen a keyword of each of its sets', () => {
    // clause 0b011: connect and one of fail/refused; clause 0b100: deadlock alone
    const s = new KeywordScanner([['connect'], ['fail', 'refused'], ['deadlock']], [0b011, 0b100]);
    const at = (t: string): number => s.find(Buffer.from(t), 0, Buffer.byteLength(t));
    expect(at('Connection refused')).toBe('Connection refused'.length);
    expect(at('refused to connect now')).toBe('refused to connect'.length);
    expect(at('connection reset')).toBe(-1);
    expect(at('request failed')).toBe(-1);
    expect(at('a DEADLOCK')).toBe('a DEADLOCK'.length);
    expect(s.test('connect: FAILED')).toBe(true);
    expect(s.test('connect: reset')).toBe(false);
  });

  it('findPair: find of both ranges, keywords at either end of the shorter or the longer one', () => {
    const s = new KeywordScanner([['connect'], ['fail', 'refused'], ['deadlock']], [0b011, 0b100]);
    const texts = ['', 'x', 'deadlock', 'a deadlock', 'deadlock found here', 'refused to connect', 'Connection reset', 'ok then, connect failed'];
    const buf = Buffer.from(texts.join('|'));
    const spans: [number, number][] = [];
    let at = 0;
    for (const t of texts) {
      spans.push([at, at + t.length]);
      at += t.length + 1;
    }
    for (const [s1, e1] of spans) {
      for (const [s2, e2] of spans) {
        const want = (s.find(buf, s1, e1) >= 0 ? 1 : 0) | (s.find(buf, s2, e2) >= 0 ? 2 : 0);
        expect(s.findPair(buf, s1, e1, s2, e2), `${buf.toString('utf8', s1, e1)} / ${buf.toString('utf8', s2, e2)}`).toBe(want);
      }
    }
  });

  it('never lets a non-ASCII byte stand for an ASCII letter', () => {
    const s = KeywordScanner.anyOf(['kelvin', 'ss']);
    // U+212A KELVIN SIGN lower-cases to k, U+00DF upper-cases to SS: neither is the ASCII letter
    expect(s.find(Buffer.from('\u212aelvin'), 0, Buffer.byteLength('\u212aelvin'))).toBe(-1);
    expect(s.test('\u212aelvin \u00df')).toBe(false);
    expect(new RegExp('kelvin|ss', 'i').test('\u212aelvin \u00df')).toBe(false);
  });
});

describe('the prefilter is exact: a line it rejects matches no rule', () => {
  const rules = DEFAULTS.map((r) => new RegExp(r.pattern, r.flags));
  const scanner = rulePrefilter(DEFAULTS)!;
  const matches = (t: string): boolean => rules.some((re) => re.test(t));

  it('on every line of the shipped real logs, and the same lines upper-cased and title-cased', () => {
    const lines = realLines();
    expect(lines.length).toBeGreaterThan(10_000);
    let matched = 0;
    for (const line of lines) {
      for (const t of [line, line.toUpperCase(), line.replace(/\b\w/g, (c) => c.toUpperCase())]) {
        if (!matches(t)) continue;
        matched++;
        expect(scanner.find(Buffer.from(t), 0, Buffer.byteLength(t)), t).toBeGreaterThanOrEqual(0);
        expect(scanner.test(t), t).toBe(true);
      }
    }
    // the real logs do exercise the rules
    expect(matched).toBeGreaterThan(100);
  });

  it('findPair says of two ranges what find says of each, whatever their lengths', () => {
    // real lines and generated messages, each paired with the next; both orders of a pair
    const texts = [...realLines().slice(0, 6000), ...[...generateRecords({ lines: 3000, seed: 11 })].map((r) => r.message)];
    const buf = Buffer.from(texts.join('\n'));
    const spans: [number, number][] = [];
    let at = 0;
    for (const t of texts) {
      const n = Buffer.byteLength(t);
      spans.push([at, at + n]);
      at += n + 1;
    }
    let passed = 0;
    for (let k = 0; k + 1 < spans.length; k++) {
      const [s1, e1] = spans[k]!;
      const [s2, e2] = spans[k + 1]!;
      const want = (scanner.find(buf, s1, e1) >= 0 ? 1 : 0) | (scanner.find(buf, s2, e2) >= 0 ? 2 : 0);
      expect(scanner.findPair(buf, s1, e1, s2, e2), texts[k]).toBe(want);
      expect(scanner.findPair(buf, s2, e2, s1, e1), texts[k]).toBe(((want & 1) << 1) | (want >> 1));
      passed += want & 1;
    }
    // the pairs hold lines that pass and lines that do not, and empty ranges
    expect(passed).toBeGreaterThan(50);
    expect(passed).toBeLessThan(spans.length / 2);
    expect(scanner.findPair(buf, 0, 0, spans[1]![0], spans[1]![1])).toBe(scanner.find(buf, spans[1]![0], spans[1]![1]) >= 0 ? 2 : 0);
  });

  it('on phrases of every default rule written in mixed case', () => {
    const phrases = [
      'DB Connection Failed', 'could not connect to PostgreSQL', 'Too Many Connections', 'DeadLock found',
      'Authentication FAILED for user', 'Failed password for root', 'Access Denied', 'UnAuthorized', 'sign-in rejected',
      'Out Of Memory', 'java.lang.OutOfMemoryError', 'OOM killer', 'Cannot Allocate Memory', 'Java heap space',
      'No Space Left On Device', 'Disk is FULL', 'Too Many Open Files', 'EMFILE', 'file descriptor limit',
      'SLOW QUERY detected', 'Query took 5s', 'Timed Out', 'TimeOut', 'Deadline Exceeded', 'ETIMEDOUT',
    ];
    for (const p of phrases) {
      expect(matches(p), p).toBe(true);
      expect(scanner.test(p), p).toBe(true);
    }
  });

  it('rejects most generated messages, and only ones that match no rule', () => {
    const fmt = makeFormatter('text', 3);
    let rejected = 0;
    let total = 0;
    for (const r of generateRecords({ lines: 20_000, seed: 3 })) {
      const t = fmt.line(r);
      total++;
      if (!scanner.test(r.message)) {
        rejected++;
        expect(matches(r.message), t).toBe(false);
      }
    }
    expect(rejected / total).toBeGreaterThan(0.9);
  });
});

describe('RuleChecker.mayMatch on parsed batches', () => {
  const config = parseConfig('input: {paths: [x]}\n', 'x.yaml');
  const checker = new RuleChecker({
    errorLevels: [], criticalLevels: [], slowMs: 1000,
    rules: config.detection.rules.map((r) => ({ name: r.name, pattern: r.pattern, flags: r.ignore_case ? 'i' : '', level: -1 })),
  });

  /** Parse `lines` with a format, the message wanted but not every field. */
  function parse(format: string, lines: string[], header?: string): Batch {
    const { b, reasons } = parseLines(format, lines, { fields: new Set(['timestamp', 'level', 'message']), ...(header !== undefined ? { header } : {}) });
    expect(reasons).toEqual(lines.map(() => null));
    return b;
  }

  it('text: a keyword in the trailing key=value fields is not in the message', () => {
    const b = parse('text', [
      '2025-01-10 00:00:00,000 INFO auth Token verified ip=1.2.3.4 endpoint=/api/v1/auth/login status=200',
      '2025-01-10 00:00:01,000 ERROR db Upstream Timed Out after 3s ip=1.2.3.4 endpoint=/x',
      '2025-01-10 00:00:02,000 INFO web listed 3 items endpoint=/a extra words with timeout',
    ]);
    expect(b.length).toBe(3);
    expect([0, 1, 2].map((i) => checker.mayMatch(b, i))).toEqual([false, true, true]);
    // what the rules then say of each message
    expect([0, 1, 2].map((i) => checker.matchRules(b.message(i)!, []))).toEqual([0, 1, 1]);
  });

  it('csv: a quoted message with doubled quotes', () => {
    const b = parse('csv', [
      '2025-01-10 00:00:00,ERROR,"query ""orders"" TIMEOUT, retrying"',
      '2025-01-10 00:00:01,INFO,"said ""hello"", then auth failed"',
      '2025-01-10 00:00:02,INFO,"said ""hello"""',
    ], 'timestamp,log_level,message');
    expect(b.length).toBe(3);
    expect([0, 1, 2].map((i) => checker.mayMatch(b, i))).toEqual([true, true, false]);
    expect(b.message(0)).toBe('query "orders" TIMEOUT, retrying');
  });

  it('mayMatchRows: mayMatch of every row that counts, 0 for the others', () => {
    const recs = [...generateRecords({ lines: 2001, seed: 5 })];
    const fmt = makeFormatter('text', 5);
    const b = parse('text', recs.map((r) => fmt.line(r)));
    const n = b.length;
    expect(n).toBe(2001);
    const one = Array.from({ length: n }, (_, i) => (checker.mayMatch(b, i) ? 1 : 0));
    expect(one.filter((x) => x === 1).length).toBeGreaterThan(10);
    const out = new Uint8Array(n).fill(7);
    checker.mayMatchRows(b, n, new Int32Array(n), null, out);
    expect([...out]).toEqual(one);
    // rows filtered out (group -1) or by a where mask: 0, and the pairing shifts over them
    const gids = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 0));
    const where = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1));
    checker.mayMatchRows(b, n, gids, where, out);
    expect([...out]).toEqual(one.map((x, i) => (i % 3 === 0 || i % 5 === 0 ? 0 : x)));
    // a message held as a string (a parser that built it) is tested as text
    b.setMessageText(4, 'a deadlock here');
    checker.mayMatchRows(b, n, new Int32Array(n), null, out);
    expect(out[4]).toBe(1);
    // a rule with no keyword: every row that counts is tested; no rule: none is
    const spec = { errorLevels: [], criticalLevels: [], slowMs: 1000 };
    new RuleChecker({ ...spec, rules: [{ name: 'digits', pattern: '\\d{5}', flags: '', level: -1 }] }).mayMatchRows(b, n, gids, null, out);
    expect([...out]).toEqual([...gids].map((g) => (g < 0 ? 0 : 1)));
    new RuleChecker({ ...spec, rules: [] }).mayMatchRows(b, n, new Int32Array(n), null, out);
    expect(out.every((x) => x === 0)).toBe(true);
  });
});
