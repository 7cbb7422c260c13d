/**
 * The standard job as queries over ONE scan: every report table, the detectors' inputs and
 * the user's custom aggregations are computed in a single pass over the bytes.
 */
import type { AggSpec } from '../../engine/aggregate/aggregate.js';
import type { Expr, NamedExpr } from '../../engine/expr.js';
import type { QuerySpec } from '../../engine/plan.js';
import type { Config, CustomAggregation, GroupKey } from '../config/types.js';
import type { Metric } from '../config/metric.js';
import { conditionToExpr } from './condition.js';
import { anomalyReportOn, ruleSpecOf } from '../detect/lines/rules-config.js';

const col = (name: string): Expr => ({ op: 'col', name });
const MINUTE: NamedExpr = { name: 'minute', expr: { op: 'bucket', expr: col('timestamp'), ms: 60_000 } };
const RT = col('response_time_ms');

/** Names of the standard queries, in plan order. */
export const STANDARD = ['levels', 'minuteLevelService', 'minute', 'service', 'ip', 'endpoint', 'overall', 'templates', 'evidence', 'patternHits', 'lineSample', 'lineFindings'] as const;
export type StandardQuery = (typeof STANDARD)[number];
/** The queries only detection reads (left out of the plan when detection.enabled is false). */
const DETECTION_QUERIES: ReadonlySet<StandardQuery> = new Set(['templates', 'evidence', 'patternHits']);
/** The anomaly report's queries (detection.lines). */
const LINE_QUERIES: ReadonlySet<StandardQuery> = new Set(['lineSample', 'lineFindings']);

export interface JobPlan {
  queries: QuerySpec[];
  /** Index of each standard query in `queries` (-1: not in the plan). */
  index: Record<StandardQuery, number>;
  /** Index of each custom aggregation, by name. */
  custom: Record<string, number>;
  /**
   * Follow mode only: index of the query the fast alert window reads (100 ms x service: lines,
   * errors, critical). The follower folds its partials into a short ring of buckets,
   * not into the running aggregates, so it costs no memory over a long run and no report changes.
   */
  recent?: number;
  /** Modules the workers load: the job's own aggregations (evidence, templates). */
  extensions: string[];
  /** The level sets the plan counts as errors and as critical. */
  levels: { error: readonly string[]; critical: readonly string[] };
}

/** level IN (levels) */
export function levelIn(levels: readonly string[]): Expr {
  return { op: 'in', expr: col('level'), values: [...levels] };
}

function count(name: string, where?: Expr): AggSpec {
  return { kind: 'count', name, where };
}

/** Bucket of the fast alert window's input (per 100 ms and service: lines, errors, critical lines). */
export const FAST_BUCKET_MS = 100;

