/**
 * Incidents (S4's three rules) over the per-minute, per-service counts of the engine's pass,
 * with DetectionConfig.incidents (defaults: 30% errors in a 10-minute window with at least 20
 * lines; latency above 2x the service's P95; 3 services failing within 5 minutes).
 *
 * - high_error_rate: a service's error share over a sliding window exceeds `threshold`, with at
 *   least `min_events` lines in the window. Windows of `window` and of `window / 2` are both
 *   tried: a 5-minute outage at 40% is diluted below 30% by any 10-minute window around it, yet
 *   it is exactly what the rule is for. Flagged windows of a service that overlap or touch are
 *   one incident, trimmed to its first and last minute that is itself above the threshold.
 * - latency_degradation: a minute is slow when the service's mean latency exceeds `factor` x the
 *   service's P95 over the whole run (its baseline). A mean is dragged up by a single timed-out
 *   call (a 10 s timeout among 5 requests), and such minutes nearly always carry that call's
 *   error, so a slow minute with errors proves little, and neither do runs of them: an hour in
 *   which timeouts are frequent makes runs of 6 or more slow minutes. Measured on 31 generated
 *   2-day runs away from the injected incidents: 11,533 slow service-minutes in 577,943, only
 *   24 of them without an error, 3 of those with 2 lines or more. So slow minutes less than
 *   `window` apart form an episode, which is an incident when (a) two or more of its minutes
 *   are slow, (b) one of them had 2 lines or more and no error at all (every request got slower,
 *   not a few timed out), and (c) the window it spans (at least `window` long, ending at its
 *   last slow minute) holds `min_events` lines. A slowdown whose every minute also fails shows
 *   up as high_error_rate instead, and in the forest.
 * - cascading_failure: the start times of high_error_rate incidents, chained while consecutive
 *   starts are at most `cascade.window` apart; a chain in which `cascade.services` distinct
 *   services start failing within `cascade.window` of one another is a cascade. Its services
 *   are listed in onset order, the first being the likely root.
 *
 * Severity: cascades are CRITICAL. Error rate: CRITICAL at >= 2x the threshold (60% by default),
 * HIGH at >= 1.5x, else MEDIUM. Latency: CRITICAL when the worst minute is >= 4 x factor x P95,
 * HIGH at >= 2 x factor x P95, else MEDIUM.
 *
 * Root-cause hint: the earliest example error line (JobResults.evidence) of the incident's
 * service inside its window (for a cascade, of the service that failed first), quoted in the
 * description. The evidence keeps each service's first error line of every minute, so this is
 * the service's first error in the window.
 */
import { sameRun, windowStart } from '../analytics/axis.js';
import type { JobResults } from '../analytics/results.js';
import type { EvidenceRow } from '../analytics/evidence.js';
import type { DetectionConfig } from '../config/types.js';
import { minuteRange, serviceMinutes, type MinuteRange, type ServiceMinutes } from './minutes.js';
import { MINUTE, round, type IncidentRow, type IncidentType, type Severity } from './types.js';

/** The incident rules' settings (DetectionConfig.incidents; windows in ms). */
export type IncidentConfig = DetectionConfig['incidents'];

/** An incident before it is flattened to a CSV row. */
export interface DetectedIncident {
  type: IncidentType;
  severity: Severity;
  /** First minute (ms). */
  start: number;
  /** End of the last minute (ms, exclusive). */
  end: number;
  /** Affected services; a cascade lists them in onset order. */
  services: string[];
  /** Error rate: worst window's rate; latency: worst minute's mean / P95 baseline; cascade: service count. */
  peak: number;
  /** What was seen, with numbers (no root cause yet). */
  summary: string;
  /** The earliest example error line of the incident's services in its window. */
  rootCause: EvidenceRow | null;
  /** Error rate over the first minute and the one before it (high_error_rate): orders onsets within a minute. */
  onsetRate?: number;
}

