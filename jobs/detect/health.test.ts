import { describe, expect, it } from 'vitest';
import { healthScore, healthStatus } from './health.js';
import { incidentEvents } from './index.js';
import type { IncidentRow } from './types.js';

describe('healthScore', () => {
  it('applies each term of the documented formula', () => {
    const h = healthScore({ errorRate: 0.05, slowRate: 0.02, successRate: 0.9, anomalyRate: 0.03, incidents: { critical: 1, high: 2, medium: 7 } });
    // 300*0.05 = 15, 200*0.02 = 4, 200*(0.95-0.9) = 10, 150*0.03 = 4.5, 5*1 + 2*2 = 9 (MEDIUM costs nothing)
    expect(h.components).toEqual({ errors: 15, slow: 4, success: 10, anomalies: 4.5, incidents: 9 });
    expect(h.score).toBe(57.5);
    expect(h.status).toBe('POOR');
  });

  it('caps each rate term at its maximum and clamps the score at 0', () => {
    const h = healthScore({ errorRate: 0.5, slowRate: 0.4, successRate: 0.2, anomalyRate: 0.6, incidents: { critical: 3, high: 0 } });
    expect(h.components).toEqual({ errors: 30, slow: 20, success: 20, anomalies: 15, incidents: 15 });
    expect(h.score).toBe(0);
    expect(h.status).toBe('CRITICAL');
  });

  it('a healthy run scores 100: success at or above 95% costs nothing', () => {
    expect(healthScore({ errorRate: 0, slowRate: 0, successRate: 0.96, anomalyRate: 0, incidents: { critical: 0, high: 0 } })).toEqual({
      score: 100, status: 'EXCELLENT', components: { errors: 0, slow: 0, success: 0, anomalies: 0, incidents: 0 },
    });
  });

  it('maps scores to status words at the documented bounds', () => {
    expect([90, 89.9, 75, 74.9, 60, 59.9, 40, 39.9].map(healthStatus)).toEqual(['EXCELLENT', 'GOOD', 'GOOD', 'FAIR', 'FAIR', 'POOR', 'POOR', 'CRITICAL']);
  });
});

describe('incidentEvents', () => {
  const row = (start: number, end: number, services: string, severity: IncidentRow['severity']): IncidentRow => ({
    start, end, type: 'high_error_rate', severity, services, description: '', recommendation: '',
  });

  it('counts incidents that overlap in time and share a service once, at their worst severity', () => {
    const events = incidentEvents([
      row(0, 10, 'a', 'HIGH'),
      row(5, 20, 'a;b;c', 'CRITICAL'), // the cascade: joins a, b and c
      row(8, 12, 'b', 'MEDIUM'),
      row(30, 40, 'a', 'HIGH'), // later: a separate event
      row(0, 10, 'd', 'MEDIUM'), // same time, other service: separate
    ]);
    expect(events.sort()).toEqual(['CRITICAL', 'HIGH', 'MEDIUM']);
  });
});
