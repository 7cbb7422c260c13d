/** Metrics of custom aggregations: 'count', 'errors', 'sum:FIELD', 'mean:FIELD', 'min:FIELD', 'max:FIELD', 'distinct:FIELD', 'pNN:FIELD'. */
import { NUMERIC_FIELDS, QUERY_FIELDS, type QueryField } from './fields.js';
import { closest } from './suggest.js';
import { Invalid, leaf, show, type Schema } from './values.js';

/** What a metric computes; 'quantile' comes from pNN (p50, p95, p99.9) and carries q. */
export type MetricOp = 'count' | 'errors' | 'sum' | 'mean' | 'min' | 'max' | 'distinct' | 'quantile';

/** A parsed metric. `column` is its output column name: count, errors, sum_bytes, p95_response_time_ms, p99_9_response_time_ms. */
export interface Metric {
  op: MetricOp;
  /** The field it reads; absent for count and errors. */
  field?: QueryField;
  /** The quantile in [0, 1] for op 'quantile' (p95 -> 0.95). */
  q?: number;
  column: string;
}

const FORMS = 'count, errors, sum:FIELD, mean:FIELD, min:FIELD, max:FIELD, distinct:FIELD or pNN:FIELD (e.g. p95:response_time_ms)';
const FIELD_OPS = ['sum', 'mean', 'min', 'max', 'distinct'] as const;

/** Parse one metric string; an Invalid says what is wrong. */
export function parseMetric(text: string): Metric | Invalid {
  const t = text.trim();
  if (t === 'count' || t === 'errors') return { op: t, column: t };
  const colon = t.indexOf(':');
  const head = colon < 0 ? t : t.slice(0, colon);
  const field = colon < 0 ? '' : t.slice(colon + 1).trim();
  const pm = /^p(\d{1,3}(?:\.\d+)?)$/.exec(head);
  const op: MetricOp | undefined = pm ? 'quantile' : (FIELD_OPS as readonly string[]).includes(head) ? (head as MetricOp) : undefined;
  if (op === undefined) {
    const near = closest(head, [...FIELD_OPS, 'count', 'errors']) ?? (/^(avg|average)$/i.test(head) ? 'mean' : undefined);
    const hint = near !== undefined ? `; did you mean '${near}${colon < 0 ? '' : `:${field}`}'?` : '';
    return new Invalid(`unknown metric '${t}': expected ${FORMS}${hint}`);
  }
  if (field === '') return new Invalid(`metric '${t}' needs a field: ${head}:FIELD`);
  if (!(QUERY_FIELDS as readonly string[]).includes(field)) {
    const near = closest(field, QUERY_FIELDS);
    return new Invalid(`unknown field '${field}' in metric '${t}': expected one of ${QUERY_FIELDS.join(', ')}${near ? `; did you mean '${near}'?` : ''}`);
  }
  const f = field as QueryField;
  const numeric = (NUMERIC_FIELDS as readonly string[]).includes(f) || ((op === 'min' || op === 'max') && f === 'timestamp');
  if (op !== 'distinct' && !numeric) {
    return new Invalid(`metric '${t}' needs a numeric field, one of ${NUMERIC_FIELDS.join(', ')}${op === 'min' || op === 'max' ? ', timestamp' : ''} (got '${f}')`);
  }
  if (op === 'quantile') {
    const pct = Number(pm![1]);
    if (pct > 100) return new Invalid(`quantile '${head}' must be between p0 and p100`);
    return { op, field: f, q: Math.round(pct * 1e6) / 1e8, column: `${head.replace('.', '_')}_${f}` };
  }
  return { op, field: f, column: `${op}_${f}` };
}

/** A metric string parsed into a Metric. */
export const metricSchema: Schema<Metric> = leaf((v) =>
  typeof v === 'string' ? parseMetric(v) : new Invalid(`expected a metric such as ${FORMS} (got ${show(v)})`),
);
