import { describe, expect, it } from 'vitest';
import { effectiveWindow, fromDetections, normalizeSeverity, thresholdAlerts } from './rules.js';
import { at, emptyResults } from './test-helpers.js';
import type { JobResults } from '../analytics/results.js';

const rules = { error_rate: 0.1, error_count: 100, critical_count: 5 };
const levels = { critical: ['CRITICAL', 'FATAL'] as ('CRITICAL' | 'FATAL')[] };

const svc = (minute: number, service: string | null, total: number, errors: number, critical = 0): JobResults['minuteServices'][number] =>
  ({ minute, service, total, errors, critical, rtMean: null, rtSum: 0, rtCount: 0 });
const min = (minute: number, total: number, errors: number): JobResults['minutes'][number] =>
  ({ minute, total, errors, rtMean: null, rtP95: null, ips: 1 });

// 05:00: 200 lines, 47 errors (payment 40/100, auth 7/100), 6 critical lines (payment).
// 05:01: 2 lines, 1 error (auth): below the minimum volume.
// 05:02: 1000 lines, 150 errors (search 150/600, auth 0/400).
const results = emptyResults({
  minutes: [min(at(0), 200, 47), min(at(1), 2, 1), min(at(2), 1000, 150)],
  minuteLevels: [
    { minute: at(0), level: 'CRITICAL', count: 4 }, { minute: at(0), level: 'FATAL', count: 2 }, { minute: at(0), level: 'ERROR', count: 41 },
    { minute: at(1), level: 'ERROR', count: 1 }, { minute: at(2), level: 'ERROR', count: 150 },
  ],
  minuteServices: [
    svc(at(0), 'payment', 100, 40, 6), svc(at(0), 'auth', 100, 7),
    svc(at(1), 'auth', 2, 1),
    svc(at(2), 'search', 600, 150), svc(at(2), 'auth', 400, 0),
  ],
});

describe('thresholdAlerts', () => {
  it('fires S1 rules per 1-minute window, for all and per service, with exact values', () => {
    const got = thresholdAlerts(results, rules, 60_000, levels);
    expect(got.map((a) => [a.time - at(0), a.rule, a.scope, a.severity, a.value, a.threshold])).toEqual([
      [0, 'error_rate', 'all', 'HIGH', 0.235, 0.1],
      [0, 'critical_count', 'all', 'CRITICAL', 6, 5],
      [0, 'error_rate', 'payment', 'CRITICAL', 0.4, 0.1], // >= 3x the threshold
      [0, 'critical_count', 'payment', 'CRITICAL', 6, 5],
      // 05:01: 1 error in 2 lines (50%) is below the minimum volume: nothing.
      [120_000, 'error_rate', 'all', 'HIGH', 0.15, 0.1],
      [120_000, 'error_count', 'all', 'MEDIUM', 150, 100],
      [120_000, 'error_rate', 'search', 'HIGH', 0.25, 0.1],
      [120_000, 'error_count', 'search', 'MEDIUM', 150, 100],
    ]);
    for (const a of got) {
      expect(a.status).toBe('firing');
      expect(a.end).toBe(a.time + 60_000);
    }
  });

  it('writes messages that say what, where, how bad and what to check', () => {
    const [rateAll, critAll, ratePay] = thresholdAlerts(results, rules, 60_000, levels);
    expect(rateAll!.message).toBe(
      'Error rate 23.5% (47 errors in 200 lines) across all services in the 1 min window from 2025-01-10T05:00:00.000Z, above the 10% limit. ' +
        'Most errors: payment (40), auth (7). ' +
        'Check which service drives it (csv/errors_per_service.csv) and what is failing (csv/top_errors.csv); look for a deploy or a shared dependency (database, network) that changed then.',
    );
    expect(critAll!.message).toContain('6 critical lines across all services');
    expect(critAll!.message).toContain('Most critical lines: payment (6).');
    expect(ratePay!.message).toContain('Error rate 40% (40 errors in 100 lines) in service payment');
    expect(ratePay!.action).toContain("Check payment's errors");
  });

  it('aggregates windows aligned to UTC', () => {
    const got = thresholdAlerts(results, rules, 5 * 60_000, levels);
    const all = got.filter((a) => a.scope === 'all');
    // 05:00-05:05: 1202 lines, 198 errors, 6 critical.
    expect(all.map((a) => [a.time, a.end, a.rule, a.value])).toEqual([
      [at(0), at(5), 'error_rate', 198 / 1202],
      [at(0), at(5), 'error_count', 198],
      [at(0), at(5), 'critical_count', 6],
    ]);
    expect(all[0]!.message).toContain('5 min window');
    // An hour window aligns to the hour, whatever minute the data starts at.
    const hour = thresholdAlerts(emptyResults({ minutes: [min(at(7), 50, 20)] }), rules, 3_600_000, levels);
    expect(hour[0]!.time).toBe(at(0));
  });

  it('uses strict comparisons and the minimum volume', () => {
    const edge = emptyResults({
      minutes: [min(at(0), 1000, 100), min(at(1), 19, 19), min(at(2), 20, 5), min(at(3), 22, 4)],
      minuteLevels: [{ minute: at(0), level: 'CRITICAL', count: 5 }],
      minuteServices: [svc(at(0), 'api', 1000, 100, 5)],
    });
    // 10% exactly, 100 errors exactly, 5 critical exactly: nothing; 19 lines: too few;
    // 5 of 20 lines: fires; 4 of 22 (18%): too few errors to tell from chance.
    const got = thresholdAlerts(edge, rules, 60_000, levels);
    expect(got.map((a) => [a.time, a.rule, a.scope, a.value])).toEqual([[at(2), 'error_rate', 'all', 0.25]]);
    expect(thresholdAlerts(edge, rules, 60_000, levels, { minVolume: 1, minErrors: 1 }).map((a) => a.time)).toEqual([at(1), at(2), at(3)]);
  });

  it('rounds windows to whole minutes', () => {
    expect(effectiveWindow(1000)).toBe(60_000);
    expect(effectiveWindow(90_000)).toBe(120_000);
    expect(effectiveWindow(300_000)).toBe(300_000);
  });
});