/** Build the job's plan from the validated config (`follow`: add the per-second query of the fast alert window). */
export function buildPlan(config: Config, opts: { follow?: boolean } = {}): JobPlan {
  const isError = levelIn(config.levels.error);
  const ok: Expr = { op: 'cmp', cmp: '<', left: col('status_code'), right: { op: 'lit', value: 400 } };
  const hasStatus: Expr = { op: 'not', arg: { op: 'isNull', arg: col('status_code') } };
  const q: Record<StandardQuery, QuerySpec> = {
    levels: { groupBy: [{ name: 'level', expr: col('level') }], aggs: [count('count')] },
    // one grouping serves minute x level, minute x service (derived on the reduce side) and the
    // dashboard's filters (csv/minute_level_service.csv)
    minuteLevelService: {
      groupBy: [MINUTE, { name: 'level', expr: col('level') }, { name: 'service', expr: col('service') }],
      aggs: [count('count'), { kind: 'mean', name: 'rt_mean', input: RT }, count('ok_count', ok), count('status_count', hasStatus)],
    },
    minute: {
      groupBy: [MINUTE],
      aggs: [
        count('total'), count('errors', isError), { kind: 'mean', name: 'rt_mean', input: RT },
        { kind: 'quantile', name: 'rt_p95', input: RT, params: { q: 0.95 } },
        // a feature for the forest: HyperLogLog (~3% error) keeps the partial at 1 KiB a minute
        { kind: 'approx_count_distinct', name: 'ips', input: col('ip') },
      ],
    },
    service: {
      groupBy: [{ name: 'service', expr: col('service') }],
      aggs: [
        count('total'), count('errors', isError), { kind: 'mean', name: 'rt_mean', input: RT },
        { kind: 'quantile', name: 'rt_p95', input: RT, params: { q: 0.95 } },
        { kind: 'quantile', name: 'rt_p99', input: RT, params: { q: 0.99 } },
        count('with_status', hasStatus), count('ok_status', ok),
      ],
    },
    ip: { groupBy: [{ name: 'ip', expr: col('ip') }], aggs: [count('total'), count('errors', isError)] },
    endpoint: { groupBy: [{ name: 'endpoint', expr: col('endpoint') }], aggs: [count('total'), count('errors', isError)] },
    // overall latency is merged from the per-service sketches and sums (exact): no per-row cost here
    overall: {
      groupBy: [],
      aggs: [{ kind: 'min', name: 'first', input: col('timestamp') }, { kind: 'max', name: 'last', input: col('timestamp') }],
    },
    templates: {
      filter: isError,
      groupBy: [],
      // per-minute counts per key only when error_correlations.csv needs them
      aggs: [{ kind: 'templates', name: 'templates', params: { maxKeys: 50_000, ...(config.detection.correlations.enabled ? { minutes: true } : {}) } }],
    },
    evidence: {
      filter: isError,
      groupBy: [MINUTE],
      aggs: [{ kind: 'evidence', name: 'examples', params: { n: config.detection.evidence.per_minute } }],
    },
    // pattern_hits.csv (jobs/detect/patterns.ts); with the anomaly report on, its line findings
    // fill the same state as they test the rules, and this query is left out
    patternHits: {
      groupBy: [],
      aggs: [{ kind: 'pattern_hits', name: 'pattern_hits', params: { rules: ruleSpecOf(config) } }],
    },
    // the line forest's training sample (jobs/detect/lines/sample.ts)
    lineSample: {
      groupBy: [],
      aggs: [{ kind: 'line_sample', name: 'line_sample', params: { k: config.detection.lines.enabled ? config.detection.lines.training_lines : 0 } }],
    },
    // the anomaly report's model-free findings and each minute's byte span (jobs/detect/lines/findings.ts)
    lineFindings: {
      groupBy: [],
      aggs: [{ kind: 'line_findings', name: 'line_findings', params: { rules: ruleSpecOf(config), limit: config.output.anomaly_report_limit, off: !config.detection.lines.enabled, patterns: true } }],
    },
  };
  // detection off: no template sketch or evidence on the map side; the anomaly report off: no line
  // sample or findings either (index -1: collectResults reads them as empty). Both kinds read whole
  // rows, so leaving them in would also turn off projection pushdown for nothing. The same for a
  // part that is off on its own: templates (nothing reads the sketch then, not even the
  // correlations) and evidence with no example per minute.
  const lines = anomalyReportOn(config);
  const off = (k: StandardQuery): boolean => (!config.detection.enabled && DETECTION_QUERIES.has(k)) || (!lines && LINE_QUERIES.has(k))
    || (k === 'patternHits' && (lines || config.detection.rules.length === 0))
    || (k === 'templates' && !config.detection.templates.enabled)
    || (k === 'evidence' && config.detection.evidence.per_minute === 0);
  const kept = STANDARD.filter((k) => !off(k));
  const queries: QuerySpec[] = kept.map((k) => q[k]);
  const index = Object.fromEntries(STANDARD.map((k) => [k, kept.indexOf(k)])) as Record<StandardQuery, number>;
  const custom: Record<string, number> = {};
  for (const c of config.analytics.custom) {
    custom[c.name] = queries.length;
    queries.push(customQuery(c, isError));
  }
  let recent: number | undefined;
  if (opts.follow && config.alerts.fast_window > 0) {
    recent = queries.length;
    queries.push({
      groupBy: [{ name: 'bucket', expr: { op: 'bucket', expr: col('timestamp'), ms: FAST_BUCKET_MS } }, { name: 'service', expr: col('service') }],
      aggs: [count('total'), count('errors', isError), count('critical', levelIn(config.levels.critical))],
    });
  }
  // the module beside this one: .ts when running from source (tsx, vitest), .js when compiled
  const ext = new URL(import.meta.url.endsWith('.ts') ? './extensions.ts' : './extensions.js', import.meta.url).href;
  return { queries, index, custom, recent, extensions: [ext], levels: { error: config.levels.error, critical: config.levels.critical } };
}

function groupKey(k: GroupKey): NamedExpr {
  const ms = k === 'minute' ? 60_000 : k === 'hour' ? 3_600_000 : k === 'day' ? 86_400_000 : 0;
  return ms ? { name: k, expr: { op: 'bucket', expr: col('timestamp'), ms } } : { name: k, expr: col(k) };
}

function metricAgg(m: Metric, isError: Expr): AggSpec {
  const input = m.field ? col(m.field) : undefined;
  switch (m.op) {
    case 'count': return { kind: 'count', name: m.column };
    case 'errors': return { kind: 'count', name: m.column, where: isError };
    case 'distinct': return { kind: 'count_distinct', name: m.column, input };
    case 'quantile': return { kind: 'quantile', name: m.column, input, params: { q: m.q ?? 0.5 } };
    default: return { kind: m.op, name: m.column, input };
  }
}

/** A custom aggregation from the config as a query of the same pass. */
export function customQuery(c: CustomAggregation, isError: Expr): QuerySpec {
  return {
    filter: c.where ? conditionToExpr(c.where) : undefined,
    groupBy: c.group_by.map(groupKey),
    aggs: c.metrics.map((m) => metricAgg(m, isError)),
  };
}
