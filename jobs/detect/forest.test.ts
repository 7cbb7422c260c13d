import { describe, expect, it } from 'vitest';
import { averagePathLength, buildFeatures, forestAnomalies, mulberry32, scoreFeatureSet, SeededForest, type ForestOptions } from './forest.js';
import { fill, resultsFromServices } from './testing.js';
import { MINUTE } from './types.js';

const OPTS: ForestOptions = { trees: 100, sample_size: 64, contamination: 0.02, seed: 42 };

/** 300 points of a 2-D standard normal cloud (seeded Box-Muller) and one far outlier at index 150. */
function cloud(seed: number): number[][] {
  const rng = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const rows = Array.from({ length: 300 }, () => [normal(), normal()]);
  rows[150] = [8, -8];
  return rows;
}

describe('SeededForest', () => {
  it('is deterministic for a seed, and another seed grows other trees', () => {
    const rows = cloud(1);
    const a = SeededForest.train(rows, OPTS);
    const b = SeededForest.train(rows, OPTS);
    const c = SeededForest.train(rows, { ...OPTS, seed: 43 });
    const sa = rows.map((r) => a.score(r));
    expect(rows.map((r) => b.score(r))).toEqual(sa);
    expect(rows.map((r) => c.score(r))).not.toEqual(sa);
  });

  it('scores every row tree by tree exactly as row by row', () => {
    const rows = cloud(3);
    const f = SeededForest.train(rows, OPTS);
    // equal to the last bit: the same path lengths added in the same tree order
    expect(Array.from(f.scoreAll(rows))).toEqual(rows.map((r) => f.score(r)));
    expect(Array.from(SeededForest.train([[1, 2]], OPTS).scoreAll([[1, 2], [3, 4]]))).toEqual([0.5, 0.5]);
  });

  it('scores an obvious outlier highest, in 0..1, with ordinary points near or below 0.5', () => {
    const rows = cloud(2);
    const f = SeededForest.train(rows, OPTS);
    const s = rows.map((r) => f.score(r));
    const top = s.indexOf(Math.max(...s));
    expect(top).toBe(150);
    expect(s[150]).toBeGreaterThan(0.7);
    expect(Math.min(...s)).toBeGreaterThan(0);
    const sorted = [...s].sort((x, y) => x - y);
    expect(sorted[150]!).toBeLessThan(0.5); // the median point
  });

  it('restores Math.random after training, even when training throws', () => {
    const random = Math.random;
    SeededForest.train(cloud(3), OPTS);
    expect(Math.random).toBe(random);
    expect(() => SeededForest.train([null as unknown as number[], [1]], { ...OPTS, sample_size: 2 })).toThrow();
    expect(Math.random).toBe(random);
  });

  it('uses the paper path normaliser c(n)', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // c(256) = 2 (ln 255 + 0.5772) - 2 * 255 / 256
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 12);
  });
});

describe('forestAnomalies', () => {
  const T0 = Date.UTC(2025, 0, 10, 0, 0);
  // 400 quiet minutes of two services with a little noise, and one minute where api errors spike
  const n = 400;
  const rng = mulberry32(7);
  const noisy = (base: number): number[] => Array.from({ length: n }, () => base + Math.floor(rng() * 5));
  const apiErrors = Array.from({ length: n }, (): number => (rng() < 0.3 ? 1 : 0));
  apiErrors[200] = 40;
  const results = resultsFromServices({
    api: { total: noisy(50), errors: apiErrors, rtMean: Array.from({ length: n }, () => 80 + rng() * 10) },
    db: { total: noisy(30), errors: fill(n, 0), rtMean: Array.from({ length: n }, () => 20 + rng() * 4) },
  }, { first: T0 });

  it('flags the outlying window with the features that stand out, cut at the contamination quantile', () => {
    const { anomalies, scores } = forestAnomalies(results, OPTS);
    expect(scores).toHaveLength(3 * n); // 'all', api, db
    const api = anomalies.filter((a) => a.scope === 'api');
    expect(api.length).toBeGreaterThan(0);
    expect(api.length).toBeLessThanOrEqual(Math.ceil(0.02 * n));
    const top = [...scores.filter((s) => s.scope === 'api')].sort((a, b) => b.score - a.score)[0]!;
    expect(top.minute).toBe(T0 + 200 * MINUTE);
    const row = api.find((a) => a.timestamp === T0 + 200 * MINUTE)!;
    expect(row.detector).toBe('forest');
    expect(row.score).toBeGreaterThan(row.threshold);
    // error_rate 40/54 = 0.741 leads, then the raw count, then api's share of the minute
    expect(row.details).toBe('error_rate=0.741 (z=19.5), errors=40 (z=9.9), share=0.643 (z=1.9)');
    expect(Object.keys(row)).toEqual(['timestamp', 'scope', 'detector', 'value', 'score', 'threshold', 'details']);
  });

  it('gives the same rows for the same seed', () => {
    expect(forestAnomalies(results, OPTS)).toEqual(forestAnomalies(results, OPTS));
  });

  it('builds the documented features, with optional template counts', () => {
    const sets = buildFeatures(results, { templatesPerMinute: new Map([[T0, 3]]), newTemplatesPerMinute: new Map([[T0, 1]]) });
    expect(sets.map((s) => [s.scope, s.names])).toEqual([
      ['all', ['lines', 'error_rate', 'rt_mean', 'rt_p95', 'ips', 'templates', 'new_templates']],
      ['api', ['lines', 'share', 'errors', 'critical', 'error_rate', 'rt_mean']],
      ['db', ['lines', 'share', 'errors', 'critical', 'error_rate', 'rt_mean']],
    ]);
    expect(sets[0]!.raw[0]!.slice(-2)).toEqual([3, 1]);
    // a forest over constant features has nothing to isolate
    expect(scoreFeatureSet({ scope: 'x', names: ['lines'], minutes: [0, 1, 2], raw: [[1], [1], [1]] }, OPTS).anomalies).toEqual([]);
  });
});
