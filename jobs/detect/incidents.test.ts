import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../analytics/plan.js';
import { collectResults } from '../analytics/results.js';
import { parseConfig } from '../config/index.js';
import { executePass } from '../run.js';
import { cascadeIncidents, detectIncidentList, detectIncidents, type DetectedIncident, type IncidentConfig } from './incidents.js';
import { evidenceRow, fill, resultsFromServices } from './testing.js';
import { MINUTE } from './types.js';

const T0 = Date.UTC(2025, 0, 10, 12, 0);
const at = (i: number): number => T0 + i * MINUTE;
/** The defaults: 30% in 10 minutes with 20 lines, latency 2x P95, 3 services within 5 minutes. */
const CFG: IncidentConfig = parseConfig('input:\n  paths: [x.log]\n', 't.yaml').detection.incidents;

/** 30 minutes of 10 lines each; `errs` sets errors for given minutes. */
function errs(spec: Record<number, number>, n = 30): number[] {
  const e = fill(n, 0);
  for (const [i, v] of Object.entries(spec)) e[Number(i)] = v;
  return e;
}

describe('high_error_rate', () => {
  it('flags a window above the threshold and trims the incident to its failing minutes', () => {
    const r = resultsFromServices({ db: { total: fill(30, 10), errors: errs({ 10: 8, 11: 8, 12: 8, 13: 8, 14: 8, 15: 8 }) } }, { first: T0 });
    const list = detectIncidentList(r, CFG);
    expect(list).toHaveLength(1);
    const i = list[0]!;
    expect([i.type, i.start, i.end, i.services, i.severity]).toEqual(['high_error_rate', at(10), at(16), ['db'], 'CRITICAL']);
    expect(i.peak).toBeCloseTo(0.8, 12); // five failing minutes at 80%
    expect(i.summary).toBe('db: 80% errors (48 of 60 lines) in 6 minutes from 2025-01-10T12:10Z to 2025-01-10T12:16Z; worst 5-minute window 80% (threshold 30%).');
  });

  it('finds a 5-minute burst that every 10-minute window dilutes below the threshold', () => {
    // 4 of 10 per minute for 5 minutes: 40% over 5 minutes, at most 20% over any 10 minutes
    const r = resultsFromServices({ db: { total: fill(30, 10), errors: errs({ 10: 4, 11: 4, 12: 4, 13: 4, 14: 4 }) } }, { first: T0 });
    const [i] = detectIncidentList(r, CFG);
    expect([i!.start, i!.end, i!.severity]).toEqual([at(10), at(15), 'MEDIUM']);
    expect(i!.peak).toBeCloseTo(0.4, 12);
    // HIGH from 1.5x the threshold
    const high = resultsFromServices({ db: { total: fill(30, 10), errors: errs({ 10: 5, 11: 5, 12: 5, 13: 5, 14: 5 }) } }, { first: T0 });
    expect(detectIncidentList(high, CFG)[0]!.severity).toBe('HIGH');
  });

  it('ignores bursts shorter than half the window and windows under min_events', () => {
    const short = resultsFromServices({ db: { total: fill(30, 10), errors: errs({ 10: 6, 11: 6 }) } }, { first: T0 });
    expect(detectIncidentList(short, CFG)).toEqual([]);
    // every line an error, but 1 line a minute: 10 lines per window < 20
    const sparse = resultsFromServices({ db: { total: fill(30, 1), errors: fill(30, 1) } }, { first: T0 });
    expect(detectIncidentList(sparse, CFG)).toEqual([]);
  });

  it('merges overlapping windows of one service into one incident, and keeps separate failures apart', () => {
    const r = resultsFromServices({ db: { total: fill(60, 10), errors: errs({ 5: 9, 6: 9, 7: 9, 8: 9, 9: 9, 10: 2, 11: 9, 12: 9, 13: 9, 40: 9, 41: 9, 42: 9, 43: 9, 44: 9 }, 60) } }, { first: T0 });
    expect(detectIncidentList(r, CFG).map((i) => [i.start, i.end])).toEqual([[at(5), at(14)], [at(40), at(45)]]);
  });
});

