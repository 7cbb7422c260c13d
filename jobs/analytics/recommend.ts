/**
 * S4's recommendations: what to look at first, and why, from the run's own numbers. Each one
 * names an area, the finding with its figures, and an action that points at the report to read.
 * Ordered by urgency (incidents, then errors, latency, new error types, trend, anomalies); when
 * nothing stands out, one line says so.
 */
import type { Health, HealthInputs } from '../detect/health.js';
import type { IncidentRow } from '../detect/types.js';
import type { JobResults } from './results.js';
import type { ErrorType } from './tables.js';

/** One recommendation (summary.json `recommendations`, the terminal summary). */
export interface Recommendation {
  area: 'INCIDENTS' | 'ERRORS' | 'PERFORMANCE' | 'NEW_ERROR_TYPES' | 'TREND' | 'ANOMALIES' | 'OK' | 'NO_DATA';
  finding: string;
  action: string;
}

/** What the recommendations are made from (all computed by the job already). */
export interface RecommendInputs {
  results: Pick<JobResults, 'services' | 'latency'>;
  /** Lines parsed: with none, there is nothing to judge. */
  parsed: number;
  errors: number;
  errorRate: number;
  health: Health;
  healthInputs: HealthInputs;
  incidents: readonly IncidentRow[];
  errorTypes: readonly ErrorType[];
  newErrorTypes: readonly ErrorType[];
  trend: string;
}

/** Error rate above which errors get a recommendation of their own (S1's alert threshold is 10%). */
export const ERROR_RATE_NOTE = 0.05;
/** P95 above which latency does (the health score's "slow" line). */
export const P95_NOTE_MS = 1000;
/** Share of minutes flagged for the whole system above which anomalies do. */
export const ANOMALY_RATE_NOTE = 0.05;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const msText = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const short = (t: string): string => (t.length > 80 ? `${t.slice(0, 77)}...` : t);

/** The recommendations of a run, most urgent first. */
export function recommendations(x: RecommendInputs): Recommendation[] {
  if (x.parsed === 0) {
    // no line parsed: a health of 100 would say all is well about logs no one has read
    return [{
      area: 'NO_DATA',
      finding: 'No line was parsed, so there is nothing to judge (no health score).',
      action: 'Check input.paths and input.format: summary.json counts the lines read, malformed and blank, and malformed.log says why lines did not parse.',
    }];
  }
  const out: Recommendation[] = [];
  const services = x.results.services.filter((s) => s.service !== null && s.total > 0);
  if (x.incidents.length > 0) {
    const critical = x.incidents.filter((i) => i.severity === 'CRITICAL');
    const first = [...(critical.length > 0 ? critical : x.incidents)].sort((a, b) => a.start - b.start)[0]!;
    out.push({
      area: 'INCIDENTS',
      finding: `${x.incidents.length} incident${x.incidents.length === 1 ? '' : 's'} (${critical.length} critical); the first${critical.length > 0 ? ' critical' : ''} one: ${first.type} in ${first.services.replace(/;/g, ', ')} from ${new Date(first.start).toISOString()}.`,
      action: `${first.recommendation} Every incident, with the first error of its chain: csv/incidents.csv.`,
    });
  }
  if (x.errorRate > ERROR_RATE_NOTE && x.errors > 0) {
    const worst = [...services].sort((a, b) => b.errors / b.total - a.errors / a.total || b.errors - a.errors)[0];
    const top = [...x.errorTypes].sort((a, b) => b.count - a.count || a.id - b.id)[0];
    out.push({
      area: 'ERRORS',
      finding: `Error rate ${pct(x.errorRate)} (${x.errors.toLocaleString('en-US')} errors)${worst ? `; worst service ${worst.service} at ${pct(worst.errors / worst.total)}` : ''}${top ? `; most frequent: "${short(top.template)}" (${top.count.toLocaleString('en-US')})` : ''}.`,
      action: 'Start with the most frequent error type (csv/top_errors.csv) in the worst service (csv/errors_per_service.csv); one template usually carries most of the volume.',
    });
  }
  const p95 = x.results.latency?.p95 ?? null;
  const slowest = [...services].filter((s) => s.rtP95 !== null).sort((a, b) => b.rtP95! - a.rtP95!)[0];
  if (p95 !== null && (p95 > P95_NOTE_MS || x.healthInputs.slowRate > 0.05)) {
    out.push({
      area: 'PERFORMANCE',
      finding: `P95 response time ${msText(p95)}; ${pct(x.healthInputs.slowRate)} of requests slower than ${msText(P95_NOTE_MS)}${slowest ? `; slowest service ${slowest.service} (P95 ${msText(slowest.rtP95!)})` : ''}.`,
      action: `Profile ${slowest ? slowest.service : 'the slowest service'} first (csv/service_health.csv, csv/response_time_histogram.csv): slow queries, timeouts to its dependencies, or too little capacity at peak hours (csv/activity_heatmap.csv).`,
    });
  }
  if (x.newErrorTypes.length > 0) {
    const t = x.newErrorTypes[0]!;
    out.push({
      area: 'NEW_ERROR_TYPES',
      finding: `${x.newErrorTypes.length} error type${x.newErrorTypes.length === 1 ? '' : 's'} first seen near the end of the data, e.g. "${short(t.template)}" (${t.count.toLocaleString('en-US')}).`,
      action: 'New errors usually follow a deploy or a config change: check what changed just before (csv/new_error_types.csv).',
    });
  }
  if (x.trend === 'DEGRADING') {
    out.push({
      area: 'TREND',
      finding: 'The daily error rate is rising (csv/trend.csv).',
      action: 'Compare the last day with the first by service (csv/errors_by_day.csv, csv/errors_per_service.csv) to find what is getting worse before it becomes an incident.',
    });
  }
  if (x.healthInputs.anomalyRate > ANOMALY_RATE_NOTE) {
    out.push({
      area: 'ANOMALIES',
      finding: `${pct(x.healthInputs.anomalyRate)} of minutes were flagged as anomalous for the whole system.`,
      action: 'Read the worst minutes with their example lines (csv/top_anomalies.csv); spikes that repeat at the same hour may be batch jobs, not failures.',
    });
  }
  if (out.length === 0) {
    out.push({
      area: 'OK',
      finding: `Health ${x.health.score.toFixed(1)}/100 (${x.health.status}): error rate ${pct(x.errorRate)}, no incidents, nothing new.`,
      action: 'Nothing needs attention; the dashboard and alerts will say when that changes.',
    });
  }
  return out;
}
