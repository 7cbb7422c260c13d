/**
 * Types shared by the dashboard's browser modules (model.js, panels.js, app.js, checked with
 * checkJs) and its Node side (report, metrics). Plain data only: no DOM types here.
 */

/** A cell as plain data: ints and timestamps (ms) as numbers, strings, booleans, null. */
export type Value = string | number | boolean | null;

/** A table row as plain values. */
export type Row = Record<string, Value>;

/** A decoded table, column-major: `cols[name][i]`. */
export interface Columns {
  length: number;
  cols: Record<string, ArrayLike<Value>>;
}

/** summary.json as the job writes it (keys the dashboard reads; the rest pass through). */
export interface Summary {
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  errors: number;
  critical: number;
  error_rate: number;
  levels: Record<string, number>;
  first_timestamp: string | null;
  last_timestamp: string | null;
  response_time_ms: { mean: number; p50: number; p95: number; p99: number } | null;
  health_score: number | null;
  health_status: string | null;
  anomalies: number;
  incidents: number;
  alerts: number;
  lines_per_sec: number;
  elapsed_ms: number;
  /** Levels counted as errors, when the job writes them (default ERROR, CRITICAL, FATAL). */
  error_levels?: string[];
  [key: string]: unknown;
}

/** One line of alerts.log. */
export interface Alert {
  time: number | null;
  rule: string;
  severity: string;
  scope: string;
  value: number | null;
  threshold: number | null;
  message: string;
}

/** Everything the dashboard reads from one output folder, already decoded. */
export interface Inputs {
  summary: Summary | null;
  /** Arrow tables by name (arrow/NAME.arrow), decoded. */
  tables: Record<string, Columns>;
  alerts: Alert[];
}

/** The filters every panel applies: a UTC time range [from, to) and level / service sets (null = all). */
export interface Filter {
  from: number | null;
  to: number | null;
  levels: string[] | null;
  services: string[] | null;
}

/** A dimension a fact source can group or filter by; `key` is the source's own key (IP, error type, latency bucket). */
export type Dim = 't' | 'level' | 'service' | 'key';

/** One row of a fact source: its dimensions and additive measures. */
export interface Fact {
  t?: number;
  level?: string;
  service?: string | null;
  key?: string | number;
  count: number;
  errors: number;
  rt_sum?: number;
  rt_count?: number;
  ok?: number;
  status?: number;
}

/** A table seen as additive facts over some dimensions. */
export interface Source {
  name: string;
  dims: Dim[];
  rows: Fact[];
  /** Measures beyond count/errors the source carries. */
  measures: string[];
  /** Time resolution (ms) when the source has a time dimension, else null. */
  width: number | null;
}

/** Additive measures of one group. */
export interface Agg {
  count: number;
  errors: number;
  rt_sum: number;
  rt_count: number;
  ok: number;
  status: number;
}

/** A query result: groups by key, the source used, and the filters it could not apply. */
export interface QueryResult {
  groups: Map<string | number | null, { dims: Partial<Record<Dim, string | number | null>>; agg: Agg }>;
  source: string | null;
  unapplied: string[];
}

/** An anomaly score (from anomaly_scores, or anomalies when only flagged rows exist). */
export interface Score {
  t: number;
  scope: string;
  detector: string;
  value: number | null;
  score: number;
  threshold: number | null;
  details: string;
}

/** An incident row. */
export interface Incident {
  start: number | null;
  end: number | null;
  type: string;
  severity: string;
  services: string[];
  description: string;
  recommendation: string;
}

/** Per-detector slider settings derived from the data. */
export interface DetectorInfo {
  name: string;
  min: number;
  max: number;
  /** The job's threshold (most common `threshold` value of the overall scope), or null. */
  threshold: number | null;
  /** It scores an overall scope ("all"). */
  hasAll: boolean;
  /** Every window is scored (anomaly_scores), not only the flagged ones (anomalies). */
  allScores: boolean;
}

/** The decoded, indexed contents of one output folder. */
export interface Model {
  summary: Summary | null;
  errorLevels: string[];
  levels: string[];
  services: string[];
  /** First and last minute with data (ms), or null. */
  span: { from: number; to: number } | null;
  logs: Source[];
  ips: Source[];
  types: Source[];
  latency: Source[];
  /** Latency bucket lower bound → upper bound. */
  latencyBuckets: Map<number, number>;
  typeInfo: Map<string, { type_id: number | null; template: string; example: string; first_seen: number | null; last_seen: number | null }>;
  serviceHealth: Row[];
  /** activity_heatmap(weekday 0 = Monday, hour, count), when the job writes it. */
  heatmapTable: Row[];
  scores: Score[];
  detectors: DetectorInfo[];
  incidents: Incident[];
  alerts: Alert[];
  /** Names of the tables present. */
  present: string[];
}

