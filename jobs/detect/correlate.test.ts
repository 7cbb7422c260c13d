import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/random.js';
import { correlatedPairs, hypergeometricUpperTail } from './correlate.js';
import { MINUTE } from './types.js';

const T0 = Date.UTC(2025, 0, 10);
const minutes = (...ix: number[]): Map<number, number> => new Map(ix.map((i) => [T0 + i * MINUTE, 1]));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** C(n, k) exactly. */
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

describe('hypergeometricUpperTail', () => {
  it('equals the exact tail sum of binomial ratios', () => {
    for (const [n, K, d] of [[10, 4, 4], [30, 7, 12], [100, 10, 10], [60, 50, 20]] as const) {
      for (let k = 0; k <= Math.min(K, d) + 1; k++) {
        let num = 0n;
        for (let x = k; x <= Math.min(K, d); x++) num += choose(K, x) * choose(n - K, d - x);
        const exact = Number((num * 10n ** 15n) / choose(n, d)) / 1e15;
        expect(hypergeometricUpperTail(k, n, K, d)).toBeCloseTo(exact, 12);
      }
    }
    // 4 minutes of 10 for each, all shared: 1 / C(10, 4)
    expect(hypergeometricUpperTail(4, 10, 4, 4)).toBeCloseTo(1 / 210, 15);
  });
});

describe('correlatedPairs', () => {
  const span = { first: T0, last: T0 + 99 * MINUTE }; // 100 minutes

  it('reports minutes, lift, phi and the Fisher p-value of a pair that always co-occurs', () => {
    const counts = new Map([
      ['a', minutes(...range(0, 10))],
      ['b', minutes(...range(0, 10), 50, 51)],
      ['c', minutes(...range(60, 70))],
      ['d', minutes(97)],
    ]);
    const pairs = correlatedPairs(counts, { span });
    expect(pairs).toHaveLength(1);
    const p = pairs[0]!;
    // a (10 minutes) is the rarer; all 10 have b (12 minutes): lift 10*100/(10*12) = 8.333
    expect({ ...p, p_value: undefined }).toEqual({
      template_a: 'a', template_b: 'b', minutes_a: 10, minutes_b: 12, minutes_both: 10, lift: 8.333,
      // phi (10*100 - 10*12) / sqrt(10*90*12*88) = 880 / 974.9 = 0.903
      correlation: 0.903, p_value: undefined,
    });
    expect(p.p_value).toBeCloseTo(Number(choose(12, 10)) / Number(choose(100, 10)), 20);
  });

  it('needs minimum support: two one-off errors in the same minute are not a pattern', () => {
    const counts = new Map([['x', minutes(5)], ['y', minutes(5)]]);
    expect(correlatedPairs(counts, { span })).toEqual([]);
    expect(correlatedPairs(counts, { span, minSupport: 1, maxPValue: 0.05 }).map((p) => [p.template_a, p.template_b, p.minutes_both])).toEqual([['x', 'y', 1]]);
  });

  it('is significant only after the Bonferroni correction over the pairs tested', () => {
    // 3 of 3 minutes shared in 20: p = C(3,3)C(17,0)/C(20,3) = 1/1140 = 0.00088
    const short = { first: T0, last: T0 + 19 * MINUTE };
    const pair = new Map([['x', minutes(1, 2, 3)], ['y', minutes(1, 2, 3)]]);
    expect(correlatedPairs(pair, { span: short })).toHaveLength(1);
    // 16 more templates on 3 minutes each: 153 pairs, cut 0.01/153 = 0.000065
    const many = new Map(pair);
    for (let t = 0; t < 16; t++) many.set(`z${t}`, minutes(4 + t % 16, (5 + t) % 20, (9 + 2 * t) % 20));
    expect(correlatedPairs(many, { span: short }).filter((p) => p.template_a === 'x' || p.template_a === 'y')).toEqual([]);
  });

  it('a window of w minutes pairs errors that follow one another', () => {
    // y always one minute after x: never in the same minute
    const counts = new Map([[2, minutes(0, 20, 40, 60, 80)], [1, minutes(1, 21, 41, 61, 81)]]);
    expect(correlatedPairs(counts, { span })).toEqual([]);
    const [p] = correlatedPairs(counts, { span, window: 1 });
    // ties on minutes: the smaller id is a; a's 5 minutes all have 2 within 1 minute; 2's 5 minutes widen to 14
    expect(p).toMatchObject({ template_a: 1, template_b: 2, minutes_a: 5, minutes_b: 5, minutes_both: 5, lift: 7.143 });
  });

  it('finds a planted pair and not independent templates, over two days of minutes', () => {
    const random = mulberry32(3);
    const n = 2880;
    const wide = { first: T0, last: T0 + (n - 1) * MINUTE };
    let falsePairs = 0;
    for (let trial = 0; trial < 20; trial++) {
      const a: number[] = [];
      const b: number[] = [];
      const c: number[] = [];
      const d: number[] = [];
      for (let i = 0; i < n; i++) {
        if (random() < 0.01) { a.push(i); if (random() < 0.7) b.push(i); }
        else if (random() < 0.003) b.push(i);
        if (random() < 0.1) c.push(i);
        if (random() < 0.1) d.push(i);
      }
      const pairs = correlatedPairs(new Map([['a', minutes(...a)], ['b', minutes(...b)], ['c', minutes(...c)], ['d', minutes(...d)]]), { span: wide });
      expect(pairs.map((p) => [p.template_a, p.template_b].sort().join('')), `trial ${trial}`).toContain('ab');
      falsePairs += pairs.filter((p) => p.template_a === 'c' || p.template_a === 'd' || p.template_b === 'c' || p.template_b === 'd').length;
    }
    expect(falsePairs).toBe(0);
  });

  it('defaults the span to the minutes present', () => {
    const counts = new Map([['a', minutes(...range(0, 5))], ['b', minutes(...range(0, 5))], ['c', minutes(40)]]);
    // span 0..40: 41 minutes
    expect(correlatedPairs(counts, { minSupport: 5 }).map((p) => [p.template_a, p.template_b, p.minutes_both, p.lift])).toEqual([['a', 'b', 5, 8.2]]);
    expect(correlatedPairs(new Map())).toEqual([]);
  });
});
