/**
 * The standard report tables of the output contract, built from the merged results.
 * Time tables run from the first to the last minute with empty minutes as zeros (within the
 * time axis's budget: a stray timestamp years away gets its own row, not every bucket between);
 * the others sort by errors descending, ties by key.
 */
import { LEVELS } from '../../engine/schema.js';
import type { ReportTable } from '../report/table.js';
import { slotOf, timeAxis } from './axis.js';
import { errorsOrder, sortRows } from '../report/sort.js';
import type { JobResults } from './results.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** An error type: a mined template with its counts. */
export interface ErrorType {
  id: number;
  template: string;
  count: number;
  /** Level names seen. */
  levels: string[];
  firstSeen: number | null;
  lastSeen: number | null;
  example: string;
}

/** errors/total as a share, 0 when there is nothing. */
export function rate(errors: number, total: number): number {
  return total > 0 ? errors / total : 0;
}

/** Per-bucket totals over the time axis of the run's minutes (gaps as zeros, within the axis's budget: axis.ts). */
export function bucketTotals(results: JobResults, width: number): { start: number; errors: number; total: number }[] {
  const axis = timeAxis(results.minutes.map((m) => Math.floor(m.minute / width) * width), width);
  if (axis === null) return [];
  const errors = new Float64Array(axis.n);
  const total = new Float64Array(axis.n);
  for (const m of results.minutes) {
    const k = slotOf(axis, m.minute);
    errors[k]! += m.errors;
    total[k]! += m.total;
  }
  return Array.from(axis.starts, (start, k) => ({ start, errors: errors[k]!, total: total[k]! }));
}

/** Service health status from its error rate and success rate (S4's traffic lights). */
export function serviceStatus(errorRate: number, successRate: number): 'HEALTHY' | 'DEGRADED' | 'CRITICAL' {
  if (errorRate >= 0.2 || successRate < 0.8) return 'CRITICAL';
  if (errorRate >= 0.05 || successRate < 0.95) return 'DEGRADED';
  return 'HEALTHY';
}

/** Success rate of a service: HTTP status < 400 where statuses were logged, else the share of non-error lines. */
export function successRate(s: { total: number; errors: number; withStatus: number; okStatus: number }): number {
  return s.withStatus > 0 ? s.okStatus / s.withStatus : 1 - rate(s.errors, s.total);
}

/** Every standard table except the detection ones (anomalies, incidents). */
export function standardTables(results: JobResults, errorTypes: ErrorType[], topN: number): ReportTable[] {
  const tables: ReportTable[] = [];
  const levelRows = LEVELS.filter((l) => results.levels.has(l)).map((l) => [l, results.levels.get(l)!]);
  tables.push(sortRows({ name: 'logs_by_level', columns: [{ name: 'level', type: 'string' }, { name: 'count', type: 'int' }], rows: levelRows },
    errorsOrder(['level'], 'count')));
  tables.push({
    name: 'errors_by_minute',
    columns: [{ name: 'minute', type: 'timestamp' }, { name: 'errors', type: 'int' }, { name: 'total', type: 'int' }],
    rows: bucketTotals(results, MINUTE).map((b) => [b.start, b.errors, b.total]),
  });
  for (const [name, key, width] of [['errors_by_hour', 'hour', HOUR], ['errors_by_day', 'day', DAY]] as const) {
    tables.push({
      name,
      columns: [{ name: key, type: 'timestamp' }, { name: 'errors', type: 'int' }, { name: 'total', type: 'int' }, { name: 'error_rate', type: 'float' }],
      rows: bucketTotals(results, width).map((b) => [b.start, b.errors, b.total, rate(b.errors, b.total)]),
    });
  }
  tables.push(sortRows({
    name: 'errors_per_service',
    columns: [{ name: 'service', type: 'string' }, { name: 'errors', type: 'int' }, { name: 'total', type: 'int' }, { name: 'error_rate', type: 'float' }],
    rows: results.services.filter((s) => s.service !== null).map((s) => [s.service, s.errors, s.total, rate(s.errors, s.total)]),
  }, errorsOrder(['service'])));
  for (const [name, key, list] of [['errors_per_ip', 'ip', results.ips], ['errors_per_endpoint', 'endpoint', results.endpoints]] as const) {
    tables.push(sortRows({
      name,
      columns: [{ name: key, type: 'string' }, { name: 'errors', type: 'int' }, { name: 'total', type: 'int' }],
      rows: list.filter((r) => r.key !== null).map((r) => [r.key, r.errors, r.total]),
    }, errorsOrder([key])));
  }
  const types = errorTypes.filter((t) => t.count > 0);
  tables.push(sortRows({
    name: 'errors_by_type',
    columns: [
      { name: 'type_id', type: 'int' }, { name: 'template', type: 'string' }, { name: 'errors', type: 'int' },
      { name: 'first_seen', type: 'timestamp' }, { name: 'last_seen', type: 'timestamp' }, { name: 'example', type: 'string' },
    ],
    rows: types.map((t) => [t.id, t.template, t.count, t.firstSeen, t.lastSeen, t.example]),
  }, errorsOrder(['type_id'])));
  const totalErrors = types.reduce((s, t) => s + t.count, 0);
  const top = [...types].sort((a, b) => b.count - a.count || a.id - b.id).slice(0, topN);
  tables.push({
    name: 'top_errors',
    columns: [{ name: 'rank', type: 'int' }, { name: 'template', type: 'string' }, { name: 'errors', type: 'int' }, { name: 'share', type: 'float' }],
    rows: top.map((t, i) => [i + 1, t.template, t.count, rate(t.count, totalErrors)]),
  });
  tables.push(sortRows({
    name: 'service_health',
    columns: [
      { name: 'service', type: 'string' }, { name: 'total', type: 'int' }, { name: 'errors', type: 'int' }, { name: 'error_rate', type: 'float' },
      { name: 'rt_mean', type: 'float' }, { name: 'rt_p95', type: 'float' }, { name: 'rt_p99', type: 'float' },
      { name: 'success_rate', type: 'float' }, { name: 'status', type: 'string' },
    ],
    rows: results.services.filter((s) => s.service !== null).map((s) => {
      const er = rate(s.errors, s.total);
      const sr = successRate(s);
      return [s.service, s.total, s.errors, er, s.rtMean, s.rtP95, s.rtP99, sr, serviceStatus(er, sr)];
    }),
  }, errorsOrder(['service'])));
  return tables;
}

/** json/errors_by_severity.json: {level, count} in severity order. */
export function severityTable(results: JobResults): ReportTable {
  return {
    name: 'errors_by_severity',
    columns: [{ name: 'level', type: 'string' }, { name: 'count', type: 'int' }],
    rows: LEVELS.filter((l) => results.levels.has(l)).map((l) => [l, results.levels.get(l)!]),
  };
}