/** A service health row as shown (whole-run values where the filters cannot reach). */
export interface ServiceRow {
  service: string;
  total: number;
  errors: number;
  error_rate: number;
  rt_mean: number | null;
  rt_p95: number | null;
  rt_p99: number | null;
  success_rate: number | null;
  status: string;
}

/** Everything the panels show for one filter: numbers already aggregated. */
export interface View {
  filter: Filter;
  filtered: boolean;
  totals: { total: number; errors: number; errorRate: number; unapplied: string[] };
  /** Per-minute counts (sorted by t). */
  minutes: { points: { t: number; count: number; errors: number }[]; unapplied: string[]; source: string | null };
  levelCounts: { rows: { level: string; count: number }[]; unapplied: string[]; source: string | null };
  levelsOverTime: { width: number; levels: string[]; rows: { t: number; counts: Record<string, number> }[]; unapplied: string[]; source: string | null };
  /** rtFiltered: the mean response times follow the filters (else they are whole-run values). */
  services: { rows: { service: string; count: number; errors: number; rt_mean: number | null }[]; unapplied: string[]; source: string | null; rtFiltered: boolean };
  ips: { rows: { ip: string; total: number; errors: number }[]; unapplied: string[]; source: string | null };
  types: { rows: { key: string; template: string; example: string; errors: number; first_seen: number | null; last_seen: number | null; type_id: number | null }[]; unapplied: string[]; source: string | null };
  heatmap: { cells: [number, number, number][]; max: number; unapplied: string[]; source: string | null };
  latency: { buckets: { lower: number; upper: number; count: number }[]; p95: number | null; unapplied: string[]; source: string | null };
  serviceHealth: { rows: ServiceRow[]; unapplied: string[]; source: string | null };
  /** Scores the anomaly panel shows: each detector's overall scope, or the filtered services' scopes. */
  scores: Score[];
  /** Anomalies the job flagged (score at or above its own threshold) in the range and services, every scope. */
  flagged: number;
  incidents: Incident[];
  alerts: Alert[];
  activeAlerts: number;
  health: { score: number | null; status: string | null };
}

/** UI settings panels read besides the filter. */
export interface PanelUi {
  bucket: 'minute' | 'hour' | 'day';
  detector: string | null;
  threshold: number | null;
}

/** A chart option for echarts (plain data). */
export type ChartOption = Record<string, unknown>;

/** What a panel builder returns: the chart option, a note for the panel (empty data, unapplied filters), and whether it has data. */
export interface PanelResult {
  option: ChartOption;
  note: string | null;
  empty: boolean;
}

/** A chart panel: id, title and builder, shared by the web page, report.html and the PNGs. */
export interface PanelDef {
  id: string;
  title: string;
  build: (view: View, model: Model, ui: PanelUi) => PanelResult;
}

/** The model module (static/model.js) as the Node side imports it. */
export interface ModelModule {
  TABLE_NAMES: readonly string[];
  LAZY_TABLES: readonly string[];
  isDefaultFilter(f: Filter): boolean;
  decodeArrow: (table: unknown) => Columns;
  rowsOf: (columns: Columns) => Row[];
  rowsFromArrow: (table: unknown) => Row[];
  parseAlerts: (text: string) => Alert[];
  buildModel: (inputs: Inputs) => Model;
  applyFilters: (model: Model, filter: Filter) => View;
  defaultFilter: () => Filter;
  markAnomalies: (scores: Score[], detector: string | null, threshold: number | null) => { shown: Score[]; marked: Score[] };
  histogramQuantile: (buckets: { lower: number; upper: number; count: number }[], q: number) => number | null;
}

/** The panels module (static/panels.js) as the Node side imports it. */
export interface PanelsModule {
  PANELS: readonly PanelDef[];
  NINE: readonly string[];
  defaultUi: (model: Model) => PanelUi;
  titled: (option: ChartOption, title: string, subtitle: string | null) => ChartOption;
}

/** /cluster.json: the cluster's task view (engine/executors/cluster-status.ts, ClusterStatus). */
export interface ClusterStatus {
  queue: string;
  at: string;
  counts: Record<string, number>;
  workers: { name: string; addr: string; ageSec: number }[];
  hosts: {
    host: string; workers: number; active: number; tasks: number; bytes: number; busyMs: number; bytesPerSec: number;
    retried: number; failed: number; lastSeen: string | null; lastError: string | null;
  }[];
  perMinute: { completed: number[]; failed: number[] };
  failures: { id: string; file: string; start: number; end: number; attempts: number; reason: string; at: string | null }[];
}