describe('fromDetections', () => {
  it('maps anomaly rows', () => {
    const got = fromDetections(
      [
        { timestamp: '2025-01-10T05:03:00.000Z', scope: null, detector: 'zscore', value: 57, score: 4.2, threshold: 3, details: 'errors 57 vs mean 8' },
        { timestamp: at(4), scope: 'payment', detector: 'Isolation Forest', value: 12, score: 0.9, threshold: 0.45, details: { rt_p95: 900 } },
        { timestamp: 'not a time', scope: 'x', detector: 'zscore', value: 1, score: 9, threshold: 3 },
      ],
      [],
    );
    expect(got.map((a) => [a.time, a.end, a.rule, a.scope, a.severity, a.value, a.threshold])).toEqual([
      [at(3), at(4), 'anomaly:zscore', 'all', 'MEDIUM', 4.2, 3],
      [at(4), at(5), 'anomaly:isolation_forest', 'payment', 'HIGH', 0.9, 0.45],
    ]);
    expect(got[0]!.message).toBe(
      'Anomaly (zscore) across all services at 2025-01-10T05:03:00.000Z: value 57 scored 4.2 against a threshold of 3. errors 57 vs mean 8. ' +
        'Read the evidence lines of that minute (dashboard, csv/anomalies.csv) and the error types that rose then (csv/errors_by_type.csv); csv/errors_per_service.csv names the service.',
    );
    expect(got[1]!.message).toContain('{"rt_p95":900}.');
  });

  it('maps incident rows with their recommendation', () => {
    const got = fromDetections([], [
      {
        start: '2025-01-10T05:10:00.000Z', end: '2025-01-10T05:25:00.000Z', type: 'Cascading Failure', severity: 'CRITICAL',
        services: 'database;api-gateway', description: 'Multiple services failing simultaneously',
        recommendation: 'IMMEDIATE: Check infrastructure, possible system-wide issue',
      },
      { start: at(30), end: null, type: 'error_rate', severity: 'high', services: ['payment'], description: 'Error rate 45% over 5 min.', recommendation: 'Investigate service logs, check dependencies', value: 0.45, threshold: 0.3 },
    ]);
    expect(got.map((a) => [a.time, a.end, a.rule, a.scope, a.severity, a.value, a.threshold])).toEqual([
      [at(10), at(25), 'incident:cascading_failure', 'all', 'CRITICAL', 2, 0],
      [at(30), at(31), 'incident:error_rate', 'payment', 'HIGH', 0.45, 0.3],
    ]);
    expect(got[0]!.message).toBe(
      'Cascading Failure in services database, api-gateway from 2025-01-10T05:10:00.000Z to 2025-01-10T05:25:00.000Z. ' +
        'Multiple services failing simultaneously. Action: IMMEDIATE: Check infrastructure, possible system-wide issue.',
    );
    expect(got[0]!.action).toBe('IMMEDIATE: Check infrastructure, possible system-wide issue');
    expect(got[1]!.message).toBe('Error rate in service payment at 2025-01-10T05:30:00.000Z. Error rate 45% over 5 min. Action: Investigate service logs, check dependencies.');
  });

  it('normalizes free-text severities', () => {
    expect(['critical', 'Fatal', 'error', 'warning', 'notice', 'debug', 'whatever'].map(normalizeSeverity)).toEqual(['CRITICAL', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'MEDIUM']);
  });
});
