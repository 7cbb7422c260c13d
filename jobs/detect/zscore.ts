/**
 * Z-score spikes in per-minute error counts (S0), for the whole system and per service, with
 * three baselines: `global` (mean and standard deviation of the whole series, S0), `rolling`
 * (mean and standard deviation of the trailing window before each minute, S3's adaptive
 * threshold) and `robust` (median and MAD of the whole series, which a few huge minutes cannot
 * drag). Statistics come from simple-statistics.
 *
 * Minutes without logs count as 0 errors (not gaps): a service that went silent must pull its
 * baseline down, not vanish from it.
 *
 * Only spikes are flagged (z > threshold): a drop in errors is good news. The scale is floored:
 *
 *   z = (x - centre) / max(spread, sqrt(max(centre, 0)), 1)
 *
 * Error counts are Poisson-like, so a minute's count is noisy by about sqrt(mean) even when the
 * history happens to be flat, and by at least one error. Without the floor a quiet series
 * (0, 0, 1, 0, ...) has a tiny std and 1 -> 2 errors would be a "spike"; with it a spike must
 * exceed the centre by `threshold` errors at least, and 100 -> 110 is not one either.
 */
import { mean, median, medianAbsoluteDeviation, standardDeviation } from 'simple-statistics';
import type { JobResults } from '../analytics/results.js';
import { minuteRange, serviceMinutes, slot } from './minutes.js';
import { ALL_SCOPE, MINUTE, round, type AnomalyRow } from './types.js';

/** Per-minute counts of one scope: values[i] belongs to minute minutes[i] (the run's minute axis). */
export interface CountSeries {
  scope: string;
  /** Minute of each value (ms), ascending. */
  minutes: ArrayLike<number>;
  values: number[];
  /**
   * Index of the first minute of each value's run of consecutive minutes (MinuteRange.runStart):
   * a rolling baseline does not reach across a break in the axis. Absent: one run.
   */
  runStart?: ArrayLike<number>;
}

/** How the baseline of a minute is computed. */
export type ZScoreMode = 'global' | 'rolling' | 'robust';

/** Options of zscoreAnomalies (DetectionConfig.zscore without the switches). */
export interface ZScoreOptions {
  threshold: number;
  mode: ZScoreMode;
  /** Trailing baseline window of the rolling mode (ms). */
  window: number;
}

/** MAD times this estimates the standard deviation of normal data (1 / Phi^-1(3/4)). */
const MAD_TO_SIGMA = 1.4826;

/** Dense error-count series from the engine's minute tables: the global one, then one per service (sorted). */
export function errorSeries(results: Pick<JobResults, 'minutes' | 'minuteServices'>, perService: boolean): CountSeries[] {
  const range = minuteRange(results);
  if (!range) return [];
  const global = new Array<number>(range.n).fill(0);
  for (const m of results.minutes) global[slot(range, m.minute)]! += m.errors;
  const out: CountSeries[] = [{ scope: ALL_SCOPE, minutes: range.starts, runStart: range.runStart, values: global }];
  if (!perService) return out;
  // records without a service have no per-service baseline; they still count in the global series
  for (const s of serviceMinutes(results, range)) out.push({ scope: s.service, minutes: range.starts, runStart: range.runStart, values: Array.from(s.errors) });
  return out;
}

/** Centre and spread of a baseline sample for the mode. */
function baseline(sample: number[], mode: ZScoreMode): { centre: number; spread: number } {
  if (mode === 'robust') return { centre: median(sample), spread: MAD_TO_SIGMA * medianAbsoluteDeviation(sample) };
  return { centre: mean(sample), spread: sample.length > 1 ? standardDeviation(sample) : 0 };
}

/** The floored scale: see the module comment. */
export function zScale(centre: number, spread: number): number {
  return Math.max(spread, Math.sqrt(Math.max(centre, 0)), 1);
}

/**
 * Minutes of `series` whose count is a spike (z > threshold) against the mode's baseline.
 * The rolling mode scores a minute only once ceil(window / 2) minutes of history precede it.
 */
export function zscoreAnomalies(series: CountSeries, opts: ZScoreOptions): AnomalyRow[] {
  const xs = series.values;
  const rows: AnomalyRow[] = [];
  if (xs.length === 0) return rows;
  const emit = (i: number, centre: number, spread: number, label: string): void => {
    const x = xs[i]!;
    const z = (x - centre) / zScale(centre, spread);
    if (!(z > opts.threshold)) return;
    rows.push({
      timestamp: series.minutes[i]!,
      scope: series.scope,
      detector: 'zscore',
      value: x,
      score: round(z),
      threshold: opts.threshold,
      details: `errors=${x} vs ${opts.mode === 'robust' ? 'median' : 'mean'} ${round(centre, 2)}, ${opts.mode === 'robust' ? 'MAD-sigma' : 'std'} ${round(spread, 2)} (${label})`,
    });
  };
  if (opts.mode === 'rolling') {
    const w = Math.max(2, Math.round(opts.window / MINUTE));
    const minHistory = Math.ceil(w / 2);
    const label = `rolling ${w}m`;
    for (let i = 0; i < xs.length; i++) {
      // history: the trailing window within the minute's run of consecutive minutes
      const from = Math.max(series.runStart?.[i] ?? 0, i - w);
      if (i - from < minHistory) continue;
      const { centre, spread } = baseline(xs.slice(from, i), 'rolling');
      emit(i, centre, spread, label);
    }
    return rows;
  }
  const { centre, spread } = baseline(xs, opts.mode);
  for (let i = 0; i < xs.length; i++) emit(i, centre, spread, opts.mode);
  return rows;
}
