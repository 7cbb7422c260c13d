/**
 * The anomaly report (S3's anomaly_report.csv): the checks and the line model built from a run's
 * config and merged results, the line pass, and the table written from both passes:
 * `file,line,timestamp,level,service,type,confidence,score,message`.
 */
import type { Engine } from '../../../engine/index.js';
import type { ScanSpec } from '../../../engine/plan.js';
import type { JobResults } from '../../analytics/results.js';
import type { ErrorType } from '../../analytics/tables.js';
import type { Config } from '../../config/types.js';
import type { ReportTable } from '../../report/table.js';
import type { TemplateSet } from '../templates/mine.js';
import type { LineAnomalies } from './anomalies.js';
import { addTypes, type LineFindings } from './findings.js';
import { buildLineModel, type LineModelJSON } from './model.js';
import { runLinePass } from './pass.js';
import { PRIORS } from './rules.js';
import { anomalyReportOn, ruleSpecOf } from './rules-config.js';
import { bestFirst, rowOrder, type AnomalyLine } from './rows.js';

/** The line model of a run (null when off or without a training sample). */
export function lineModelOf(config: Config, results: JobResults, forestTop = 0): LineModelJSON | null {
  if (!anomalyReportOn(config)) return null;
  return buildLineModel({
    sample: results.lineSample ?? [],
    // the minute x service roll-up: its errors count config.levels.error, its latency sums are exact
    cells: results.minuteServices,
    forest: config.detection.lines,
    limit: config.output.anomaly_report_limit,
    forestTop,
  });
}

/** What the report is written from: the kept rows, the total and the count per type. */
export interface AnomalyReport { rows: AnomalyLine[]; total: number; types: Record<string, number> }

/** Run the line pass (when there is a model) and combine it with the job pass's findings. */
export async function anomalyReport(
  engine: Engine, scan: ScanSpec, config: Config, results: JobResults, extensions: string[],
  opts: {
    /** The mined templates and the new error types (read once the pass is done). */
    mined: () => { set: TemplateSet | null; newTypes: readonly ErrorType[] };
    /** Main-thread work to do while the workers read (the pass's tasks are sent first). */
    whileReading?: () => void;
    gzip?: ReadonlyMap<string, number>;
    signal?: AbortSignal;
  },
): Promise<AnomalyReport | null> {
  const findings = results.lineFindings;
  if (!anomalyReportOn(config) || !findings) {
    opts.whileReading?.();
    return null;
  }
  const model = lineModelOf(config, results);
  const pass = model ? runLinePass(engine, scan, model, findings.spans, { extensions, rules: ruleSpecOf(config), gzip: opts.gzip, signal: opts.signal }) : null;
  // a failure of the pass is read at `await pass` below; until then it must not count as unhandled
  pass?.catch(() => undefined);
  // the pass's first tasks are posted within this turn of the event loop; the main thread's own
  // work then runs beside them instead of before or after
  if (pass) await new Promise((resolve) => setImmediate(resolve));
  try {
    opts.whileReading?.();
  } catch (err) {
    await pass?.catch(() => undefined);
    throw err;
  }
  const ml = pass ? await pass : null;
  const { set, newTypes } = opts.mined();
  return combine(findings, ml, config.output.anomaly_report_limit, set, newTypes);
}

/**
 * One row per line from both passes (the forest's row, which carries every finding, wins), tagged
 * NEW_TEMPLATE when an error line's template is among the new error types, best first, capped.
 */
export function combine(findings: LineFindings, ml: LineAnomalies | null, limit: number, set: TemplateSet | null, newTypes: readonly ErrorType[]): AnomalyReport {
  const byLine = new Map<string, AnomalyLine>();
  for (const r of findings.rows) byLine.set(`${r.file}\u0000${r.offset}`, { ...r });
  for (const r of ml?.rows ?? []) byLine.set(`${r.file}\u0000${r.offset}`, { ...r });
  const fresh = new Set(newTypes.map((t) => t.id));
  const types = addTypes(findings.types, ml ? { ML_DETECTED: ml.ml } : {});
  if (set && fresh.size > 0) {
    types.NEW_TEMPLATE = newTypes.reduce((s, t) => s + t.count, 0);
    for (const r of byLine.values()) {
      if (!r.type.split(';').includes('ERROR_LEVEL') || !fresh.has(set.assign(r.message))) continue;
      r.type = r.type.replace('ERROR_LEVEL', 'ERROR_LEVEL;NEW_TEMPLATE');
      r.score = 1 - (1 - r.score) * (1 - PRIORS.newTemplate);
    }
  }
  return { rows: bestFirst([...byLine.values()], limit, rowOrder), total: findings.total + (ml?.mlOnly ?? 0), types };
}

/** High: score >= 0.9 (e.g. a critical pattern, or two findings); Medium: >= 0.75; else Low. */
export function confidenceOf(score: number): 'High' | 'Medium' | 'Low' {
  return score >= 0.9 ? 'High' : score >= 0.75 ? 'Medium' : 'Low';
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** csv/anomaly_report.csv: the kept lines, best first. */
export function anomalyReportTable(report: AnomalyReport | null): ReportTable {
  return {
    name: 'anomaly_report',
    columns: [
      { name: 'file', type: 'string' }, { name: 'line', type: 'int' }, { name: 'timestamp', type: 'timestamp' },
      { name: 'level', type: 'string' }, { name: 'service', type: 'string' }, { name: 'type', type: 'string' },
      { name: 'confidence', type: 'string' }, { name: 'score', type: 'float' }, { name: 'message', type: 'string' },
    ],
    rows: (report?.rows ?? []).map((r) => [r.file, r.line, r.timestamp, r.level, r.service, r.type, confidenceOf(r.score), round4(r.score), r.message]),
  };
}

/** Lines per anomaly type, most first (ties by name): the summary's and the terminal's breakdown. */
export function typeBreakdown(report: AnomalyReport | null): Record<string, number> {
  return Object.fromEntries(Object.entries(report?.types ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}
