/**
 * Row types of the detection outputs. Field names and order are the output contract's columns
 * (DESIGN.md): anomalies.csv `timestamp,scope,detector,value,score,threshold,details` and
 * incidents.csv `start,end,type,severity,services,description,recommendation`. Times are ms
 * since the epoch (UTC); the report writers turn them into ISO 8601.
 */

/** Which detector raised an anomaly row. */
export type Detector = 'zscore' | 'forest';

/** One row of anomalies.csv. For every detector `score > threshold` holds on the row. */
export interface AnomalyRow {
  /** Start of the anomalous minute (ms). */
  timestamp: number;
  /** 'all' for the whole system, else the service name. */
  scope: string;
  detector: Detector;
  /** zscore: the minute's error count; forest: the window's anomaly score (0..1). */
  value: number;
  /** zscore: the z-score; forest: the anomaly score (0..1, higher = more anomalous). */
  score: number;
  /** zscore: the configured z threshold; forest: the contamination cut on the score. */
  threshold: number;
  /** Human-readable reason: the baseline used, or the features that stand out. */
  details: string;
}

/** Scope of the whole system in anomaly rows. */
export const ALL_SCOPE = 'all';

/** The incident kinds of S4's rules. */
export type IncidentType = 'high_error_rate' | 'latency_degradation' | 'cascading_failure';

/** Incident severity, most severe first. */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM';

/** One row of incidents.csv. */
export interface IncidentRow {
  /** First minute of the incident (ms). */
  start: number;
  /** End of the incident: the end of its last minute (ms, exclusive). */
  end: number;
  type: IncidentType;
  severity: Severity;
  /** Affected services joined by ';' (onset order for a cascade). */
  services: string;
  /** What was seen, with numbers, and the first error line in the window (root-cause hint). */
  description: string;
  /** What a human should do first. */
  recommendation: string;
}

/** One scored window of the isolation forest, for the dashboard's score chart. */
export interface ForestScore {
  minute: number;
  scope: string;
  score: number;
}

/** Minute length in ms: every detector works on UTC minute buckets. */
export const MINUTE = 60_000;

/** Round to `d` decimals (scores and rates in reports are read by humans). */
export function round(x: number, d = 3): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