describe('latency_degradation', () => {
  // baseline P95 150 ms, factor 2: a minute is slow above 300 ms
  const rt = (spec: Record<number, number>): number[] => {
    const r = fill(30, 100);
    for (const [i, v] of Object.entries(spec)) r[Number(i)] = v;
    return r;
  };

  it('two slow minutes, one of them without errors: every request got slower', () => {
    const r = resultsFromServices({ api: { total: fill(30, 10), errors: errs({ 6: 1 }), rtMean: rt({ 5: 500, 6: 700 }), p95: 150 } }, { first: T0 });
    const list = detectIncidentList(r, CFG);
    expect(list.map((i) => [i.type, i.start, i.end, i.severity])).toEqual([['latency_degradation', at(5), at(7), 'HIGH']]);
    expect(list[0]!.peak).toBeCloseTo(700 / 150, 12);
    expect(list[0]!.summary).toBe('api: mean latency above 300 ms (2x its P95 baseline of 150 ms) in 2 of 2 minutes from 2025-01-10T12:05Z to 2025-01-10T12:07Z; worst minute 700 ms (4.7x P95).');
  });

  it('slow minutes that all carry errors are timeouts inflating a mean, however many in a row', () => {
    const eight = { 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1 };
    const slow = Object.fromEntries(Object.keys(eight).map((k) => [k, 2000]));
    const timeouts = resultsFromServices({ api: { total: fill(30, 10), errors: errs(eight), rtMean: rt(slow), p95: 150 } }, { first: T0 });
    expect(detectIncidentList(timeouts, CFG)).toEqual([]);
    // one of them clean: the whole episode is one incident; 5000 / 150 = 33x >= 4 x factor: CRITICAL
    const leak = resultsFromServices({ api: { total: fill(30, 10), errors: errs({ ...eight, 7: 0 }), rtMean: rt({ ...slow, 12: 5000 }), p95: 150 } }, { first: T0 });
    expect(detectIncidentList(leak, CFG).map((i) => [i.type, i.start, i.end, i.severity])).toEqual([['latency_degradation', at(5), at(13), 'CRITICAL']]);
  });

  it('counts min_events over the window the episode spans, and wants 2 lines in the clean minute', () => {
    // 3 lines a minute: the two slow minutes hold 6 lines, their 10-minute window 30
    const thin = resultsFromServices({ api: { total: fill(30, 3), errors: fill(30, 0), rtMean: rt({ 12: 900, 13: 900 }), p95: 150 } }, { first: T0 });
    expect(detectIncidentList(thin, CFG).map((i) => [i.start, i.end])).toEqual([[at(12), at(14)]]);
    // the same at the start of the data: minutes 0-1 have no window of history, 6 lines < 20
    const early = resultsFromServices({ api: { total: fill(30, 3), errors: fill(30, 0), rtMean: rt({ 0: 900, 1: 900 }), p95: 150 } }, { first: T0 });
    expect(detectIncidentList(early, CFG)).toEqual([]);
    // a one-request minute is not "every request got slower"
    const single = fill(30, 3);
    single[12] = 1;
    const one = resultsFromServices({ api: { total: single, errors: errs({ 13: 1 }), rtMean: rt({ 12: 900, 13: 900 }), p95: 150 } }, { first: T0 });
    expect(detectIncidentList(one, CFG)).toEqual([]);
  });

  it('one slow clean minute alone is not an incident, nor a service without a baseline', () => {
    expect(detectIncidentList(resultsFromServices({ api: { total: fill(30, 10), errors: fill(30, 0), rtMean: rt({ 5: 900 }), p95: 150 } }, { first: T0 }), CFG)).toEqual([]);
    expect(detectIncidentList(resultsFromServices({ api: { total: fill(30, 10), errors: fill(30, 0), rtMean: rt({ 5: 900, 6: 900 }) } }, { first: T0 }), CFG)).toEqual([]);
  });
});

