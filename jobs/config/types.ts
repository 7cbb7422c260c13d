/**
 * The validated config: YAML keys keep their snake_case names, defaults are applied,
 * durations are milliseconds, sizes are bytes, and paths are resolved (see load.ts).
 */
import type { Level } from '../../engine/schema.js';
import type { Condition } from './condition.js';
import type { InputFormat, MappedField, OutputFormat, QueryField, TimeBucket } from './fields.js';
import type { Metric } from './metric.js';

/** The whole config. */
export interface Config {
  engine: EngineConfig;
  input: InputConfig;
  levels: LevelsConfig;
  analytics: AnalyticsConfig;
  detection: DetectionConfig;
  alerts: AlertsConfig;
  output: OutputConfig;
  dashboard: DashboardConfig;
}

/** How the job runs. */
export interface EngineConfig {
  /** Worker threads (default os.availableParallelism()). */
  workers: number;
  /** Target partition size in bytes (default 32 MiB). */
  partition_size: number;
  executor: 'local' | 'cluster';
  /** redis:// URL of the task queue; set when executor is 'cluster'. */
  redis?: string;
  /** BullMQ queue name of the cluster (default logframe-tasks): one per cluster sharing a Redis. */
  queue?: string;
}

/** input.broker: a RabbitMQ queue of log lines. */
export interface BrokerConfig {
  /** amqp:// URL (password: env LOGFRAME_AMQP_PASSWORD). */
  url: string;
  queue: string;
  /** Message body: 'lines' (one or more log lines, newline-separated) or 'json' (a JSON string or array of strings). */
  format: 'lines' | 'json';
  /** Messages appended to the spool in one step. */
  batch_size: number;
  /** Unacknowledged messages at most (the channel's prefetch, 1 to 65535). */
  prefetch: number;
}

/** What to read and how to parse it. */
export interface InputConfig {
  /** Files or globs (absolute after loadConfig). */
  paths: string[];
  format: InputFormat;
  /** Zone of timestamps written without one: 'UTC', '+02:00' or an IANA name. */
  timezone: string;
  /** Keep reading as files grow. */
  follow: boolean;
  /** File where follow mode saves its read offsets. */
  checkpoint?: string;
  /** Consume lines from a RabbitMQ queue (implies follow); `paths` is then not needed. */
  broker?: BrokerConfig;
  /** false, or multi-line records: a line that does not start a record continues the previous one; `start` (a regex) says which lines start one, else the format decides. */
  multiline: false | { start?: string };
  csv: { delimiter: string; multiline: boolean };
  /** Loghub-style format string (format 'pattern'). */
  pattern?: string;
  /** Regular expression with named groups (format 'regex'). */
  regex?: string;
  /** Record field -> source name (captured name, CSV header or dotted JSON path). */
  fields: Partial<Record<MappedField, string>>;
  /** Source names joined by a space, and their strptime format (auto-detected when absent). */
  timestamp?: { from: string[]; format?: string };
  /** Access logs: status >= error is ERROR, >= warn is WARN, else INFO. */
  level_from_status: { error: number; warn: number };
}

/** Which levels count as errors and as critical. */
export interface LevelsConfig {
  error: Level[];
  critical: Level[];
}

/** The report tables beyond the standard ones. */
export interface AnalyticsConfig {
  /** Rows of top_errors.csv. */
  top_n: number;
  custom: CustomAggregation[];
}

/** A group key: a record field or a UTC time bucket of the timestamp. */
export type GroupKey = QueryField | TimeBucket;

/** A user-defined table: rows matching `where`, grouped by `group_by`, with `metrics` per group. */
export interface CustomAggregation {
  /** Identifier, unique; names the output table. */
  name: string;
  where?: Condition;
  group_by: GroupKey[];
  metrics: Metric[];
}

