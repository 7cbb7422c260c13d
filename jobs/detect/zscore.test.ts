import { describe, expect, it } from 'vitest';
import { errorSeries, zScale, zscoreAnomalies, type CountSeries } from './zscore.js';
import { resultsFromServices } from './testing.js';
import { MINUTE } from './types.js';

const T0 = Date.UTC(2025, 0, 10, 12, 0);
const series = (values: number[], scope = 'all'): CountSeries => ({ scope, minutes: values.map((_, i) => T0 + i * MINUTE), values });

describe('zscoreAnomalies', () => {
  it('global: mean and population std of the whole series, strict z > threshold', () => {
    // mean 3.8, std 5.4: the 20 has z = 16.2 / 5.4 = 3 exactly
    const s = series([2, 2, 2, 2, 2, 2, 2, 2, 2, 20]);
    expect(zscoreAnomalies(s, { mode: 'global', threshold: 3, window: 0 })).toEqual([]);
    expect(zscoreAnomalies(s, { mode: 'global', threshold: 2.5, window: 0 })).toEqual([{
      timestamp: T0 + 9 * MINUTE, scope: 'all', detector: 'zscore', value: 20, score: 3, threshold: 2.5,
      details: 'errors=20 vs mean 3.8, std 5.4 (global)',
    }]);
  });

  it('rolling: baseline is the trailing window before the minute, scored once half a window of history exists', () => {
    // window 4 minutes: minute 4 sees [1, 3, 1, 3] -> mean 2, std 1, scale max(1, sqrt 2, 1) = 1.41421 -> z = 7.071
    const rows = zscoreAnomalies(series([1, 3, 1, 3, 12, 2], 'auth'), { mode: 'rolling', threshold: 3, window: 4 * MINUTE });
    expect(rows).toEqual([{
      timestamp: T0 + 4 * MINUTE, scope: 'auth', detector: 'zscore', value: 12, score: 7.071, threshold: 3,
      details: 'errors=12 vs mean 2, std 1 (rolling 4m)',
    }]);
    // the first ceil(4 / 2) = 2 minutes have too little history to be scored
    expect(zscoreAnomalies(series([50, 0, 0, 0]), { mode: 'rolling', threshold: 3, window: 4 * MINUTE })).toEqual([]);
  });

  it('robust: median and 1.4826 x MAD, which the spike itself cannot inflate', () => {
    // median 100, MAD 20 -> sigma 29.652; 300 has z = 200 / 29.652 = 6.745; 140 has 1.349
    const rows = zscoreAnomalies(series([100, 140, 60, 100, 300, 100, 120, 80]), { mode: 'robust', threshold: 3, window: 0 });
    expect(rows).toEqual([{
      timestamp: T0 + 4 * MINUTE, scope: 'all', detector: 'zscore', value: 300, score: 6.745, threshold: 3,
      details: 'errors=300 vs median 100, MAD-sigma 29.65 (robust)',
    }]);
    // the same series in global mode: the spike inflates the std (z = 2.47) and hides itself
    expect(zscoreAnomalies(series([100, 140, 60, 100, 300, 100, 120, 80]), { mode: 'global', threshold: 3, window: 0 })).toEqual([]);
  });

  it('floors the scale at max(1, sqrt(centre)): 1 -> 2 errors and 100 -> 110 are not spikes', () => {
    // std 0.6 would give z = 3; the floor of 1 gives 1.8
    expect(zscoreAnomalies(series([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]), { mode: 'global', threshold: 2.5, window: 0 })).toEqual([]);
    // std 3 would give z = 3; the Poisson floor sqrt(101) gives 0.9
    expect(zscoreAnomalies(series([100, 100, 100, 100, 100, 100, 100, 100, 100, 110]), { mode: 'global', threshold: 2.5, window: 0 })).toEqual([]);
    // flat zero history: MAD 0, the floor of 1 makes 4 errors z = 4
    expect(zscoreAnomalies(series([0, 0, 0, 0, 0, 0, 0, 4]), { mode: 'robust', threshold: 3, window: 0 }).map((r) => r.score)).toEqual([4]);
    expect(zScale(0.2, 0.6)).toBe(1);
    expect(zScale(101, 3)).toBeCloseTo(Math.sqrt(101), 12);
    expect(zScale(4, 7)).toBe(7);
  });

  it('never flags drops', () => {
    expect(zscoreAnomalies(series([10, 10, 10, 10, 10, 10, 10, 0]), { mode: 'robust', threshold: 1, window: 0 })).toEqual([]);
  });
});

describe('rolling baseline across a break', () => {
  it('takes its history from the minute\'s own run of consecutive minutes only', () => {
    // two runs of 6 minutes, a decade apart: the second run's history starts at its first minute
    const late = T0 + 10 * 365 * 86_400_000;
    const values = [9, 9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 9];
    const minutes = values.map((_, i) => (i < 6 ? T0 : late) + (i % 6) * MINUTE);
    const runStart = values.map((_, i) => (i < 6 ? 0 : 6));
    const rows = zscoreAnomalies({ scope: 'all', minutes, runStart, values }, { mode: 'rolling', threshold: 3, window: 10 * MINUTE });
    // against 1, 1, 1, 1, 1 the last 9 is a spike; had the history reached back into the first run
    // (mean 5 over ten minutes, std 4), it would not be
    expect(rows.map((r) => r.timestamp)).toEqual([late + 5 * MINUTE]);
    expect(zscoreAnomalies({ scope: 'all', minutes, values }, { mode: 'rolling', threshold: 3, window: 10 * MINUTE })).toEqual([]);
  });
});

describe('errorSeries', () => {
  it('fills minutes without logs with zeros, for the whole system and per service', () => {
    // minute 1 has no logs at all; auth has no logs in minute 2
    const r = resultsFromServices({
      auth: { total: [5, 0, 0, 4], errors: [1, 0, 0, 2] },
      search: { total: [3, 0, 6, 1], errors: [0, 0, 3, 1] },
    }, { first: T0 });
    const shape = (s: CountSeries): unknown => ({ scope: s.scope, minutes: Array.from(s.minutes), values: s.values });
    const minutes = [0, 1, 2, 3].map((i) => T0 + i * MINUTE);
    expect(errorSeries(r, true).map(shape)).toEqual([
      { scope: 'all', minutes, values: [1, 0, 3, 3] },
      { scope: 'auth', minutes, values: [1, 0, 0, 2] },
      { scope: 'search', minutes, values: [0, 0, 3, 1] },
    ]);
    expect(errorSeries(r, false)).toHaveLength(1);
    expect(errorSeries(resultsFromServices({}), true)).toEqual([]);
  });
});
