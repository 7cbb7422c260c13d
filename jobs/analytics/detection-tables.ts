/** Report tables of the detectors' rows: anomalies.csv, incidents.csv and the forest's per-window scores. */
import type { AnomalyRow, ForestScore, IncidentRow } from '../detect/types.js';
import type { ErrorType } from './tables.js';
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

/** Error types first seen within `window` ms of the end of the data (new in the last window). */
export function newErrorTypes(types: readonly ErrorType[], last: number | null, window: number): ErrorType[] {
  if (last === null) return [];
  return types.filter((t) => t.firstSeen !== null && t.firstSeen >= last - window);
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
