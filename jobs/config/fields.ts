/** The names a config may use: input formats, record fields by kind, time buckets, output formats. */
import type { RecordField } from '../../engine/schema.js';

/** Input formats, as `input.format` spells them. */
export const INPUT_FORMATS = ['text', 'csv', 'jsonl', 'access', 'pattern', 'regex'] as const;
/** One of INPUT_FORMATS. */
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Record fields a format can fill from its source (`input.fields` keys); provenance fields are not mappable. */
export const MAPPED_FIELDS = ['timestamp', 'level', 'service', 'message', 'ip', 'endpoint', 'method', 'status_code', 'response_time_ms', 'bytes'] as const;
/** One of MAPPED_FIELDS. */
export type MappedField = (typeof MAPPED_FIELDS)[number];

/** Fields a condition, a group key or a metric may name: the mapped fields plus the source `file`. */
export const QUERY_FIELDS = [...MAPPED_FIELDS, 'file'] as const satisfies readonly RecordField[];
/** One of QUERY_FIELDS. */
export type QueryField = (typeof QUERY_FIELDS)[number];

/** Fields holding numbers: comparable with gt/gte/lt/lte and summarised by sum, mean, min, max and quantiles. */
export const NUMERIC_FIELDS = ['status_code', 'response_time_ms', 'bytes'] as const;
/** One of NUMERIC_FIELDS. */
export type NumericField = (typeof NUMERIC_FIELDS)[number];

/** Fields holding strings: the ones a `matches` regex can test. */
export const STRING_FIELDS = ['level', 'service', 'message', 'ip', 'endpoint', 'method', 'file'] as const;
/** One of STRING_FIELDS. */
export type StringField = (typeof STRING_FIELDS)[number];

/** Time buckets a custom aggregation can group by (UTC). */
export const TIME_BUCKETS = ['minute', 'hour', 'day'] as const;
/** One of TIME_BUCKETS. */
export type TimeBucket = (typeof TIME_BUCKETS)[number];

/** Report formats `output.formats` can list. */
export const OUTPUT_FORMATS = ['csv', 'json', 'arrow'] as const;
/** One of OUTPUT_FORMATS. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Table names the standard report writes; a custom aggregation may not take one of them. */
export const RESERVED_TABLE_NAMES: readonly string[] = [
  'summary', 'logs_by_level', 'errors_by_minute', 'errors_by_hour', 'errors_by_day', 'errors_per_service',
  'errors_per_ip', 'errors_per_endpoint', 'errors_by_type', 'top_errors', 'service_health', 'anomalies',
  'incidents', 'error_trends', 'errors_by_severity', 'parsed', 'alerts', 'malformed',
  // the tables beyond the contract's (S3/S4 and the dashboard's): a custom table of the same name
  // would be written to the same files at the same time, one clobbering the other
  'templates', 'new_error_types', 'error_correlations', 'anomaly_scores', 'top_anomalies', 'pattern_hits',
  'anomaly_report', 'levels_over_time', 'activity_heatmap', 'response_time_histogram', 'trend', 'minute_level_service',
];

