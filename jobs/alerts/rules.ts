/**
 * Alert rules: S1's thresholds per window over the merged per-minute results, and the
 * detectors' anomalies and incidents turned into alerts. Pure functions: they produce
 * candidates; the AlertManager decides what is actually sent.
 */
import type { JobResults } from '../analytics/results.js';
import type { AlertsConfig, LevelsConfig } from '../config/types.js';
import { formatDuration, formatNumber, formatPercent, slug } from './format.js';
import { isoTime, SEVERITIES, type Alert, type Severity } from './types.js';

/**
 * Lines a window (per scope) needs before its error rate can alert: with fewer, one failing
 * line is already a high rate (1 of 2 = 50%) and would page someone for nothing.
 */
export const MIN_RATE_VOLUME = 20;

/**
 * Errors a window needs before its error rate can alert. At low traffic the rate is noise: on
 * the 10-lines-a-minute sample (2.8% errors overall) 3 errors in 22 lines (13.6%) happens by
 * chance dozens of times a day, while 5 or more is rare (binomial tail about 0.05%) and does
 * mark the injected outages. Above 50 lines a window this minimum no longer bites at 10%.
 */
export const MIN_RATE_ERRORS = 5;

/** Tuning of thresholdAlerts. */
export interface ThresholdOptions {
  /** Minimum lines in a window for error_rate (default MIN_RATE_VOLUME). */
  minVolume?: number;
  /** Minimum errors in a window for error_rate (default MIN_RATE_ERRORS). */
  minErrors?: number;
}

const MINUTE = 60_000;

/** The window actually used: JobResults are per minute, so a window is a whole number of minutes (at least one). */
export function effectiveWindow(window: number): number {
  return Math.max(1, Math.ceil(window / MINUTE)) * MINUTE;
}

/** Lines, errors and critical lines of one scope in one window. */
export interface Counts { total: number; errors: number; critical: number }
interface Bucket extends Counts { services: Map<string, Counts> }

/** Empty counts. */
export const zero = (): Counts => ({ total: 0, errors: 0, critical: 0 });

/**
 * Candidate threshold alerts for every window of `window` ms (aligned to UTC) over the results:
 * error_rate > rules.error_rate (with at least minVolume lines and minErrors errors), errors > rules.error_count and
 * critical lines > rules.critical_count, for scope 'all' and for each service. The open (last)
 * window is evaluated too: a count that already crossed cannot uncross, and alerting before the
 * window closes is what keeps follow-mode latency low.
 */
export function thresholdAlerts(
  results: JobResults,
  rules: AlertsConfig['rules'],
  window: number,
  levels: Pick<LevelsConfig, 'critical'>,
  options: ThresholdOptions = {},
): Alert[] {
  const w = effectiveWindow(window);
  const minVolume = options.minVolume ?? MIN_RATE_VOLUME;
  const minErrors = options.minErrors ?? MIN_RATE_ERRORS;
  const criticalLevels = new Set<string>(levels.critical);
  const buckets = new Map<number, Bucket>();
  const bucketOf = (minute: number): Bucket => {
    const t = Math.floor(minute / w) * w;
    let b = buckets.get(t);
    if (!b) buckets.set(t, (b = { ...zero(), services: new Map() }));
    return b;
  };
  for (const m of results.minutes) {
    const b = bucketOf(m.minute);
    b.total += m.total;
    b.errors += m.errors;
  }
  // The minute table has no critical column; the per-level one has every level.
  for (const ml of results.minuteLevels) if (criticalLevels.has(ml.level)) bucketOf(ml.minute).critical += ml.count;
  for (const ms of results.minuteServices) {
    // Lines without a service count in 'all' only: there is nobody to name in a per-service alert.
    if (ms.service === null) continue;
    const services = bucketOf(ms.minute).services;
    let c = services.get(ms.service);
    if (!c) services.set(ms.service, (c = zero()));
    c.total += ms.total;
    c.errors += ms.errors;
    c.critical += ms.critical;
  }

  const out: Alert[] = [];
  for (const t of [...buckets.keys()].sort((a, b) => a - b)) {
    const b = buckets.get(t)!;
    const ctx: WindowContext = { time: t, window: w, rules, minVolume, minErrors, services: b.services };
    out.push(...check(ctx, 'all', b));
    for (const name of [...b.services.keys()].sort()) out.push(...check(ctx, name, b.services.get(name)!));
  }
  return out;
}

interface WindowContext {
  time: number;
  window: number;
  rules: AlertsConfig['rules'];
  minVolume: number;
  minErrors: number;
  services: Map<string, Counts>;
}

