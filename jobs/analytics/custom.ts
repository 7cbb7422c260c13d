/** Tables of the user's custom aggregations (analytics.custom), from the same one pass. */
import type { Scalar } from '../../engine/expr.js';
import type { Config, CustomAggregation } from '../config/types.js';
import type { ColumnType, ReportTable } from '../report/table.js';
import type { JobResults } from './results.js';

function keyType(k: CustomAggregation['group_by'][number]): ColumnType {
  if (k === 'minute' || k === 'hour' || k === 'day' || k === 'timestamp') return 'timestamp';
  if (k === 'status_code' || k === 'bytes') return 'int';
  if (k === 'response_time_ms') return 'float';
  return 'string';
}

/** One report table per custom aggregation, named after it; rows sorted by key. */
export function customTables(config: Config, results: JobResults): ReportTable[] {
  return config.analytics.custom.map((c) => {
    const rows: Scalar[][] = results.custom.get(c.name) ?? [];
    const columns = [
      ...c.group_by.map((k) => ({ name: k as string, type: keyType(k) })),
      ...c.metrics.map((m) => ({
        name: m.column,
        type: (m.op === 'count' || m.op === 'errors' || m.op === 'distinct' ? 'int' : 'float') as ColumnType,
      })),
    ];
    return { name: c.name, columns, rows: rows.map((r) => r.map((v, i) => (columns[i]!.type === 'int' && typeof v === 'number' && !Number.isInteger(v) ? Math.round(v) : v))) };
  });
}
