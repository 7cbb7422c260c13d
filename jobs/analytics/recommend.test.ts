import { describe, expect, it } from 'vitest';
import { recommendations, type RecommendInputs } from './recommend.js';
import type { ErrorType } from './tables.js';

const type = (id: number, template: string, count: number): ErrorType => ({ id, template, count, levels: ['ERROR'], firstSeen: 0, lastSeen: 0, example: template });
const svc = (service: string, total: number, errors: number, rtP95: number): RecommendInputs['results']['services'][number] => ({
  service, total, errors, rtMean: rtP95 / 2, rtP95, rtP99: rtP95 * 1.5, withStatus: total, okStatus: total - errors,
});

const quiet: RecommendInputs = {
  results: { services: [svc('api', 1000, 10, 120), svc('db', 500, 5, 80)], latency: { mean: 60, p50: 50, p95: 110, p99: 200 } },
  parsed: 1500, errors: 15, errorRate: 0.01,
  health: { score: 96.5, status: 'EXCELLENT', components: { errors: 3, slow: 0, success: 0, anomalies: 0.5, incidents: 0 } },
  healthInputs: { errorRate: 0.01, slowRate: 0.001, successRate: 0.99, anomalyRate: 0.003, incidents: { critical: 0, high: 0 } },
  incidents: [], errorTypes: [type(1, 'Timeout calling <*>', 15)], newErrorTypes: [], trend: 'STABLE',
};

describe('recommendations', () => {
  it('says nothing needs attention when nothing stands out', () => {
    const r = recommendations(quiet);
    expect(r).toHaveLength(1);
    expect(r[0]!.area).toBe('OK');
    expect(r[0]!.finding).toBe('Health 96.5/100 (EXCELLENT): error rate 1.0%, no incidents, nothing new.');
  });

  it('with no line parsed, says so instead of judging (no health of 100 for logs no one read)', () => {
    const r = recommendations({ ...quiet, results: { services: [], latency: null }, parsed: 0, errors: 0, errorRate: 0, errorTypes: [] });
    expect(r.map((x) => x.area)).toEqual(['NO_DATA']);
    expect(r[0]!.finding).toMatch(/No line was parsed/);
    expect(r[0]!.action).toMatch(/malformed\.log/);
  });

  it('puts incidents first, then errors, latency, new types, trend and anomalies, each with its numbers', () => {
    const r = recommendations({
      ...quiet,
      results: { services: [svc('api', 1000, 100, 300), svc('db', 500, 150, 2400)], latency: { mean: 400, p50: 120, p95: 1800, p99: 3000 } },
      errors: 250, errorRate: 250 / 1500,
      healthInputs: { ...quiet.healthInputs, slowRate: 0.08, anomalyRate: 0.07 },
      incidents: [
        { start: Date.UTC(2025, 0, 10, 12, 30), end: Date.UTC(2025, 0, 10, 12, 45), type: 'high_error_rate', severity: 'HIGH', services: 'api', description: '', recommendation: 'Investigate api.' },
        { start: Date.UTC(2025, 0, 10, 13, 0), end: Date.UTC(2025, 0, 10, 13, 20), type: 'cascading_failure', severity: 'CRITICAL', services: 'db;api', description: '', recommendation: 'IMMEDIATE: check db first.' },
      ],
      errorTypes: [type(1, 'Timeout calling <*>', 40), type(2, 'Deadlock detected on table <*>', 150)],
      newErrorTypes: [type(3, 'Disk quota exceeded on <*>', 7)],
      trend: 'DEGRADING',
    });
    expect(r.map((x) => x.area)).toEqual(['INCIDENTS', 'ERRORS', 'PERFORMANCE', 'NEW_ERROR_TYPES', 'TREND', 'ANOMALIES']);
    expect(r[0]!.finding).toBe('2 incidents (1 critical); the first critical one: cascading_failure in db, api from 2025-01-10T13:00:00.000Z.');
    expect(r[0]!.action).toContain('IMMEDIATE: check db first.');
    expect(r[1]!.finding).toBe('Error rate 16.7% (250 errors); worst service db at 30.0%; most frequent: "Deadlock detected on table <*>" (150).');
    expect(r[2]!.finding).toBe('P95 response time 1.80 s; 8.0% of requests slower than 1.00 s; slowest service db (P95 2.40 s).');
    expect(r[3]!.finding).toContain('"Disk quota exceeded on <*>" (7)');
    expect(r[5]!.finding).toBe('7.0% of minutes were flagged as anomalous for the whole system.');
  });
});