describe('cascading_failure', () => {
  const failing = (svc: string, start: number, onsetRate = 0.5): DetectedIncident => ({
    type: 'high_error_rate', severity: 'HIGH', start: at(start), end: at(start + 8), services: [svc], peak: 0.6, summary: '', rootCause: null, onsetRate,
  });

  it('needs `services` distinct services starting within the window; lists them in onset order', () => {
    const c = cascadeIncidents([failing('gw', 13), failing('db', 10), failing('api', 11)], CFG.cascade);
    expect(c.map((i) => [i.type, i.severity, i.start, i.end, i.services])).toEqual([['cascading_failure', 'CRITICAL', at(10), at(21), ['db', 'api', 'gw']]]);
    expect(c[0]!.summary).toBe('3 services started failing within 3 minutes: db at 2025-01-10T12:10Z (60%), api at 2025-01-10T12:11Z (60%), gw at 2025-01-10T12:13Z (60%); db failed first.');
    expect(cascadeIncidents([failing('db', 10), failing('api', 11)], CFG.cascade)).toEqual([]);
    // 3 services, but 6 minutes from first to last onset
    expect(cascadeIncidents([failing('db', 10), failing('api', 13), failing('gw', 16)], CFG.cascade)).toEqual([]);
  });

  it('orders services that cross in the same minute by their error rate around the onset', () => {
    const c = cascadeIncidents([failing('auth', 10, 0.3), failing('users', 10, 0.45), failing('gw', 11, 0.2)], CFG.cascade);
    expect(c[0]!.services).toEqual(['users', 'auth', 'gw']);
  });

  it('end to end: three services fail one minute apart; the root cause is the root service first error line', () => {
    const e = (from: number): number[] => errs(Object.fromEntries(Array.from({ length: 10 }, (_, k) => [from + k, 7])));
    const evidence = new Map([
      [at(10), [evidenceRow(at(10) + 1000, 'api', 'api noise'), evidenceRow(at(10) + 3000, 'db', 'connection refused')]],
      [at(11), [evidenceRow(at(11) + 500, 'api', 'circuit breaker open for db')]],
    ]);
    const r = resultsFromServices({
      db: { total: fill(30, 10), errors: e(10) }, api: { total: fill(30, 10), errors: e(11) }, gw: { total: fill(30, 10), errors: e(12) },
    }, { first: T0, evidence });
    const rows = detectIncidents(r, CFG);
    expect(rows.map((i) => [i.type, i.services, i.start])).toEqual([
      ['cascading_failure', 'db;api;gw', at(10)],
      ['high_error_rate', 'db', at(10)],
      ['high_error_rate', 'api', at(11)],
      ['high_error_rate', 'gw', at(12)],
    ]);
    expect(rows[0]!.description).toContain('First error: 2025-01-10T12:10:03.000Z db ERROR connection refused');
    expect(rows[0]!.recommendation).toMatch(/^IMMEDIATE: .*Fix db first/);
    expect(rows[2]!.description).toContain('First error: 2025-01-10T12:11:00.500Z api ERROR circuit breaker open for db');
    // the contract's columns, in order
    expect(Object.keys(rows[0]!)).toEqual(['start', 'end', 'type', 'severity', 'services', 'description', 'recommendation']);
  });
});

describe('root-cause hint in the job', () => {
  it('quotes the service\'s first error even when other services fill the minute\'s first examples', async () => {
    const stamp = (t: number): string => new Date(t).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    const lines: string[] = [];
    for (let m = 0; m < 15; m++) {
      const t = at(m);
      for (let k = 0; k < 5; k++) lines.push(`${stamp(t + (k * 10 + 1) * 1000)} INFO svc-c request ok`);
      // svc-b: a burst of errors at the start of minute 0, filling its 5 examples
      if (m === 0) for (let k = 0; k < 6; k++) lines.push(`${stamp(t + (k + 1) * 1000)} ERROR svc-b background glitch ${k}`);
      else for (let k = 0; k < 5; k++) lines.push(`${stamp(t + (k * 10 + 1) * 1000)} INFO svc-b request ok`);
      // svc-a fails from second 30 of minute 0 for 10 minutes
      if (m < 10) {
        for (let k = 0; k < 6; k++) lines.push(`${stamp(t + (30 + k) * 1000)} ERROR svc-a connection refused ${m}-${k}`);
        for (let k = 0; k < 2; k++) lines.push(`${stamp(t + (50 + k) * 1000)} INFO svc-a request ok`);
      } else for (let k = 0; k < 5; k++) lines.push(`${stamp(t + (k * 10 + 1) * 1000)} INFO svc-a request ok`);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-rootcause-'));
    const file = path.join(dir, 'app.log');
    writeFileSync(file, lines.sort().join('\n') + '\n');
    const config = parseConfig(`input:\n  paths: [${JSON.stringify(file)}]\nengine: {workers: 1}\n`, 't.yaml');
    const plan = buildPlan(config);
    const results = collectResults(plan, (await executePass(config, plan)).mergers);
    const incidents = detectIncidentList(results, config.detection.incidents);
    const a = incidents.find((i) => i.type === 'high_error_rate' && i.services[0] === 'svc-a')!;
    expect(a.start).toBe(at(0));
    expect(a.rootCause?.timestamp).toBe(at(0) + 30_000);
    expect(a.rootCause?.message).toBe('connection refused 0-0');
  }, 60_000);
});
