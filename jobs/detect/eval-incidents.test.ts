import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, evaluateGenerated, formatEval, parseLabels, type EvalResult } from './eval-incidents.js';
import type { Detection } from './index.js';
import { MINUTE, type IncidentRow } from './types.js';

describe('detection on a generated run with injected incidents (300k lines, 2 days, seed 7, 2 workers)', () => {
  let result: EvalResult;
  let detection: Detection;
  beforeAll(async () => {
    ({ result, detection } = await evaluateGenerated({ lines: 300_000, days: 2, seed: 7, workers: 2 }));
    process.stdout.write(`${formatEval(result)}\n`);
  }, 120_000);

  it('finds every injected incident with the right service: recall >= 0.95, precision >= 0.9', () => {
    expect(result.labels.map((o) => o.label.type).sort()).toEqual(['cascading_failure', 'database_outage', 'memory_leak', 'new_error_type', 'rate_limit_storm']);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
    expect(result.precision).toBeGreaterThanOrEqual(0.9);
    for (const o of result.labels) expect(o.servicesFound.length, o.label.type).toBeGreaterThan(0);
  });

  it('raises an incident for every kind that breaks an S4 rule; the storm (no errors, 3x traffic) is the forest\'s', () => {
    for (const o of result.labels) {
      if (o.label.type === 'rate_limit_storm') expect(o.forest).toBeGreaterThan(0);
      else expect(o.incidents.length, o.label.type).toBeGreaterThan(0);
    }
    const cascade = result.labels.find((o) => o.label.type === 'cascading_failure')!;
    const found = cascade.incidents.find((i) => i.type === 'cascading_failure')!;
    // every service, in the order they failed
    expect(found.services).toBe(cascade.label.services.join(';'));
    expect(found.severity).toBe('CRITICAL');
  });

  it('raises no incident in quiet periods, and anomalies concentrate in the incidents', () => {
    expect(result.falseIncidents).toEqual([]);
    expect(result.quiet.incidents).toBe(0);
    for (const d of ['zscore', 'forest'] as const) {
      expect(result.flagRate[d].inLabels, d).toBeGreaterThan(20 * result.flagRate[d].quiet);
    }
  });

  it('scores health with the incidents counted once per event', () => {
    expect(detection.healthInputs.incidents.critical).toBeLessThan(detection.incidents.filter((i) => i.severity === 'CRITICAL').length);
    expect(detection.health.score).toBeGreaterThan(0);
    expect(detection.health.score).toBeLessThan(90);
    expect(detection.topAnomalies.length).toBeGreaterThan(0);
    expect(detection.topAnomalies[0]!.examples.length).toBeGreaterThan(0);
  });
});

describe('a generated run without incidents', () => {
  it('raises no incident at all', async () => {
    const { detection, labels } = await evaluateGenerated({ lines: 150_000, days: 1, seed: 11, workers: 2, incidents: false });
    expect(labels).toEqual([]);
    expect(detection.incidents).toEqual([]);
    expect(detection.health.status).toBe('GOOD');
  }, 120_000);
});

describe('evaluate', () => {
  const T0 = Date.UTC(2025, 0, 10);
  const labels = parseLabels('start,end,type,services\n2025-01-10T01:00:00.000Z,2025-01-10T01:10:00.000Z,cascading_failure,a;b\n2025-01-10T05:00:00.000Z,2025-01-10T05:10:00.000Z,memory_leak,c\n');
  const inc = (startMin: number, endMin: number, services: string): IncidentRow => ({
    start: T0 + startMin * MINUTE, end: T0 + endMin * MINUTE, type: 'high_error_rate', severity: 'HIGH', services, description: '', recommendation: '',
  });

  it('matches labels by window and service, and incidents to labels within the slack', () => {
    const r = evaluate(labels, {
      incidents: [inc(62, 70, 'b'), inc(75, 80, 'x'), inc(200, 210, 'a'), inc(295, 300, 'z')],
      anomalies: [{ timestamp: T0 + 305 * MINUTE, scope: 'x', detector: 'forest', value: 1, score: 1, threshold: 0.5, details: '' }],
    }, { start: T0, end: T0 + 360 * MINUTE });
    expect(r.labels.map((o) => [o.found, o.servicesFound])).toEqual([[true, ['b']], [false, []]]);
    expect(r.recall).toBe(0.5);
    // 75-80 is within 10 minutes of the first label; 295-300 within 10 minutes of the second; 200-210 near nothing
    expect(r.precision).toBe(0.75);
    expect(r.falseIncidents.map((i) => i.services)).toEqual(['a']);
  });
});
