import { DDSketch } from '@datadog/sketches-js';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { detect, shareAbove, topAnomaliesWithEvidence, type AnomalyRow } from './index.js';
import { evidenceRow, fill, resultsFromServices } from './testing.js';
import { MINUTE } from './types.js';

const T0 = Date.UTC(2025, 0, 10, 12, 0);
const at = (i: number): number => T0 + i * MINUTE;

describe('shareAbove', () => {
  it('reads the share of values above a limit from a sketch', () => {
    const s = new DDSketch({ relativeAccuracy: 0.01 });
    for (let v = 1; v <= 1000; v++) s.accept(v);
    expect(shareAbove(s, 900)).toBeCloseTo(0.1, 2);
    expect(shareAbove(s, 5000)).toBe(0);
    expect(shareAbove(s, 0.5)).toBe(1);
    expect(shareAbove(new DDSketch(), 10)).toBe(0);
    // a quiet minute: one slow request of five is 20%, not 0
    const quiet = new DDSketch({ relativeAccuracy: 0.01 });
    for (const v of [20, 35, 0, 60, 4000]) quiet.accept(v);
    expect(shareAbove(quiet, 1000)).toBe(0.2);
  });
});

describe('topAnomaliesWithEvidence', () => {
  const row = (t: number, scope: string, score: number, threshold = 3): AnomalyRow => ({ timestamp: t, scope, detector: 'zscore', value: 0, score, threshold, details: '' });

  it('ranks minutes by how many rows flag them, then by excess; flagged services lines first', () => {
    const evidence = new Map([
      [at(1), [evidenceRow(at(1) + 1, 'web', 'w1'), evidenceRow(at(1) + 2, 'db', 'd1'), evidenceRow(at(1) + 3, 'db', 'd2')]],
      [at(2), [evidenceRow(at(2) + 1, 'web', 'w2')]],
    ]);
    const top = topAnomaliesWithEvidence([row(at(2), 'all', 30), row(at(1), 'all', 4), row(at(1), 'db', 5), row(at(3), 'x', 9)], evidence, 2, 2);
    expect(top.map((t) => [t.minute, t.anomalies.length, t.examples.map((e) => e.message)])).toEqual([
      [at(1), 2, ['d1', 'd2']],
      [at(2), 1, ['w2']],
    ]);
  });
});

describe('detect', () => {
  const config = parseConfig('input:\n  paths: [x.log]\ndetection:\n  zscore:\n    mode: global\n', 't.yaml').detection;
  // two hours of two services; db fails hard for 10 minutes from minute 60
  const dbErrors = fill(120, 0);
  for (let i = 60; i < 70; i++) dbErrors[i] = 9;
  const evidence = new Map([[at(60), [evidenceRow(at(60) + 5000, 'db', 'connection refused')]]]);
  const results = resultsFromServices({
    db: { total: fill(120, 10), errors: dbErrors, rtMean: fill(120, 20), p95: 40 },
    web: { total: fill(120, 30), errors: fill(120, 0), rtMean: fill(120, 50), p95: 90 },
  }, { first: T0, evidence });

  it('runs every detector, the incident rules and the health score', () => {
    const d = detect(results, config);
    expect(d.incidents.map((i) => [i.type, i.services, i.start, i.end, i.severity])).toEqual([['high_error_rate', 'db', at(60), at(70), 'CRITICAL']]);
    const z = d.anomalies.filter((a) => a.detector === 'zscore');
    // global mode: the ten failing minutes of db (and of the whole system) are spikes
    expect(new Set(z.map((a) => a.timestamp))).toEqual(new Set(Array.from({ length: 10 }, (_, k) => at(60 + k))));
    expect(new Set(z.map((a) => a.scope))).toEqual(new Set(['all', 'db']));
    expect(d.forestScores).toHaveLength(3 * 120);
    // anomalies sorted by time, then 'all' before services, then zscore before forest
    const keys = d.anomalies.map((a) => `${a.timestamp} ${a.scope === 'all' ? '0' : `1${a.scope}`} ${a.detector === 'zscore' ? 0 : 1}`);
    expect(keys).toEqual([...keys].sort());
    // error rate 90/4800, no latency sketches, no status codes (success = 1 - error rate), one CRITICAL event
    expect(d.healthInputs.errorRate).toBeCloseTo(90 / 4800, 12);
    expect(d.healthInputs.successRate).toBeCloseTo(1 - 90 / 4800, 12);
    expect(d.healthInputs.slowRate).toBe(0);
    expect(d.healthInputs.incidents).toEqual({ critical: 1, high: 0, medium: 0 });
    expect(d.health.components.errors).toBe(5.6);
    expect(d.health.components.incidents).toBe(5);
    expect(d.topAnomalies[0]!.minute).toBe(at(60));
    expect(d.topAnomalies[0]!.examples.map((e) => e.message)).toEqual(['connection refused']);
  });

  it('respects the switches', () => {
    const off = detect(results, { ...config, zscore: { ...config.zscore, enabled: false }, isolation_forest: { ...config.isolation_forest, enabled: false } });
    expect(off.anomalies).toEqual([]);
    expect(off.forestScores).toEqual([]);
    expect(off.incidents).toHaveLength(1);
    const globalOnly = detect(results, { ...config, zscore: { ...config.zscore, per_service: false }, isolation_forest: { ...config.isolation_forest, enabled: false } });
    expect(new Set(globalOnly.anomalies.map((a) => a.scope))).toEqual(new Set(['all']));
  });

  it('is deterministic', () => {
    expect(detect(results, config)).toEqual(detect(results, config));
  });
});
