/**
 * csv/error_correlations.csv: pairs of error types whose minutes co-occur beyond chance
 * (jobs/detect/correlate.ts has the statistic). The per-minute counts come from the template
 * sketch (each worker counts its error lines per masked key and minute; the counts sum on merge),
 * folded into the mined templates on the reduce side, so the table is the same for any
 * partitioning.
 */
import type { Config } from '../config/types.js';
import { correlatedPairs } from '../detect/correlate.js';
import { minuteRange } from '../detect/minutes.js';
import type { TemplateSet } from '../detect/templates/mine.js';
import { templateMinutes } from '../detect/templates/report.js';
import type { TemplateSketch } from '../detect/templates/sketch.js';
import { MINUTE } from '../detect/types.js';
import type { ReportTable } from '../report/table.js';
import type { JobResults } from './results.js';

const COLUMNS: ReportTable['columns'] = [
  { name: 'type_a', type: 'int' }, { name: 'template_a', type: 'string' }, { name: 'type_b', type: 'int' }, { name: 'template_b', type: 'string' },
  { name: 'minutes_a', type: 'int' }, { name: 'minutes_b', type: 'int' }, { name: 'minutes_both', type: 'int' }, { name: 'window_min', type: 'int' },
  { name: 'lift', type: 'float' }, { name: 'correlation', type: 'float' }, { name: 'p_value', type: 'float' },
];

/**
 * The correlated pairs of a run: type_a (the rarer), template_a, type_b, template_b, minutes_a,
 * minutes_b, minutes_both (minutes of a with b within window_min), window_min, lift,
 * correlation (phi), p_value (Fisher, one-sided, unadjusted); strongest evidence first.
 * Over every minute of the run's minute axis (the first to the last minute with logs, breaks
 * aside: jobs/analytics/axis.ts), not only minutes with errors.
 */
export function errorCorrelationsTable(results: Pick<JobResults, 'templates' | 'minutes'>, set: TemplateSet | null, config: Config['detection']): ReportTable {
  const table: ReportTable = { name: 'error_correlations', columns: COLUMNS, rows: [] };
  const sketch = results.templates as TemplateSketch | null;
  const cfg = config.correlations;
  const axis = minuteRange(results);
  if (!cfg.enabled || !set || !sketch || axis === null) return table;
  const window = cfg.window / MINUTE;
  const pairs = correlatedPairs(templateMinutes(sketch, set), {
    window, minSupport: cfg.min_support, minLift: cfg.min_lift, maxPValue: cfg.max_p_value,
    axis,
  });
  const text = (id: number): string => set.templates[id - 1]!.template;
  table.rows = pairs.map((p) => [
    p.template_a, text(Number(p.template_a)), p.template_b, text(Number(p.template_b)),
    p.minutes_a, p.minutes_b, p.minutes_both, window, p.lift, p.correlation, p.p_value,
  ]);
  return table;
}
