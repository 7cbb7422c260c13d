/**
 * The anomaly report (S3's anomaly_report.csv): the model built from a run's merged results, and
 * the table written from the line pass: `file,line,timestamp,level,service,type,confidence,score,message`.
 */
import type { JobResults } from '../../analytics/results.js';
import type { ErrorType } from '../../analytics/tables.js';
import type { Config } from '../../config/types.js';
import type { ReportTable } from '../../report/table.js';
import type { TemplateSet } from '../templates/mine.js';
import type { AnomalyLine, LineAnomalies } from './anomalies.js';
import { buildLineModel, type LineModelJSON } from './model.js';

/** The line model of a run (null when the line report is off). */
export function lineModelOf(config: Config, results: JobResults, set: TemplateSet | null, newTypes: readonly ErrorType[], forestTop = 0): LineModelJSON | null {
  const d = config.detection;
  if (!d.lines.enabled) return null;
  const errors = new Set<string>(config.levels.error);
  const since = Math.min(...newTypes.map((t) => t.firstSeen ?? Infinity));
  return buildLineModel({
    sample: results.lineSample ?? [],
    cells: results.minuteLevelService.map((c) => ({
      minute: c.minute, service: c.service, total: c.count, errors: errors.has(c.level) ? c.count : 0, rtSum: c.rtSum, rtCount: c.rtCount,
    })),
    p95: new Map(results.services.map((s) => [s.service, s.rtP95])),
    slowFactor: d.lines.slow_factor,
    errorLevels: config.levels.error,
    criticalLevels: config.levels.critical,
    rules: d.rules,
    newTemplates: set && newTypes.length > 0 && Number.isFinite(since) ? { set: set.toJSON(), ids: newTypes.map((t) => t.id), since } : null,
    limit: config.output.anomaly_report_limit,
    forest: d.lines,
    forestTop,
  });
}

/** High: very likely worth reading (score >= 0.9, or three findings); Medium: score >= 0.75 or two findings; else Low. */
export function confidenceOf(r: Pick<AnomalyLine, 'score' | 'type'>): 'High' | 'Medium' | 'Low' {
  const n = r.type.split(';').length;
  if (r.score >= 0.9 || n >= 3) return 'High';
  if (r.score >= 0.75 || n >= 2) return 'Medium';
  return 'Low';
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** csv/anomaly_report.csv: the kept lines, best first. */
export function anomalyReportTable(state: LineAnomalies | null): ReportTable {
  return {
    name: 'anomaly_report',
    columns: [
      { name: 'file', type: 'string' }, { name: 'line', type: 'int' }, { name: 'timestamp', type: 'timestamp' },
      { name: 'level', type: 'string' }, { name: 'service', type: 'string' }, { name: 'type', type: 'string' },
      { name: 'confidence', type: 'string' }, { name: 'score', type: 'float' }, { name: 'message', type: 'string' },
    ],
    rows: (state?.rows ?? []).map((r) => [r.file, r.line, r.timestamp, r.level, r.service, r.type, confidenceOf(r), round4(r.score), r.message]),
  };
}

/** Lines per anomaly type, most first (ties by name): the summary's and the terminal's breakdown. */
export function typeBreakdown(state: LineAnomalies | null): Record<string, number> {
  const entries = Object.entries(state?.types ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return Object.fromEntries(entries);
}