/** Detectors and incident rules. */
export interface DetectionConfig {
  /** false: no template mining, evidence or detectors (their tables are written empty); measures what detection costs. */
  enabled: boolean;
  templates: {
    enabled: boolean;
    /** Drain's similarity threshold, 0..1: only for messages whose masked key the mined sketch never held (TemplateSet.assignKey). */
    similarity: number;
    /** Parse-tree depth. */
    depth: number;
    /** A template first seen less than this (ms) before the end of the data counts as new. */
    new_window: number;
  };
  zscore: {
    enabled: boolean;
    threshold: number;
    per_service: boolean;
    mode: 'global' | 'rolling' | 'robust';
    /** Baseline window of the rolling mode (ms). */
    window: number;
  };
  isolation_forest: { enabled: boolean; trees: number; sample_size: number; contamination: number; seed: number };
  /** The line-level isolation forest and the anomaly report's thresholds (jobs/detect/lines). */
  lines: {
    enabled: boolean; trees: number; sample_size: number;
    /** Lines the workers sample for training (bottom-k by hash of content and position). */
    training_lines: number;
    contamination: number; seed: number;
    /** Share of the lines the forest re-reads and scores: the minutes whose contexts lift scores most (1: every line). */
    context_share: number;
    /** A line at least this slow (ms) is SLOW_RESPONSE. */
    slow_ms: number;
  };
  rules: DetectionRule[];
  incidents: {
    /** ms */
    error_rate: { threshold: number; window: number; min_events: number };
    latency: { factor: number };
    /** ms */
    cascade: { services: number; window: number };
  };
  /** Example lines kept per minute as evidence for anomalies and incidents. */
  evidence: { per_minute: number };
  /** Correlated error pairs (csv/error_correlations.csv); see jobs/detect/correlate.ts. */
  correlations: {
    enabled: boolean;
    /** Co-occurrence half-window (ms, whole minutes; 0 = the same minute). */
    window: number;
    /** Minimum minutes in which both occur. */
    min_support: number;
    min_lift: number;
    /** Family-wise significance level (Bonferroni over the pairs tested). */
    max_p_value: number;
  };
}

/** A known failure signature. */
export interface DetectionRule {
  name: string;
  /** JavaScript regex source, matched against the message. */
  pattern: string;
  /** Compile the pattern with the 'i' flag (default true). */
  ignore_case: boolean;
  /** Severity a match is reported with; absent: the record's own level. */
  level?: Level;
  category: string;
}

/** When and where alerts go. */
export interface AlertsConfig {
  /** Silence between two alerts of one rule and scope (ms). */
  cooldown: number;
  /** Messages per minute at most, per channel. */
  rate_limit: number;
  /** Window the alert rules are evaluated over (ms). */
  window: number;
  /** Follow mode: the trailing span error_rate is also checked over at every poll (ms; 0 = off). */
  fast_window: number;
  rules: { error_rate: number; error_count: number; critical_count: number };
  channels: AlertChannels;
}

/** Alert destinations. */
export interface AlertChannels {
  console: boolean;
  /** false, or the alerts.log path (default <output.dir>/alerts.log). */
  file: false | { path: string };
  email?: EmailChannel;
  webhook: WebhookChannel[];
}

/** SMTP delivery; credentials come from the environment, never the config. */
export interface EmailChannel {
  host: string;
  port: number;
  secure: boolean;
  from: string;
  to: string[];
  /** Environment variable holding the SMTP user. */
  user_env: string;
  /** Environment variable holding the SMTP password. */
  password_env: string;
  subject_prefix: string;
}

/** An HTTP POST per alert; exactly one of url and url_env is set. */
export interface WebhookChannel {
  url?: string;
  /** Environment variable holding the whole URL (its path is often the secret). */
  url_env?: string;
  shape: 'json' | 'slack';
  headers: Record<string, string>;
  /** Header name -> environment variable holding its value (an API key, a bearer token). */
  headers_env?: Record<string, string>;
}

/** Where reports go. */
export interface OutputConfig {
  /** Output directory (absolute after loadConfig). */
  dir: string;
  formats: OutputFormat[];
  /** Also write parsed.arrow with every record. */
  parsed: boolean;
  /** Report rewrite interval in follow mode (ms). */
  refresh: number;
  /** Rows of anomalies.csv at most. */
  anomaly_report_limit: number;
}

/** The dashboard server. */
export interface DashboardConfig {
  enabled: boolean;
  host: string;
  port: number;
}
