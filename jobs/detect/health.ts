/**
 * System health score, 0-100, with S4's weights.
 *
 * ```
 * health = clamp(100 - errors - slow - success - anomalies - incidents, 0, 100), one decimal
 *   errors    = min(30, 300 * error_rate)                  error_rate   = error lines / lines
 *   slow      = min(20, 200 * slow_rate)                   slow_rate    = requests slower than 1000 ms / requests with a latency
 *   success   = min(20, 200 * max(0, 0.95 - success_rate)) success_rate = 2xx/3xx responses / responses with a status
 *                                                                         (1 - error_rate when the logs carry no status)
 *   anomalies = min(15, 150 * anomaly_rate)                anomaly_rate = minutes flagged for the whole system / minutes
 *   incidents = 5 * CRITICAL incidents + 2 * HIGH incidents (MEDIUM ones cost nothing); an incident
 *               here is an event: incidents that overlap in time and share a service count once,
 *               at their worst severity (a cascade and its services' error-rate rows are one event)
 * status: EXCELLENT >= 90, GOOD >= 75, FAIR >= 60, POOR >= 40, else CRITICAL
 * ```
 *
 * Each rate term reaches its cap at a level that is plainly unhealthy: 10% errors, 10% slow
 * requests, 85% success, 10% anomalous minutes. Success is only "low" below 95%: client errors
 * (404s, expired tokens) keep a healthy service under 100%. Incidents are not capped, as in S4:
 * three CRITICAL incidents already cost as much as the error-rate term at its worst.
 */

/** What the score is computed from; rates are fractions in 0..1. */
export interface HealthInputs {
  errorRate: number;
  slowRate: number;
  successRate: number;
  anomalyRate: number;
  /** Incident events by severity (see incidentEvents in index.ts). */
  incidents: { critical: number; high: number; medium?: number };
}

/** Status words, best first. */
export type HealthStatus = 'EXCELLENT' | 'GOOD' | 'FAIR' | 'POOR' | 'CRITICAL';

/** The score, its status and the points each term took off. */
export interface Health {
  score: number;
  status: HealthStatus;
  components: { errors: number; slow: number; success: number; anomalies: number; incidents: number };
}

/** Requests slower than this count as slow (the generator's and S4's "slow request" line). */
export const SLOW_MS = 1000;

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const r1 = (x: number): number => Math.round(x * 10) / 10;

/** The status word of a score. */
export function healthStatus(score: number): HealthStatus {
  return score >= 90 ? 'EXCELLENT' : score >= 75 ? 'GOOD' : score >= 60 ? 'FAIR' : score >= 40 ? 'POOR' : 'CRITICAL';
}

/** Health score 0-100 with S4's weights (formula in the module comment). */
export function healthScore(h: HealthInputs): Health {
  const components = {
    errors: r1(Math.min(30, 300 * clamp01(h.errorRate))),
    slow: r1(Math.min(20, 200 * clamp01(h.slowRate))),
    success: r1(Math.min(20, 200 * Math.max(0, 0.95 - clamp01(h.successRate)))),
    anomalies: r1(Math.min(15, 150 * clamp01(h.anomalyRate))),
    incidents: 5 * h.incidents.critical + 2 * h.incidents.high,
  };
  const total = components.errors + components.slow + components.success + components.anomalies + components.incidents;
  const score = r1(Math.min(100, Math.max(0, 100 - total)));
  return { score, status: healthStatus(score), components };
}
