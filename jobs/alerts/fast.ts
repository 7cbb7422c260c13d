/**
 * The fast alert window (follow mode): error_rate checked at every poll over the last second
 * (alerts.fast_window) of data, per scope, in 100 ms steps, so an outage pages within a second of
 * its first lines instead of when its errors outweigh a whole minute of healthy lines.
 *
 * The onset of an outage shows first in the newest buckets, so the test runs on the trailing 30%,
 * 50% and all of the window (300 ms, 500 ms and 1 s by default): a steep rise is seen a few
 * hundred milliseconds before it outweighs a whole second of healthy lines (measured: bench/
 * follow-latency.ts, rule delay about 650 ms with the 1 s window alone).
 *
 * A short window is noisy, so it only speaks with evidence: at least FAST_MIN_VOLUME lines, and
 * an error rate above the limit by more than chance explains (one-sided binomial test against
 * the limit, normal approximation, z >= FAST_Z). Three tests on the same data, so each is held to
 * p < 0.001 / 3 (Bonferroni): together they still page on chance less than once in a thousand
 * looks. A low-traffic service never reaches the volume and keeps the minute rules alone.
 */
import type { AlertsConfig } from '../config/types.js';
import { formatDuration, formatPercent } from './format.js';
import { MIN_RATE_ERRORS, zero, type Counts } from './rules.js';
import { isoTime, type Alert, type Severity } from './types.js';

/** Lines the fast window needs in a scope before its error rate can alert. */
export const FAST_MIN_VOLUME = 100;
/** How far above the limit a window's rate must be, in standard errors (one-sided p < 0.001 / 3). */
export const FAST_Z = 3.4;
/** The trailing parts of the window tested, as shares of its span (see the module note). */
const FAST_SCALES = [0.3, 0.5, 1];

/** The lengths (ms) of the trailing windows tested for a fast window of `span` in `bucket` steps, shortest first. */
export function fastSpans(span: number, bucket: number): number[] {
  const n = Math.max(1, Math.round(span / bucket));
  return [...new Set(FAST_SCALES.map((f) => Math.max(1, Math.round(n * f)) * bucket))].sort((a, b) => a - b);
}

/** Counts over one trailing window: all scopes together and per service. */
export interface ScopeCounts {
  /** Length of the window, ms (whole buckets up to the end of the newest). */
  span: number;
  all: Counts;
  services: Map<string, Counts>;
}

/** What the fast window holds now: its counts per scope over the whole span and over each trailing window tested. */
export interface FastWindow extends ScopeCounts {
  /** Start (ms) of the newest bucket with data: the alert's time. */
  newest: number;
  /** Width of a bucket (ms): the window ends at newest + bucket. */
  bucket: number;
  /** The trailing windows tested (fastSpans), shortest first; the last is the whole span. */
  windows: ScopeCounts[];
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

  /** The counts over the window ending with the newest bucket, and over its trailing parts (null before any data). */
  window(): FastWindow | null {
    if (this.buckets.size === 0) return null;
    const windows: ScopeCounts[] = fastSpans(this.span, this.bucket).map((span) => ({ span, all: zero(), services: new Map() }));
    for (const [start, m] of this.buckets) {
      for (const w of windows) {
        if (start <= this.newest - w.span) continue; // older than this trailing window
        for (const [service, c] of m) {
          add(w.all, c);
          if (service === null) continue; // counted in 'all': nobody to name in a per-service alert
          let s = w.services.get(service);
          if (!s) w.services.set(service, (s = zero()));
          add(s, c);
        }
      }
    }
    const whole = windows[windows.length - 1]!;
    return { newest: this.newest, bucket: this.bucket, span: this.span, all: whole.all, services: whole.services, windows };
  }
}

function add(into: Counts, c: Counts): void {
  into.total += c.total;
  into.errors += c.errors;
  into.critical += c.critical;
}

/** How many standard errors `errors` of `total` lies above `limit` (-Infinity without the volume to say). */
function excess(errors: number, total: number, limit: number): number {
  if (total < FAST_MIN_VOLUME || errors < MIN_RATE_ERRORS) return Number.NEGATIVE_INFINITY;
  const rate = errors / total;
  if (rate <= limit) return Number.NEGATIVE_INFINITY;
  if (limit <= 0) return Number.POSITIVE_INFINITY;
  return (rate - limit) / Math.sqrt((limit * (1 - limit)) / total);
}

/** Whether `errors` of `total` is an error rate above `limit` beyond chance (see the module note). */
export function clearlyAbove(errors: number, total: number, limit: number): boolean {
  return excess(errors, total, limit) >= FAST_Z;
}

/**
 * error_rate candidates of the fast window, for 'all' and each service (sorted by name): a scope
 * alerts when one of its trailing windows is clearly above the limit, and the alert quotes the
 * window where that is clearest.
 */
export function fastRateAlerts(w: FastWindow | null, rules: AlertsConfig['rules']): Alert[] {
  if (w === null) return [];
  const out: Alert[] = [];
  const names = [...w.services.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const scope of ['all', ...names]) {
    let best: { win: ScopeCounts; c: Counts; z: number } | null = null;
    for (const win of w.windows) {
      const c = scope === 'all' ? win.all : win.services.get(scope);
      if (!c) continue;
      const z = excess(c.errors, c.total, rules.error_rate);
      if (z >= FAST_Z && (best === null || z > best.z)) best = { win, c, z };
    }
    if (best === null) continue;
    const { win, c } = best;
    const rate = c.errors / c.total;
    const severity: Severity = rules.error_rate > 0 && rate >= 3 * rules.error_rate ? 'CRITICAL' : 'HIGH';
    const where = scope === 'all' ? 'across all services' : `in service ${scope}`;
    let lead = '';
    if (scope === 'all') {
      const worst = [...win.services].filter(([, s]) => s.errors > 0).sort((a, b) => b[1].errors - a[1].errors || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
      if (worst.length) lead = ` Most errors: ${worst.map(([s, x]) => `${s} (${x.errors})`).join(', ')}.`;
    }
    const action = scope === 'all'
      ? 'Something is failing right now: find the service behind it (dashboard, csv/errors_per_service.csv) and what changed just before.'
      : `${scope} is failing right now: read its newest errors (dashboard, csv/errors_by_type.csv), check its dependencies and any deploy just before; roll back or fail over if it goes on.`;
    out.push({
      time: w.newest, end: w.newest + w.bucket, rule: 'error_rate', scope, severity, status: 'firing', value: rate, threshold: rules.error_rate,
      message: `Error rate ${formatPercent(rate)} (${c.errors} errors in ${c.total} lines) ${where} in the ${formatDuration(win.span)} to ${isoTime(w.newest + w.bucket)}, above the ${formatPercent(rules.error_rate)} limit.${lead} ${action}`,
      action,
    });
  }
  return out;
}
