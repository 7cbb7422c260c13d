/** Report tables of the detectors' rows: anomalies.csv, incidents.csv and the forest's per-window scores. */
import type { AnomalyRow, ForestScore, IncidentRow } from '../detect/types.js';
import { anomalyExcess, type AnomalyEvidence } from '../detect/index.js';
import type { ErrorType } from './tables.js';
import { isNewType, newSince } from '../detect/templates/report.js';
import type { ReportTable } from '../report/table.js';

/** csv/anomalies.csv: timestamp,scope,detector,value,score,threshold,details (by time). */
export function anomaliesTable(rows: readonly AnomalyRow[]): ReportTable {
  return {
    name: 'anomalies',
    columns: [
      { name: 'timestamp', type: 'timestamp' }, { name: 'scope', type: 'string' }, { name: 'detector', type: 'string' },
      { name: 'value', type: 'float' }, { name: 'score', type: 'float' }, { name: 'threshold', type: 'float' }, { name: 'details', type: 'string' },
    ],
    rows: rows.map((a) => [a.timestamp, a.scope, a.detector, a.value, a.score, a.threshold, a.details]),
  };
}

/** csv/incidents.csv: start,end,type,severity,services,description,recommendation (by start). */
export function incidentsTable(rows: readonly IncidentRow[]): ReportTable {
  return {
    name: 'incidents',
    columns: [
      { name: 'start', type: 'timestamp' }, { name: 'end', type: 'timestamp' }, { name: 'type', type: 'string' }, { name: 'severity', type: 'string' },
      { name: 'services', type: 'string' }, { name: 'description', type: 'string' }, { name: 'recommendation', type: 'string' },
    ],
    rows: rows.map((i) => [i.start, i.end, i.type, i.severity, i.services, i.description, i.recommendation]),
  };
}

/** csv/anomaly_scores.csv: every window's isolation-forest score (the dashboard's slider re-marks them). */
export function forestScoresTable(rows: readonly ForestScore[]): ReportTable {
  return {
    name: 'anomaly_scores',
    columns: [{ name: 'minute', type: 'timestamp' }, { name: 'scope', type: 'string' }, { name: 'score', type: 'float' }],
    rows: rows.map((s) => [s.minute, s.scope, s.score]),
  };
}

/**
 * csv/top_anomalies.csv: the most anomalous minutes (ranked by how many scopes and detectors
 * flag them, then by how far past its threshold the worst row is), one row per example error
 * line of that minute (a minute without error lines gets one row with empty example cells).
 * `score` is that worst score / threshold ratio, comparable across detectors; `flagged_by`
 * lists each flagging row. The examples are chosen by time and content (jobs/analytics/evidence.ts),
 * never by file or offset, and name no file: a follower and a batch run keep the same ones.
 */
export function topAnomaliesTable(top: readonly AnomalyEvidence[]): ReportTable {
  const rows: unknown[][] = [];
  top.forEach((t, i) => {
    const uniq = (xs: string[]): string => [...new Set(xs)].join(';');
    const head = [
      i + 1, t.minute, uniq(t.anomalies.map((a) => a.scope)), uniq(t.anomalies.map((a) => a.detector)), Math.round(anomalyExcess(t.anomalies) * 1000) / 1000,
      t.anomalies.map((a) => `${a.detector}:${a.scope} ${a.score}>${a.threshold}`).join('; '),
    ];
    if (t.examples.length === 0) rows.push([...head, null, null, null, null]);
    for (const e of t.examples) rows.push([...head, e.timestamp, e.level, e.service, e.message]);
  });
  return {
    name: 'top_anomalies',
    columns: [
      { name: 'rank', type: 'int' }, { name: 'minute', type: 'timestamp' }, { name: 'scopes', type: 'string' }, { name: 'detectors', type: 'string' },
      { name: 'score', type: 'float' }, { name: 'flagged_by', type: 'string' },
      { name: 'example_time', type: 'timestamp' }, { name: 'level', type: 'string' }, { name: 'service', type: 'string' }, { name: 'message', type: 'string' },
    ],
    rows,
  };
}

/** Error types first seen within `window` ms of the end of the data (new in the last window; templates.csv flags the same ones). */
export function newErrorTypes(types: readonly ErrorType[], last: number | null, window: number): ErrorType[] {
  const since = newSince(last, window);
  return types.filter((t) => isNewType(t.firstSeen, since));
}

/** csv/new_error_types.csv: the error types first seen in the last `new_window`. */
export function newErrorTypesTable(types: readonly ErrorType[]): ReportTable {
  return {
    name: 'new_error_types',
    columns: [
      { name: 'type_id', type: 'int' }, { name: 'template', type: 'string' }, { name: 'errors', type: 'int' },
      { name: 'first_seen', type: 'timestamp' }, { name: 'example', type: 'string' },
    ],
    rows: types.map((t) => [t.id, t.template, t.count, t.firstSeen, t.example]),
  };
}
