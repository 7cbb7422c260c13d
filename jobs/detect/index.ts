/**
 * Detection over the merged results of the job's one pass: z-score spikes and isolation-forest
 * windows (anomalies.csv), S4's incident rules (incidents.csv), the health score, and the top
 * anomalous minutes with example lines. Pure functions: no I/O, same input -> same output.
 */
import type { DDSketch } from '@datadog/sketches-js';
import type { EvidenceRow } from '../analytics/evidence.js';
import type { JobResults } from '../analytics/results.js';
import type { DetectionConfig } from '../config/types.js';
import { forestAnomalies, type TemplateCounts } from './forest.js';
import { healthScore, SLOW_MS, type Health, type HealthInputs } from './health.js';
import { detectIncidentList, toIncidentRow } from './incidents.js';
import { minuteRange } from './minutes.js';
import { errorSeries, zscoreAnomalies } from './zscore.js';
import { ALL_SCOPE, type AnomalyRow, type ForestScore, type IncidentRow, type Severity } from './types.js';

export * from './types.js';
export { zscoreAnomalies, errorSeries, zScale, type CountSeries, type ZScoreMode, type ZScoreOptions } from './zscore.js';
export { forestAnomalies, buildFeatures, scoreFeatureSet, SeededForest, mulberry32, averagePathLength, type ForestOptions, type TemplateCounts, type FeatureSet } from './forest.js';
export { detectIncidents, detectIncidentList, errorRateIncidents, latencyIncidents, cascadeIncidents, firstEvidence, toIncidentRow, type DetectedIncident, type IncidentConfig } from './incidents.js';
export { healthScore, healthStatus, SLOW_MS, type Health, type HealthInputs, type HealthStatus } from './health.js';
export { correlatedPairs, type CorrelatedPair, type CorrelateOptions, type TemplateId } from './correlate.js';

/** Optional inputs and knobs of detect(). */
export interface DetectOptions extends TemplateCounts {
  /** Requests slower than this (ms) are slow in the health score (default 1000). */
  slowMs?: number;
  /** How many anomalous minutes get example lines (default 20). */
  topAnomalies?: number;
}

/** An anomalous minute with the rows that flagged it and example error lines from it. */
export interface AnomalyEvidence {
  minute: number;
  anomalies: AnomalyRow[];
  examples: EvidenceRow[];
}

/** Everything detect() finds. */
export interface Detection {
  /** anomalies.csv rows, by time, then scope, then detector. */
  anomalies: AnomalyRow[];
  /** incidents.csv rows, by start. */
  incidents: IncidentRow[];
  /** Every forest window's score (all scopes), for the dashboard's chart. */
  forestScores: ForestScore[];
  health: Health;
  /** What the health score was computed from. */
  healthInputs: HealthInputs;
  /** The most anomalous minutes with example lines (JobResults.evidence). */
  topAnomalies: AnomalyEvidence[];
}

/** Share of a sketch's values above `limit` (>= 0), to the sketch's relative accuracy, counted over its bins. */
export function shareAbove(sketch: DDSketch, limit: number): number {
  if (sketch.count === 0) return 0;
  // inverting quantiles would be off by one value per sketch, which is most of it in a quiet minute
  const { bins, offset } = sketch.store;
  let above = 0;
  for (let i = 0; i < bins.length; i++) if (bins[i]! > 0 && sketch.mapping.value(i + offset) > limit) above += bins[i]!;
  // zeros and negative values (the other stores) are never above a non-negative limit
  return above / sketch.count;
}

/** The health score's inputs from the run's tables (formulas in health.ts). */
export function healthInputs(results: JobResults, anomalies: readonly AnomalyRow[], incidents: readonly IncidentRow[], slowMs = SLOW_MS): HealthInputs {
  let lines = 0;
  let errors = 0;
  for (const m of results.minutes) {
    lines += m.total;
    errors += m.errors;
  }
  const errorRate = lines > 0 ? errors / lines : 0;
  let withStatus = 0;
  let ok = 0;
  for (const s of results.services) {
    withStatus += s.withStatus;
    ok += s.okStatus;
  }
  // the whole run's sketch (every record with a latency, with or without a timestamp)
  const sk = results.latencySketch;
  const timed = sk ? sk.count : 0;
  const slow = sk ? sk.count * shareAbove(sk, slowMs) : 0;
  const range = minuteRange(results);
  const flagged = new Set(anomalies.filter((a) => a.scope === ALL_SCOPE).map((a) => a.timestamp));
  const events = incidentEvents(incidents);
  const count = (sev: Severity): number => events.filter((e) => e === sev).length;
  return {
    errorRate,
    slowRate: timed > 0 ? slow / timed : 0,
    successRate: withStatus > 0 ? ok / withStatus : 1 - errorRate,
    anomalyRate: range ? flagged.size / range.n : 0,
    incidents: { critical: count('CRITICAL'), high: count('HIGH'), medium: count('MEDIUM') },
  };
}

