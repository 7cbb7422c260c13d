/** The line report's parts: the bottom-k sample, line resolution, the compiled forest, the checks, the pieces read. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random.js';
import { SeededForest } from '../forest.js';
import { CompiledForest } from './compiled.js';
import { cutAbove, lineSample, sampleOrder, type SampleRow } from './sample.js';
import { LineResolver, type LocalLine } from './rows.js';
import { PRIORS, RuleChecker } from './rules.js';
import { piecesOf } from './pass.js';
import type { LineModelJSON } from './model.js';
import type { MinuteSpan } from './findings.js';

const spec = { kind: 'line_sample', name: 's', params: { k: 50 } };

describe('line_sample', () => {
  it('keeps the same k lines whatever the split into partials and the merge order', () => {
    const rng = mulberry32(3);
    const rows: SampleRow[] = Array.from({ length: 1000 }, (_, i) => ({
      h: Math.floor(rng() * 1e6), offset: i * 100, timestamp: 1e12 + i, level: 2, service: 'a', rt: null, message: `m${i}`,
    }));
    const merge = (parts: SampleRow[][]): SampleRow[] => parts.reduce((a, b) => lineSample.merge(a, b, spec), []);
    const one = merge([rows]);
    const split = merge([rows.slice(0, 300), rows.slice(300, 301), rows.slice(301)].reverse());
    const shuffled = merge(Array.from({ length: 10 }, (_, k) => rows.filter((_, i) => i % 10 === k)));
    expect(one).toHaveLength(50);
    expect(split).toEqual(one);
    expect(shuffled).toEqual(one);
    expect(one.map((r) => r.h)).toEqual([...rows].map((r) => r.h).sort((a, b) => a - b).slice(0, 50));
  });
});

describe('cutAbove (the map side\'s linear-time cut)', () => {
  it('keeps every row among the k smallest (ties in the hash included) and returns the k-th smallest hash', () => {
    const rng = mulberry32(11);
    for (const [n, k, range] of [[200, 50, 1e6], [101, 50, 30], [64, 1, 5], [500, 499, 1e9]] as const) {
      const rows: SampleRow[] = Array.from({ length: n }, (_, i) => ({
        h: Math.floor(rng() * range), offset: i, timestamp: null, level: 2, service: null, rt: null, message: `m${i % 7}`,
      }));
      const sorted = [...rows].sort(sampleOrder);
      const kth = sorted[k - 1]!.h;
      const kept = [...rows];
      expect(cutAbove(kept, k)).toBe(kth);
      expect(kept.length).toBeGreaterThanOrEqual(k);
      expect(kept.every((r) => r.h <= kth)).toBe(true);
      expect(kept.length).toBe(rows.filter((r) => r.h <= kth).length);
      expect([...kept].sort(sampleOrder).slice(0, k)).toEqual(sorted.slice(0, k));
    }
  });
});

describe('LineResolver', () => {
  it('numbers lines from the partitions that read them', () => {
    // file a: partitions at 0 (10 lines), 500 (7 lines), 900; file b at 0
    const parts = [{ index: 0, file: 'a', start: 0 }, { index: 1, file: 'a', start: 500 }, { index: 2, file: 'a', start: 900 }, { index: 3, file: 'b', start: 0 }];
    const r = new LineResolver(parts, new Map([[0, 10], [1, 7], [2, 3], [3, 4]]));
    const at = (file: string, offset: number, line: number): number => { const x: LocalLine = { file, offset, line, resolved: false }; r.resolve(x); return x.line; };
    expect(at('a', 0, 0)).toBe(1);
    expect(at('a', 499, 9)).toBe(10);
    expect(at('a', 500, 0)).toBe(11);
    expect(at('a', 950, 2)).toBe(20);
    expect(at('b', 10, 1)).toBe(2);
  });

  it('starts a piece at its known line', () => {
    const r = new LineResolver([{ index: 0, file: 'a', start: 1000, firstLine: 41 }, { index: 1, file: 'a', start: 2000 }], new Map([[0, 5]]));
    const x: LocalLine = { file: 'a', offset: 2100, line: 0, resolved: false };
    r.resolve(x);
    expect(x.line).toBe(41 + 5 + 1);
  });
});

describe('CompiledForest', () => {
  it('scoreAtLeast gives the exact score at or above the cut and stops early below it', () => {
    const rng = mulberry32(21);
    const rows = Array.from({ length: 2000 }, () => Array.from({ length: 6 }, () => rng() * (rng() < 0.03 ? 12 : 1)));
    const c = new CompiledForest(CompiledForest.of(SeededForest.train(rows, { trees: 100, sample_size: 256, seed: 4 })));
    const scores = rows.map((r) => c.score(Float64Array.from(r)));
    const sorted = [...scores].sort((a, b) => b - a);
    for (const cut of [sorted[0]!, sorted[19]!, sorted[199]!, sorted[1999]!, 0.99, 0.01]) {
      for (let k = 0; k < rows.length; k++) {
        const got = c.scoreAtLeast(Float64Array.from(rows[k]!), cut);
        if (scores[k]! >= cut) expect(got).toBe(scores[k]);
        else expect(got).toBeLessThan(cut);
      }
    }
  });

  it('scores exactly as the forest it was compiled from', () => {
    const rng = mulberry32(9);
    const rows = Array.from({ length: 300 }, () => Array.from({ length: 5 }, () => rng() * (rng() < 0.05 ? 10 : 1)));
    const forest = SeededForest.train(rows, { trees: 20, sample_size: 64, seed: 1 });
    const c = new CompiledForest(CompiledForest.of(forest));
    for (const r of rows.slice(0, 50)) expect(c.score(Float64Array.from(r))).toBeCloseTo(forest.score(r), 12);
  });

  it('a residual forest scores a vector in any context exactly as the full forest', () => {
    const rng = mulberry32(11);
    const rows = Array.from({ length: 400 }, () => Array.from({ length: 7 }, () => rng() * (rng() < 0.05 ? 10 : 1)));
    const c = new CompiledForest(CompiledForest.of(SeededForest.train(rows, { trees: 30, sample_size: 128, seed: 2 })));
    for (const r of rows.slice(0, 20)) {
      const x = Float64Array.from(r);
      const res = c.residual(x, 4, 5);
      for (let k = 0; k < 30; k++) {
        const ctx = new Float64Array(7);
        ctx[4] = rng() * (k % 3 === 0 ? 10 : 1);
        ctx[5] = k % 5 === 0 ? r[5]! : rng();
        const y = Float64Array.from(x);
        y[4] = ctx[4];
        y[5] = ctx[5];
        expect(res.score(ctx)).toBe(c.score(y)); // the same sums, not merely close
      }
    }
  });
});

describe('RuleChecker', () => {
  const checker = new RuleChecker({
    errorLevels: [5, 6, 7], criticalLevels: [6, 7], slowMs: 1000,
    rules: [{ name: 'oom', pattern: 'out of memory', flags: 'i', level: 6 }, { name: 'db', pattern: 'database', flags: '', level: -1 }],
  });
  it('names every finding and combines their priors', () => {
    const types: string[] = [];
    const keep = checker.check(5, 'Out of memory in database pool', 1500, types);
    expect(types).toEqual(['ERROR_LEVEL', 'PATTERN:oom', 'PATTERN:db', 'SLOW_RESPONSE']);
    expect(keep).toBeCloseTo((1 - PRIORS.error) * (1 - PRIORS.patternCritical) * (1 - PRIORS.patternError) * (1 - PRIORS.slow), 12);
    const none: string[] = [];
    expect(checker.check(2, 'Database is fine', 20, none)).toBe(1);
    expect(none).toEqual([]);
  });
});

describe('piecesOf', () => {
  it('reads the spans of candidate minutes, merged when close, each starting at its first line', () => {
    const model = { context: { services: ['a'], keys: [], errRate: [], rtMean: [] }, candidates: [1 * 2, 2 * 2, 9 * 2 + 1] } as unknown as LineModelJSON;
    const file = new URL(import.meta.url).pathname;
    const span = (minute: number, offset: number, line: number, last: number): MinuteSpan => ({ file, minute: minute * 60_000, offset, line, resolved: true, last });
    const pieces = piecesOf([span(0, 0, 1, 90), span(1, 100, 11, 190), span(2, 200, 21, 290), span(5, 5 << 20, 501, (5 << 20) + 90), span(9, 10 << 20, 901, (10 << 20) + 50)], model, new Map());
    expect(pieces.map((p) => [p.start, p.end, p.firstLine])).toEqual([[100, 291, 10], [10 << 20, (10 << 20) + 51, 900]]);
  });
});
