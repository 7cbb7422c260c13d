/**
 * Dense per-minute views of the engine's sparse minute tables: every minute from the first to
 * the last one with logs gets a slot, so detectors see a minute without logs as zeros rather
 * than as a gap (a silent service is news, not missing data). The slots are a time axis
 * (jobs/analytics/axis.ts): within a budget of empty minutes, so a stray timestamp decades away
 * from the rest costs a break in the axis, not millions of empty minutes.
 */
import { slotOf, timeAxis, type TimeAxis } from '../analytics/axis.js';
import type { JobResults } from '../analytics/results.js';
import { MINUTE } from './types.js';

/** The minutes covered by the run: slot i is minute starts[i] (a time axis of minutes). */
export type MinuteRange = TimeAxis;

/** One service's minutes: index i is minute range.starts[i]. */
export interface ServiceMinutes {
  service: string;
  total: Float64Array;
  errors: Float64Array;
  critical: Float64Array;
  /** Mean latency of the minute; NaN when the minute had no latency (or no logs). */
  rtMean: Float64Array;
}

/** Axes already built, by the minute table they were built from (results are not modified once merged). */
const axes = new WeakMap<JobResults['minutes'], MinuteRange | null>();

/**
 * The minute axis of the run's minutes with logs (null when no record had a timestamp). Every
 * detector and the health inputs ask for it; it is built once per minute table (a sort of the
 * minutes), and callers only read it.
 */
export function minuteRange(results: Pick<JobResults, 'minutes'>): MinuteRange | null {
  let axis = axes.get(results.minutes);
  if (axis === undefined) {
    axis = timeAxis(results.minutes.map((m) => m.minute), MINUTE);
    axes.set(results.minutes, axis);
  }
  return axis;
}

/** Slot of a minute in the range, or -1 outside it. */
export function slot(range: MinuteRange, minute: number): number {
  return slotOf(range, minute);
}

/** Dense minutes of each named service, sorted by name; records without a service are left out. */
export function serviceMinutes(results: Pick<JobResults, 'minuteServices'>, range: MinuteRange): ServiceMinutes[] {
  const by = new Map<string, ServiceMinutes>();
  for (const r of results.minuteServices) {
    if (r.service === null) continue;
    const i = slot(range, r.minute);
    if (i < 0) continue;
    let s = by.get(r.service);
    if (!s) {
      s = {
        service: r.service, total: new Float64Array(range.n), errors: new Float64Array(range.n),
        critical: new Float64Array(range.n), rtMean: new Float64Array(range.n).fill(Number.NaN),
      };
      by.set(r.service, s);
    }
    s.total[i]! += r.total;
    s.errors[i]! += r.errors;
    s.critical[i]! += r.critical;
    if (r.rtMean !== null) s.rtMean[i] = r.rtMean;
  }
  return [...by.keys()].sort().map((k) => by.get(k)!);
}
