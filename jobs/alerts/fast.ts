/**
 * The fast alert window (follow mode): error_rate checked at every poll over the last second
 * (alerts.fast_window) of data, per scope, in 100 ms steps, so an outage pages within a second of
 * its first lines instead of when its errors outweigh a whole minute of healthy lines.
 *
 * A short window is noisy, so it only speaks with evidence: at least FAST_MIN_VOLUME lines, and
 * an error rate above the limit by more than chance explains (one-sided binomial test against
 * the limit, normal approximation, z >= FAST_Z, i.e. p < 0.001). A low-traffic service never
 * reaches the volume and keeps the minute rules alone.
 */
import type { AlertsConfig } from '../config/types.js';
import { formatDuration, formatPercent } from './format.js';
import { MIN_RATE_ERRORS, zero, type Counts } from './rules.js';
import { isoTime, type Alert, type Severity } from './types.js';

/** Lines the fast window needs in a scope before its error rate can alert. */
export const FAST_MIN_VOLUME = 100;
/** How far above the limit the window's rate must be, in standard errors (one-sided p < 0.001). */
export const FAST_Z = 3.09;


/** What the fast window holds now: the span it covers and its counts per scope. */
export interface FastWindow {
  /** Start (ms) of the newest bucket with data: the alert's time. */
  newest: number;
  /** Width of a bucket (ms): the window ends at newest + bucket. */
  bucket: number;
  span: number;
  all: Counts;
  services: Map<string, Counts>;
}

/**
 * A ring of counts per bucket and service, kept for `span` ms of data time up to the end of the
 * newest bucket: bounded memory however long the follower runs.
 */
export class RecentBuckets {
  private readonly buckets = new Map<number, Map<string | null, Counts>>();
  private newest = Number.NEGATIVE_INFINITY;

  constructor(readonly span: number, readonly bucket: number) {}

  /** Start (ms) of the newest bucket seen (-Infinity before any). */
  latest(): number {
    return this.newest;
  }

  /** Fold rows of the fast window's query: [bucket start, service, total, errors, critical]. */
  add(rows: readonly (readonly unknown[])[]): void {
    for (const r of rows) {
      const start = r[0];
      if (typeof start !== 'number' || !Number.isFinite(start)) continue; // no timestamp: no place in time
      if (this.stale(start)) continue; // too late to matter
      const service = (r[1] ?? null) as string | null;
      let m = this.buckets.get(start);
      if (!m) this.buckets.set(start, (m = new Map()));
      let c = m.get(service);
      if (!c) m.set(service, (c = zero()));
      c.total += Number(r[2]);
      c.errors += Number(r[3]);
      c.critical += Number(r[4]);
      if (start > this.newest) this.newest = start;
    }
    for (const b of this.buckets.keys()) if (this.stale(b)) this.buckets.delete(b);
  }

  /** Whether the bucket starting at `start` ends more than span before the newest bucket's end. */
  private stale(start: number): boolean {
    return start <= this.newest - this.span;
  }

  /** The counts over the window ending with the newest bucket (null before any data). */
  window(): FastWindow | null {
    if (this.buckets.size === 0) return null;
    const all = zero();
    const services = new Map<string, Counts>();
    for (const m of this.buckets.values()) {
      for (const [service, c] of m) {
        all.total += c.total;
        all.errors += c.errors;
        all.critical += c.critical;
        if (service === null) continue; // counted in 'all': nobody to name in a per-service alert
        let s = services.get(service);
        if (!s) services.set(service, (s = zero()));
        s.total += c.total;
        s.errors += c.errors;
        s.critical += c.critical;
      }
    }
    return { newest: this.newest, bucket: this.bucket, span: this.span, all, services };
  }
}

/** Whether `errors` of `total` is an error rate above `limit` beyond chance (see the module note). */
export function clearlyAbove(errors: number, total: number, limit: number): boolean {
  if (total < FAST_MIN_VOLUME || errors < MIN_RATE_ERRORS) return false;
  const rate = errors / total;
  if (rate <= limit) return false;
  if (limit <= 0) return true;
  return (rate - limit) / Math.sqrt((limit * (1 - limit)) / total) >= FAST_Z;
}

/** error_rate candidates of the fast window, for 'all' and each service (sorted by name). */
export function fastRateAlerts(w: FastWindow | null, rules: AlertsConfig['rules']): Alert[] {
  if (w === null) return [];
  const out: Alert[] = [];
  const scopes: [string, Counts][] = [['all', w.all], ...[...w.services].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))];
  const span = formatDuration(w.span);
  for (const [scope, c] of scopes) {
    if (!clearlyAbove(c.errors, c.total, rules.error_rate)) continue;
    const rate = c.errors / c.total;
    const severity: Severity = rules.error_rate > 0 && rate >= 3 * rules.error_rate ? 'CRITICAL' : 'HIGH';
    const where = scope === 'all' ? 'across all services' : `in service ${scope}`;
    let lead = '';
    if (scope === 'all') {
      const worst = [...w.services].filter(([, s]) => s.errors > 0).sort((a, b) => b[1].errors - a[1].errors || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
      if (worst.length) lead = ` Most errors: ${worst.map(([s, x]) => `${s} (${x.errors})`).join(', ')}.`;
    }
    const action = scope === 'all'
      ? 'Something is failing right now: find the service behind it (dashboard, csv/errors_per_service.csv) and what changed just before.'
      : `${scope} is failing right now: read its newest errors (dashboard, csv/errors_by_type.csv), check its dependencies and any deploy just before; roll back or fail over if it goes on.`;
    out.push({
      time: w.newest, end: w.newest + w.bucket, rule: 'error_rate', scope, severity, status: 'firing', value: rate, threshold: rules.error_rate,
      message: `Error rate ${formatPercent(rate)} (${c.errors} errors in ${c.total} lines) ${where} in the ${span} to ${isoTime(w.newest + w.bucket)}, above the ${formatPercent(rules.error_rate)} limit.${lead} ${action}`,
      action,
    });
  }
  return out;
}
