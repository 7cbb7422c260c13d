/** The config module: load and validate config/pipeline.yaml into a typed Config. */
export { loadConfig, parseConfig, resolveInputPath, type ParseOptions } from './load.js';
export { configSchema } from './schema.js';
export { ConfigError, formatIssue, type ConfigIssue } from './errors.js';
export { applyOverrides, type CliOverrides } from './overrides.js';
export { toFormatOptions } from './format-options.js';
export { parseDuration } from './duration.js';
export { parseSize } from '../../partitions/size.js';
export { parseMetric, type Metric, type MetricOp } from './metric.js';
export type { Condition, ConditionValue } from './condition.js';
export { DEFAULT_RULES } from './rules.js';
export * from './fields.js';
export type * from './types.js';
