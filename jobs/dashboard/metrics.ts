/**
 * /metrics: the run's headline numbers in the Prometheus text format (prom-client), read from
 * summary.json (and incidents by severity from arrow/incidents.arrow) at every scrape, so the
 * values always equal the files and move when a run rewrites them. Unknown values (a null in
 * summary.json, or no summary at all) have no sample, Prometheus' way of saying unknown (and
 * prom-client would print NaN as "Nan", which the text format does not allow).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { readSummary, readTable } from './outdir.js';
import type { Summary } from './static/types.js';

/** Incident severities always exported (0 when none), so the series exist from the first scrape. */
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

/** What one scrape reads. */
export interface MetricsSnapshot {
  summary: Summary | null;
  /** Incidents by severity from the incidents table, or null when the table is absent. */
  incidents: Map<string, number> | null;
  /** mtime of summary.json, ms, or null. */
  updatedMs: number | null;
}

/** Read the snapshot of `root` that /metrics reports. */
export async function readSnapshot(root: string): Promise<MetricsSnapshot> {
  const summary = await readSummary(root);
  const rows = await readTable(root, 'incidents');
  let incidents: Map<string, number> | null = null;
  if (rows !== null) {
    incidents = new Map();
    for (const r of rows) {
      const sev = String(r.severity ?? 'UNKNOWN').toUpperCase();
      incidents.set(sev, (incidents.get(sev) ?? 0) + 1);
    }
  }
  let updatedMs: number | null = null;
  try {
    updatedMs = summary === null ? null : (await stat(join(root, 'summary.json'))).mtimeMs;
  } catch {
    updatedMs = null;
  }
  return { summary, incidents, updatedMs };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);

/** A prom-client registry whose gauges are set from a snapshot just before each exposition. */
export class ReportMetrics {
  /** The registry (its own, not prom-client's global one): holds the gauges with a known value. */
  readonly registry = new Registry();
  private readonly g: Record<string, Gauge> = {};
  private readonly incidents: Gauge<'severity'>;
  /** Scrapes run one at a time: each re-registers the gauges it has values for. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly root: string) {
    const gauge = (name: string, help: string): Gauge => {
      const g = new Gauge({ name, help, registers: [] });
      this.g[name] = g;
      return g;
    };
    gauge('logframe_report_present', '1 when summary.json exists and parses, else 0.');
    gauge('logframe_report_updated_timestamp_seconds', 'When summary.json was last written (Unix seconds).');
    gauge('logframe_health_score', 'System health score 0-100 (summary.json health_score; NaN when not computed).');
    gauge('logframe_error_rate', 'Errors / parsed lines (summary.json error_rate).');
    gauge('logframe_errors', 'Error lines (summary.json errors).');
    gauge('logframe_response_time_mean_ms', 'Mean response time, ms (summary.json response_time_ms.mean).');
    gauge('logframe_response_time_p50_ms', 'Median response time, ms (summary.json response_time_ms.p50).');
    gauge('logframe_response_time_p95_ms', 'P95 response time, ms (summary.json response_time_ms.p95).');
    gauge('logframe_response_time_p99_ms', 'P99 response time, ms (summary.json response_time_ms.p99).');
    gauge('logframe_anomalies', 'Anomalies detected (summary.json anomalies).');
    gauge('logframe_alerts', 'Alerts raised (summary.json alerts).');
    gauge('logframe_lines_processed', 'Lines read by the run (summary.json lines).');
    gauge('logframe_lines_per_second', 'Lines per second of the run (summary.json lines_per_sec).');
    this.incidents = new Gauge({
      name: 'logframe_incidents', help: 'Incidents by severity (arrow/incidents.arrow; summary.json incidents is their sum).',
      labelNames: ['severity'], registers: [],
    });
  }

  /** Content-Type of the exposition. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Read the folder and return the exposition text. */
  render(snapshot?: MetricsSnapshot): Promise<string> {
    const run = this.queue.then(async () => {
      const snap = snapshot ?? (await readSnapshot(this.root));
      this.apply(snap);
      return this.registry.metrics();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private apply({ summary: s, incidents, updatedMs }: MetricsSnapshot): void {
    this.registry.clear();
    const set = (name: string, v: number): void => {
      if (!Number.isFinite(v)) return;
      const g = this.g[name]!;
      g.set(v);
      this.registry.registerMetric(g);
    };
    set('logframe_report_present', s === null ? 0 : 1); // always known
    set('logframe_report_updated_timestamp_seconds', updatedMs === null ? NaN : Math.floor(updatedMs) / 1000);
    const rt = s?.response_time_ms ?? null;
    set('logframe_health_score', num(s?.health_score));
    set('logframe_error_rate', num(s?.error_rate));
    set('logframe_errors', num(s?.errors));
    set('logframe_response_time_mean_ms', num(rt?.mean));
    set('logframe_response_time_p50_ms', num(rt?.p50));
    set('logframe_response_time_p95_ms', num(rt?.p95));
    set('logframe_response_time_p99_ms', num(rt?.p99));
    set('logframe_anomalies', num(s?.anomalies));
    set('logframe_alerts', num(s?.alerts));
    set('logframe_lines_processed', num(s?.lines));
    set('logframe_lines_per_second', num(s?.lines_per_sec));
    this.incidents.reset();
    if (incidents !== null) {
      for (const sev of new Set([...SEVERITIES, ...incidents.keys()])) this.incidents.set({ severity: sev }, incidents.get(sev) ?? 0);
    } else if (s !== null) {
      // No table to split by: every severity 0 except the total, labelled unknown.
      for (const sev of SEVERITIES) this.incidents.set({ severity: sev }, 0);
      if (num(s.incidents) > 0) this.incidents.set({ severity: 'UNKNOWN' }, num(s.incidents));
    }
    if (s !== null) this.registry.registerMetric(this.incidents);
  }
}