function check(ctx: WindowContext, scope: string, c: Counts): Alert[] {
  const { rules } = ctx;
  const out: Alert[] = [];
  const where = scope === 'all' ? 'across all services' : `in service ${scope}`;
  const when = `in the ${formatDuration(ctx.window)} window from ${isoTime(ctx.time)}`;
  const base = { time: ctx.time, end: ctx.time + ctx.window, scope, status: 'firing' as const };
  const rate = c.total > 0 ? c.errors / c.total : 0;

  if (c.total >= ctx.minVolume && c.errors >= ctx.minErrors && rate > rules.error_rate) {
    const severity: Severity = rules.error_rate > 0 && rate >= 3 * rules.error_rate ? 'CRITICAL' : 'HIGH';
    const action = scope === 'all'
      ? 'Check which service drives it (csv/errors_per_service.csv) and what is failing (csv/top_errors.csv); look for a deploy or a shared dependency (database, network) that changed then.'
      : `Check ${scope}'s errors in that window (csv/errors_by_type.csv, csv/top_errors.csv) and its dependencies; roll back a deploy if the errors began with it.`;
    const what = `Error rate ${formatPercent(rate)} (${c.errors} errors in ${c.total} lines) ${where} ${when}, above the ${formatPercent(rules.error_rate)} limit.`;
    out.push({ ...base, rule: 'error_rate', severity, value: rate, threshold: rules.error_rate, message: join(what, top(ctx, scope, 'errors'), action), action });
  }
  if (c.errors > rules.error_count) {
    const severity: Severity = rules.error_count > 0 && c.errors >= 3 * rules.error_count ? 'HIGH' : 'MEDIUM';
    const action = scope === 'all'
      ? 'Find the service and the error types behind the volume (csv/errors_per_service.csv, csv/top_errors.csv); a single template usually dominates a burst.'
      : `Look at ${scope}'s most frequent error types in that window (csv/errors_by_type.csv); a single template usually dominates a burst.`;
    const what = `${c.errors} errors ${where} ${when} (${formatPercent(rate)} of ${c.total} lines), above the limit of ${rules.error_count}.`;
    out.push({ ...base, rule: 'error_count', severity, value: c.errors, threshold: rules.error_count, message: join(what, top(ctx, scope, 'errors'), action), action });
  }
  if (c.critical > rules.critical_count) {
    const owner = scope === 'all' ? 'the services named' : `${scope}'s owner`;
    const action = `Critical lines usually mean an outage or data loss: read them first (csv/errors_by_type.csv) and page ${owner}.`;
    const what = `${c.critical} critical lines ${where} ${when}, above the limit of ${rules.critical_count}.`;
    out.push({ ...base, rule: 'critical_count', severity: 'CRITICAL', value: c.critical, threshold: rules.critical_count, message: join(what, top(ctx, scope, 'critical'), action), action });
  }
  return out;
}