const pct = (x: number): string => `${round(x * 100, 1)}%`;
const ms = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`;
/** Minute as ISO 8601 without seconds: descriptions are read by people. */
const at = (t: number): string => `${new Date(t).toISOString().slice(0, 16)}Z`;
const minutes = (n: number): string => `${n} minute${n === 1 ? '' : 's'}`;

function prefix(a: Float64Array): Float64Array {
  const p = new Float64Array(a.length + 1);
  for (let i = 0; i < a.length; i++) p[i + 1] = p[i]! + a[i]!;
  return p;
}

function windowMinutes(windowMs: number): number {
  return Math.max(1, Math.round(windowMs / MINUTE));
}

/** S4 rule 1 on one service: error share over a sliding window above the threshold. */
export function errorRateIncidents(s: ServiceMinutes, range: MinuteRange, cfg: IncidentConfig['error_rate']): DetectedIncident[] {
  const w = windowMinutes(cfg.window);
  const lengths = [...new Set([w, Math.ceil(w / 2)])];
  const e = prefix(s.errors);
  const t = prefix(s.total);
  // flagged windows [a, b] (inclusive minute slots) with their rate
  const flagged: { a: number; b: number; rate: number; len: number }[] = [];
  for (let b = 0; b < range.n; b++) {
    for (const len of lengths) {
      const a = windowStart(range, b, len);
      const lines = t[b + 1]! - t[a]!;
      const errs = e[b + 1]! - e[a]!;
      if (lines >= cfg.min_events && errs / lines > cfg.threshold) flagged.push({ a, b, rate: errs / lines, len });
    }
  }
  flagged.sort((x, y) => x.a - y.a || x.b - y.b);
  const out: DetectedIncident[] = [];
  let i = 0;
  while (i < flagged.length) {
    let { a, b } = flagged[i]!;
    let worst = flagged[i]!;
    let j = i + 1;
    // windows that overlap or touch belong to one incident (touching across a break in the axis is not)
    while (j < flagged.length && (flagged[j]!.a <= b || (flagged[j]!.a === b + 1 && sameRun(range, b, b + 1)))) {
      b = Math.max(b, flagged[j]!.b);
      if (flagged[j]!.rate > worst.rate) worst = flagged[j]!;
      j++;
    }
    i = j;
    const hot = (k: number): boolean => s.total[k]! > 0 && s.errors[k]! / s.total[k]! > cfg.threshold;
    while (a < b && !hot(a)) a++;
    while (b > a && !hot(b)) b--;
    const lines = t[b + 1]! - t[a]!;
    const errs = e[b + 1]! - e[a]!;
    const start = range.starts[a]!;
    const end = range.starts[b]! + MINUTE;
    const severity: Severity = worst.rate >= 2 * cfg.threshold ? 'CRITICAL' : worst.rate >= 1.5 * cfg.threshold ? 'HIGH' : 'MEDIUM';
    const a0 = a > range.runStart[a]! ? a - 1 : a;
    const onsetLines = t[a + 1]! - t[a0]!;
    out.push({
      type: 'high_error_rate', severity, start, end, services: [s.service], peak: worst.rate, rootCause: null,
      onsetRate: onsetLines > 0 ? (e[a + 1]! - e[a0]!) / onsetLines : 0,
      summary: `${s.service}: ${pct(lines > 0 ? errs / lines : 0)} errors (${errs} of ${lines} lines) in ${minutes(b - a + 1)} from ${at(start)} to ${at(end)}; `
        + `worst ${worst.len}-minute window ${pct(worst.rate)} (threshold ${pct(cfg.threshold)}).`,
    });
  }
  return out;
}

/** S4 rule 2 on one service: mean latency above factor x its P95 baseline, sustained (see the module comment). */
export function latencyIncidents(s: ServiceMinutes, range: MinuteRange, p95: number, cfg: IncidentConfig): DetectedIncident[] {
  if (!(p95 > 0)) return [];
  const w = windowMinutes(cfg.error_rate.window);
  const limit = cfg.latency.factor * p95;
  const lines = prefix(s.total);
  const slow: number[] = [];
  for (let i = 0; i < range.n; i++) if (s.rtMean[i]! > limit) slow.push(i);
  const out: DetectedIncident[] = [];
  let i = 0;
  while (i < slow.length) {
    let j = i + 1;
    while (j < slow.length && range.starts[slow[j]!]! - range.starts[slow[j - 1]!]! < w * MINUTE) j++;
    const ep = slow.slice(i, j);
    i = j;
    const first = ep[0]!;
    const last = ep[ep.length - 1]!;
    // the lines of the window the episode spans (at least `window` minutes, ending at its last slow minute)
    const volume = lines[last + 1]! - lines[Math.min(first, windowStart(range, last, w))]!;
    const clean = ep.some((k) => s.errors[k] === 0 && s.total[k]! >= 2);
    if (ep.length < 2 || !clean || volume < cfg.error_rate.min_events) continue;
    const worst = ep.reduce((m, k) => Math.max(m, s.rtMean[k]!), 0);
    const ratio = worst / p95;
    const f = cfg.latency.factor;
    const severity: Severity = ratio >= 4 * f ? 'CRITICAL' : ratio >= 2 * f ? 'HIGH' : 'MEDIUM';
    const start = range.starts[first]!;
    const end = range.starts[last]! + MINUTE;
    const span = Math.round((end - start) / MINUTE);
    out.push({
      type: 'latency_degradation', severity, start, end, services: [s.service], peak: ratio, rootCause: null,
      summary: `${s.service}: mean latency above ${ms(limit)} (${f}x its P95 baseline of ${ms(p95)}) in ${ep.length} of ${span} minutes `
        + `from ${at(start)} to ${at(end)}; worst minute ${ms(worst)} (${round(ratio, 1)}x P95).`,
    });
  }
  return out;
}

/**
 * S4 rule 3: services whose error-rate incidents start within the cascade window of one another.
 * Onsets are minutes, and a cascade's services often cross the threshold in the same minute; the
 * one with the higher error rate over that minute and the one before started failing earlier.
 */
export function cascadeIncidents(failing: readonly DetectedIncident[], cfg: IncidentConfig['cascade']): DetectedIncident[] {
  const onsets = failing.filter((f) => f.type === 'high_error_rate')
    .sort((a, b) => a.start - b.start || (b.onsetRate ?? 0) - (a.onsetRate ?? 0) || a.services[0]!.localeCompare(b.services[0]!));
  const out: DetectedIncident[] = [];
  let i = 0;
  while (i < onsets.length) {
    let j = i + 1;
    while (j < onsets.length && onsets[j]!.start - onsets[j - 1]!.start <= cfg.window) j++;
    const chain = onsets.slice(i, j);
    i = j;
    let qualifies = false;
    for (let k = 0; k < chain.length && !qualifies; k++) {
      const within = new Set(chain.filter((c) => c.start >= chain[k]!.start && c.start - chain[k]!.start <= cfg.window).map((c) => c.services[0]!));
      qualifies = within.size >= cfg.services;
    }
    if (!qualifies) continue;
    const services: string[] = [];
    for (const c of chain) if (!services.includes(c.services[0]!)) services.push(c.services[0]!);
    const start = chain[0]!.start;
    const end = chain.reduce((m, c) => Math.max(m, c.end), 0);
    const firsts = services.map((svc) => chain.find((c) => c.services[0] === svc)!);
    const spread = (firsts[firsts.length - 1]!.start - start) / MINUTE;
    out.push({
      type: 'cascading_failure', severity: 'CRITICAL', start, end, services, peak: services.length, rootCause: null,
      summary: `${services.length} services started failing ${spread === 0 ? 'in the same minute' : `within ${minutes(spread)}`}: `
        + `${firsts.map((c) => `${c.services[0]} at ${at(c.start)} (${pct(c.peak)})`).join(', ')}; ${services[0]} failed first.`,
    });
  }
  return out;
}

/** The earliest example error line of `services` in [start, end), from the per-minute evidence. */
export function firstEvidence(evidence: ReadonlyMap<number, readonly EvidenceRow[]>, start: number, end: number, services: readonly string[]): EvidenceRow | null {
  for (let m = Math.floor(start / MINUTE) * MINUTE; m < end; m += MINUTE) {
    const rows = evidence.get(m);
    if (!rows) continue;
    let best: EvidenceRow | null = null;
    for (const r of rows) {
      if (r.service === null || !services.includes(r.service)) continue;
      // rows are kept in time order already (jobs/analytics/evidence.ts); this keeps it explicit
      if (best === null || (r.timestamp ?? Infinity) < (best.timestamp ?? Infinity)) best = r;
    }
    if (best) return best;
  }
  return null;
}

const RECOMMENDATIONS: Record<IncidentType, (i: DetectedIncident) => string> = {
  high_error_rate: (i) => `Investigate ${i.services[0]}: read its errors from ${at(i.start)} (first one quoted), check its dependencies `
    + '(database, cache, upstream calls) and any deploy or config change just before; roll back or fail over if the rate does not fall.',
  latency_degradation: (i) => `Check ${i.services[0]} for resource exhaustion (heap growth and GC pauses, CPU, connection and thread pools) `
    + 'and for slow dependencies; restart or scale out the affected instances and confirm latency returns to baseline.',
  cascading_failure: (i) => `IMMEDIATE: possible system-wide failure. Fix ${i.services[0]} first (it failed first), then confirm `
    + `${i.services.slice(1).join(', ')} recover; check shared infrastructure (network, database, configuration) and use circuit breakers or load shedding to stop the spread.`,
};

/** Flatten an incident to its incidents.csv row; the root-cause hint goes in the description. */
export function toIncidentRow(i: DetectedIncident): IncidentRow {
  const rc = i.rootCause;
  const hint = rc
    ? ` First error: ${rc.timestamp === null ? '' : `${new Date(rc.timestamp).toISOString()} `}${rc.service ?? '-'} ${rc.level} ${rc.message.slice(0, 200)}`
    : '';
  return {
    start: i.start, end: i.end, type: i.type, severity: i.severity, services: i.services.join(';'),
    description: i.summary + hint, recommendation: RECOMMENDATIONS[i.type](i),
  };
}

const SEVERITY_ORDER: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2 };

/** All three rules over the run's minute tables, each incident with its root-cause hint; sorted by start. */
export function detectIncidentList(
  results: Pick<JobResults, 'minutes' | 'minuteServices' | 'services' | 'evidence'>,
  cfg: IncidentConfig,
): DetectedIncident[] {
  const range = minuteRange(results);
  if (!range) return [];
  const svcs = serviceMinutes(results, range);
  const p95 = new Map(results.services.map((s) => [s.service, s.rtP95]));
  const failing = svcs.flatMap((s) => errorRateIncidents(s, range, cfg.error_rate));
  const slow = svcs.flatMap((s) => latencyIncidents(s, range, p95.get(s.service) ?? Number.NaN, cfg));
  const all = [...failing, ...slow, ...cascadeIncidents(failing, cfg.cascade)];
  for (const i of all) {
    // a cascade's hint is its root's first error: a dependent's breaker message is a symptom
    i.rootCause = firstEvidence(results.evidence, i.start, i.end, i.services.slice(0, 1)) ?? firstEvidence(results.evidence, i.start, i.end, i.services);
  }
  return all.sort((a, b) => a.start - b.start || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.type.localeCompare(b.type)
    || a.services.join(';').localeCompare(b.services.join(';')));
}

/** incidents.csv rows of the run (see detectIncidentList). */
export function detectIncidents(results: Pick<JobResults, 'minutes' | 'minuteServices' | 'services' | 'evidence'>, cfg: IncidentConfig): IncidentRow[] {
  return detectIncidentList(results, cfg).map(toIncidentRow);
}
