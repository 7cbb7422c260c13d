import { describe, expect, it } from 'vitest';
import { hasNumberedEscape, RuleChecker, type RuleSpec } from './rules.js';

const spec = (rules: { pattern: string; flags?: string }[]): RuleSpec => ({
  errorLevels: [], criticalLevels: [], slowMs: 1000,
  rules: rules.map((r, k) => ({ name: `r${k}`, pattern: r.pattern, flags: r.flags ?? 'i', level: -1 })),
});

describe('RuleChecker.matchRules', () => {
  it('matches a rule with a numbered back-reference after rules with groups of their own', () => {
    // joined as (?:(timeout|refused))|(?:(\w+) \1 again), the second rule's \1 names the first rule's group
    const c = new RuleChecker(spec([{ pattern: '(timeout|refused)' }, { pattern: '(\\w+) \\1 again' }]));
    const out: number[] = [];
    expect(c.matchRules('foo foo again', out)).toBe(1);
    expect(out).toEqual([1]);
    expect(new RegExp('(\\w+) \\1 again', 'i').test('foo foo again')).toBe(true);
  });

  it('matches a rule whose \\2 is an octal escape alone but would be a back-reference once joined', () => {
    const c = new RuleChecker(spec([{ pattern: '(a)(b)' }, { pattern: 'x\\2y' }]));
    const out: number[] = [];
    expect(c.matchRules('x\u0002y', out)).toBe(1);
    expect(out).toEqual([1]);
  });

  it('still reports every rule that matches, joined or not', () => {
    const c = new RuleChecker(spec([{ pattern: 'timeout' }, { pattern: '(\\w+) \\1' }, { pattern: 'refused', flags: '' }]));
    const out: number[] = [];
    expect(c.matchRules('timeout timeout refused', out)).toBe(3);
    expect(out).toEqual([0, 1, 2]);
    expect(c.matchRules('nothing here', [])).toBe(0);
  });
});

describe('hasNumberedEscape', () => {
  it('finds \\1-\\9 escapes, not an escaped backslash before a digit or \\0', () => {
    expect(hasNumberedEscape('(a)\\1')).toBe(true);
    expect(hasNumberedEscape('[\\2]')).toBe(true);
    expect(hasNumberedEscape('a\\\\1')).toBe(false);
    expect(hasNumberedEscape('a\\0')).toBe(false);
    expect(hasNumberedEscape('\\d{1,3}\\k<x>')).toBe(false);
  });
});
