/**
 * The traffic profile: how many lines each minute of the span gets. Business hours (UTC) are
 * busy, nights quiet, weekends at about half; per-minute noise wanders so no two days match.
 */
import { Rng } from './rng.js';

/** Milliseconds in a minute. */
export const MINUTE = 60_000;
/** Milliseconds in a day. */
export const DAY = 86_400_000;

// Relative load per UTC hour 0..23: night trough, morning ramp, lunch dip at 12-13, evening tail.
const HOURLY = [0.16, 0.12, 0.1, 0.1, 0.12, 0.18, 0.3, 0.5, 0.75, 0.95, 1.0, 0.98, 0.86, 0.9, 0.97, 1.0, 0.96, 0.88, 0.7, 0.55, 0.45, 0.38, 0.3, 0.22];
const WEEKEND = 0.45;

/** Relative load at time t in 0..1 (no noise): the shape that traffic, latency and error rate follow. */
export function load(t: number): number {
  const dayMs = ((t % DAY) + DAY) % DAY;
  const h = dayMs / 3_600_000;
  const i = Math.floor(h);
  const f = h - i;
  // Linear interpolation between hour centres keeps minute counts free of hourly steps.
  const a = HOURLY[i]!;
  const b = HOURLY[(i + 1) % 24]!;
  const dow = new Date(t).getUTCDay();
  const weekend = dow === 0 || dow === 6 ? WEEKEND : 1;
  return (a + (b - a) * f) * weekend;
}

/** Weight of each minute of [start, start + minutes*60s): load times a slowly wandering noise term. */
export function minuteWeights(start: number, minutes: number, seed: number, volume: (t: number) => number): Float64Array {
  const rng = new Rng(seed, 0x7a);
  const w = new Float64Array(minutes);
  let ar = 0;
  for (let m = 0; m < minutes; m++) {
    // AR(1) noise: consecutive minutes are correlated, as real traffic is.
    ar = 0.85 * ar + 0.35 * rng.normal();
    const t = start + m * MINUTE;
    w[m] = (load(t + MINUTE / 2) * Math.exp(0.12 * ar) + 0.005) * volume(t + MINUTE / 2);
  }
  return w;
}

/** Split `lines` over the minutes in proportion to their weights; the counts sum to exactly `lines`. */
export function allocateLines(weights: Float64Array, lines: number): Uint32Array {
  let total = 0;
  for (let m = 0; m < weights.length; m++) total += weights[m]!;
  const out = new Uint32Array(weights.length);
  let acc = 0;
  let given = 0;
  for (let m = 0; m < weights.length; m++) {
    acc += weights[m]!;
    // Rounding the cumulative share (not each minute's) keeps the total exact and the error below one line.
    const upTo = m === weights.length - 1 ? lines : Math.min(lines, Math.round((acc / total) * lines));
    out[m] = upTo - given;
    given = upTo;
  }
  return out;
}

