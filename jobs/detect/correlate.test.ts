import { describe, expect, it } from 'vitest';
import { correlatedPairs } from './correlate.js';
import { MINUTE } from './types.js';

const T0 = Date.UTC(2025, 0, 10);
const minutes = (...ix: number[]): Map<number, number> => new Map(ix.map((i) => [T0 + i * MINUTE, 1]));
const span = { first: T0, last: T0 + 9 * MINUTE }; // 10 minutes

describe('correlatedPairs', () => {
  it('reports co-occurrence, lift and phi of same-minute activity', () => {
    const counts = new Map([
      ['a', minutes(0, 1, 2, 3)],
      ['b', minutes(0, 1, 2, 3)],
      ['c', minutes(0, 1, 2, 8)],
      ['d', minutes(6)],
    ]);
    expect(correlatedPairs(counts, { span })).toEqual([
      // a,b: 4 shared minutes of 10; lift 4*10/(4*4) = 2.5; phi (4*10-16)/sqrt(4*6*4*6) = 1
      { template_a: 'a', template_b: 'b', co_occurrences: 4, lift: 2.5, correlation: 1 },
      // a,c: 3 shared; lift 3*10/16 = 1.875 < 2 -> left out; same for b,c
    ]);
    expect(correlatedPairs(counts, { span, minLift: 1.5 })).toEqual([
      { template_a: 'a', template_b: 'b', co_occurrences: 4, lift: 2.5, correlation: 1 },
      // phi (3*10 - 16) / 24 = 0.583
      { template_a: 'a', template_b: 'c', co_occurrences: 3, lift: 1.875, correlation: 0.583 },
      { template_a: 'b', template_b: 'c', co_occurrences: 3, lift: 1.875, correlation: 0.583 },
    ]);
  });

  it('needs minimum support: two one-off errors in the same minute are not a pattern', () => {
    const counts = new Map([['x', minutes(5)], ['y', minutes(5)]]);
    expect(correlatedPairs(counts, { span })).toEqual([]);
    expect(correlatedPairs(counts, { span, minSupport: 1 })).toEqual([{ template_a: 'x', template_b: 'y', co_occurrences: 1, lift: 10, correlation: 1 }]);
  });

  it('a window of w minutes pairs errors that follow one another', () => {
    // over 100 minutes, y always comes one minute after x: never in the same minute
    const counts = new Map([[2, minutes(0, 20, 40, 60, 80)], [1, minutes(1, 21, 41, 61, 81)]]);
    const wide = { first: T0, last: T0 + 99 * MINUTE };
    expect(correlatedPairs(counts, { span: wide })).toEqual([]);
    // active within +-1: x 14 minutes ({0,1}, {19,20,21}, ...), y 15, both 10 ({0,1}, {20,21}, ...)
    // lift 10*100/(14*15) = 4.762; phi (1000 - 210) / sqrt(14*86*15*85) = 0.638
    expect(correlatedPairs(counts, { span: wide, window: 1 })).toEqual([{ template_a: 1, template_b: 2, co_occurrences: 10, lift: 4.762, correlation: 0.638 }]);
  });

  it('defaults the span to the minutes present', () => {
    const counts = new Map([['a', minutes(0, 1, 2)], ['b', minutes(0, 1, 2)], ['c', minutes(5)]]);
    // span 0..5 (6 minutes): lift 3*6/9 = 2, phi (18-9)/sqrt(3*3*3*3) = 1
    expect(correlatedPairs(counts)).toEqual([{ template_a: 'a', template_b: 'b', co_occurrences: 3, lift: 2, correlation: 1 }]);
    expect(correlatedPairs(new Map())).toEqual([]);
  });
});