// For scope 'all', naming the services behind the number is the first thing a reader needs.
function top(ctx: WindowContext, scope: string, key: 'errors' | 'critical'): string {
  if (scope !== 'all') return '';
  const rows = [...ctx.services].filter(([, c]) => c[key] > 0).sort((a, b) => b[1][key] - a[1][key] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
  return rows.length ? `Most ${key === 'errors' ? 'errors' : 'critical lines'}: ${rows.map(([s, c]) => `${s} (${c[key]})`).join(', ')}.` : '';
}

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join(' ');
/** Text as a sentence: trimmed, ending in punctuation. */
const sentence = (text: string): string => {
  const t = text.trim();
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
};

// ---------------------------------------------------------------------------
// detections

/** An anomalies.csv row as the detectors produce it (timestamp as ms or ISO text). */
export interface AnomalyRow {
  timestamp: number | string;
  /** 'all' or a service (null/empty: 'all'). */
  scope: string | null;
  detector: string;
  value: number;
  score: number;
  threshold: number;
  details?: unknown;
}

/** An incidents.csv row (services as a list or as 'a;b' / 'a, b' text). */
export interface IncidentRow {
  start: number | string;
  end: number | string | null;
  type: string;
  severity: string;
  services: readonly string[] | string;
  description: string;
  recommendation: string;
  /** Optional measured value and threshold, when the incident rule has them (e.g. the error rate). */
  value?: number;
  threshold?: number;
}

const toMs = (t: number | string | null | undefined): number | null => {
  if (t === null || t === undefined || t === '') return null;
  const v = typeof t === 'number' ? t : /^-?\d+$/.test(t.trim()) ? Number(t) : Date.parse(t);
  return Number.isFinite(v) ? v : null;
};

const scopeOf = (s: string | null | undefined): string => (s && s.trim() ? s.trim() : 'all');

const detailsText = (d: unknown): string => {
  if (d === undefined || d === null || d === '') return '';
  return typeof d === 'string' ? d : JSON.stringify(d);
};

/** Incident severities are free text in the detectors; anything unknown is MEDIUM (worth a look, not a page). */
export function normalizeSeverity(s: string): Severity {
  const u = s.trim().toUpperCase();
  if ((SEVERITIES as readonly string[]).includes(u)) return u as Severity;
  if (u === 'FATAL' || u === 'EMERGENCY' || u === 'CRIT') return 'CRITICAL';
  if (u === 'ERROR' || u === 'MAJOR') return 'HIGH';
  if (u === 'WARN' || u === 'WARNING' || u === 'MINOR') return 'MEDIUM';
  if (u === 'NOTICE') return 'LOW';
  if (u === 'DEBUG' || u === 'TRACE') return 'INFO';
  return 'MEDIUM';
}

/**
 * Alerts for detector output: one per anomaly (rule 'anomaly:<detector>', value = score against
 * the detector's threshold; HIGH at twice the threshold, else MEDIUM) and one per incident
 * (rule 'incident:<type>', the incident's severity; scope = its service, or 'all' when it spans
 * several). `bucket` is the span an anomaly covers (the detectors score minutes). Rows with an
 * unreadable time are skipped: an alert must say when.
 */
export function fromDetections(anomalies: readonly AnomalyRow[], incidents: readonly IncidentRow[], bucket = MINUTE): Alert[] {
  const out: Alert[] = [];
  for (const a of anomalies) {
    const time = toMs(a.timestamp);
    if (time === null) continue;
    const scope = scopeOf(a.scope);
    const ratio = a.threshold !== 0 && Number.isFinite(a.threshold) ? Math.abs(a.score) / Math.abs(a.threshold) : 0;
    const severity: Severity = ratio >= 2 ? 'HIGH' : 'MEDIUM';
    const where = scope === 'all' ? 'across all services' : `in service ${scope}`;
    const details = detailsText(a.details);
    const action = `Read the evidence lines of that minute (dashboard, csv/anomalies.csv) and the error types that rose then (csv/errors_by_type.csv)${scope === 'all' ? '; csv/errors_per_service.csv names the service' : ''}.`;
    const what = `Anomaly (${a.detector}) ${where} at ${isoTime(time)}: value ${formatNumber(a.value)} scored ${formatNumber(a.score)} against a threshold of ${formatNumber(a.threshold)}.`;
    out.push({
      time, end: time + bucket, rule: `anomaly:${slug(a.detector)}`, severity, scope, value: a.score, threshold: a.threshold,
      message: join(what, sentence(details), action), action, status: 'firing',
    });
  }
  for (const i of incidents) {
    const start = toMs(i.start);
    if (start === null) continue;
    const endMs = toMs(i.end);
    const end = endMs !== null && endMs > start ? endMs : start + bucket;
    const services = (typeof i.services === 'string' ? i.services.split(/[;,|]/) : [...i.services]).map((s) => s.trim()).filter((s) => s !== '');
    const scope = services.length === 1 ? services[0]! : 'all';
    const where = services.length === 0 ? 'across all services' : services.length === 1 ? `in service ${services[0]}` : `in services ${services.join(', ')}`;
    const span = endMs !== null && endMs > start ? `from ${isoTime(start)} to ${isoTime(endMs)}` : `at ${isoTime(start)}`;
    const action = i.recommendation.trim() || 'Check the services named and what changed at that time.';
    // 'high_error_rate' (the detectors' key) reads as 'High error rate' in a sentence.
    const label = i.type.includes(' ') ? i.type.trim() : i.type.trim().replace(/_+/g, ' ').replace(/^./, (ch) => ch.toUpperCase());
    const what = `${label} ${where} ${span}.`;
    const description = sentence(i.description);
    out.push({
      time: start, end, rule: `incident:${slug(i.type)}`, severity: normalizeSeverity(i.severity), scope,
      // Incidents alert whenever detected: without a measured value the count of services is the size of it, against 0.
      value: typeof i.value === 'number' && Number.isFinite(i.value) ? i.value : Math.max(1, services.length),
      threshold: typeof i.threshold === 'number' && Number.isFinite(i.threshold) ? i.threshold : 0,
      message: join(what, description, `Action: ${sentence(action)}`), action, status: 'firing',
    });
  }
  return out;
}