const SEVERITY_RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2 };

/**
 * Severity of each distinct event: incidents that overlap in time and share a service are one
 * event, at its worst severity. A cascade of four services is five rows of incidents.csv (the
 * cascade and each service's error rate) and an outage often breaks both the error-rate and the
 * latency rule; the health score should pay for each event once.
 */
export function incidentEvents(incidents: readonly IncidentRow[]): Severity[] {
  const parent = incidents.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const svcs = incidents.map((i) => new Set(i.services.split(';')));
  for (let a = 0; a < incidents.length; a++) {
    for (let b = a + 1; b < incidents.length; b++) {
      const x = incidents[a]!;
      const y = incidents[b]!;
      if (x.start < y.end && y.start < x.end && [...svcs[a]!].some((s) => svcs[b]!.has(s))) parent[find(a)] = find(b);
    }
  }
  const worst = new Map<number, Severity>();
  incidents.forEach((inc, i) => {
    const root = find(i);
    const cur = worst.get(root);
    if (cur === undefined || SEVERITY_RANK[inc.severity] < SEVERITY_RANK[cur]) worst.set(root, inc.severity);
  });
  return [...worst.values()];
}

/** How far past its cut the worst of `rows` is: score / threshold (the score when the threshold is not positive). */
export function anomalyExcess(rows: readonly AnomalyRow[]): number {
  return Math.max(...rows.map((a) => (a.threshold > 0 ? a.score / a.threshold : a.score)));
}

/**
 * The `n` most anomalous minutes, each with up to `perMinute` example lines: minutes flagged by
 * more scopes and detectors first, then by how far the worst row passed its threshold. Lines of
 * the flagged services come first.
 */
export function topAnomaliesWithEvidence(
  anomalies: readonly AnomalyRow[],
  evidence: ReadonlyMap<number, readonly EvidenceRow[]>,
  n: number,
  perMinute: number,
): AnomalyEvidence[] {
  const byMinute = new Map<number, AnomalyRow[]>();
  for (const a of anomalies) {
    let l = byMinute.get(a.timestamp);
    if (!l) byMinute.set(a.timestamp, (l = []));
    l.push(a);
  }
  return [...byMinute.entries()]
    .sort(([ta, a], [tb, b]) => b.length - a.length || anomalyExcess(b) - anomalyExcess(a) || ta - tb)
    .slice(0, n)
    .map(([minute, rows]) => {
      const scopes = new Set(rows.map((a) => a.scope));
      const lines = evidence.get(minute) ?? [];
      const mine = lines.filter((r) => r.service !== null && scopes.has(r.service));
      const examples = [...mine, ...lines.filter((r) => !mine.includes(r))].slice(0, perMinute);
      return { minute, anomalies: rows, examples };
    });
}

const DETECTOR_ORDER = { zscore: 0, forest: 1 } as const;

/** Run every enabled detector, the incident rules and the health score over a run's results (detection.enabled false: the health score alone). */
export function detect(results: JobResults, config: DetectionConfig, opts: DetectOptions = {}): Detection {
  const anomalies: AnomalyRow[] = [];
  if (config.enabled && config.zscore.enabled) {
    for (const series of errorSeries(results, config.zscore.per_service)) {
      anomalies.push(...zscoreAnomalies(series, { threshold: config.zscore.threshold, mode: config.zscore.mode, window: config.zscore.window }));
    }
  }
  let forestScores: ForestScore[] = [];
  if (config.enabled && config.isolation_forest.enabled) {
    const f = forestAnomalies(results, config.isolation_forest, opts);
    anomalies.push(...f.anomalies);
    forestScores = f.scores;
  }
  anomalies.sort((a, b) => a.timestamp - b.timestamp || (a.scope === b.scope ? 0 : a.scope === ALL_SCOPE ? -1 : b.scope === ALL_SCOPE ? 1 : a.scope < b.scope ? -1 : 1)
    || DETECTOR_ORDER[a.detector] - DETECTOR_ORDER[b.detector]);
  const incidents = config.enabled ? detectIncidentList(results, config.incidents).map(toIncidentRow) : [];
  const inputs = healthInputs(results, anomalies, incidents, opts.slowMs);
  return {
    anomalies,
    incidents,
    forestScores,
    health: healthScore(inputs),
    healthInputs: inputs,
    topAnomalies: topAnomaliesWithEvidence(anomalies, results.evidence, opts.topAnomalies ?? 20, config.evidence.per_minute),
  };
}
