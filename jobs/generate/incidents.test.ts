import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { generateRecords, planRun, writeLogFile, type GenRecord } from './generate.js';
import { INCIDENT_TYPES, injectIncident, planIncidents, type Incident } from './incidents.js';
import { LogModel } from './model.js';

const dir = mkdtempSync(join(tmpdir(), 'logframe-inc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MIN = 60_000;
const START = Date.parse('2025-01-10T00:00:00Z');
const isError = (r: GenRecord): boolean => r.level === 'ERROR' || r.level === 'CRITICAL' || r.level === 'FATAL';
const inside = (inc: Incident, r: GenRecord): boolean => r.timestamp >= inc.start && r.timestamp < inc.end;

/** Messages only incidents produce (the 429 and gateway-504 ones also occur at baseline). */
const SIGNATURES: Record<string, RegExp> = {
  database_outage: /^(Database connection failed: timeout after 30000ms|Connection pool exhausted: 50\/50|Query failed on db-|Failover to replica)/,
  memory_leak: /^(OutOfMemory warning|GC pause of|OutOfMemoryError|Process \d+ killed by OOM killer)/,
  rate_limit_storm: /^Upstream connection limit reached/,
  cascading_failure: /^(Health check failed for|Thread pool exhausted|Circuit breaker OPEN|Dependency \S+ unavailable)/,
  new_error_type: /^(TLS handshake failed|Schema mismatch|Kafka consumer group|Segmentation fault|Clock skew|S3 PutObject failed|gRPC stream|License check failed)/,
};

describe('planned incidents', () => {
  const opts = { lines: 60000, days: 2, seed: 5, incidents: true };
  const plan = planRun(opts);
  const recs = [...generateRecords(opts)];

  it('covers every kind, 5-20 minutes each, inside the span, in order, never overlapping', () => {
    expect(new Set(plan.incidents.map((i) => i.type))).toEqual(new Set(INCIDENT_TYPES));
    let prevEnd = START;
    for (const inc of plan.incidents) {
      expect(inc.end - inc.start).toBeGreaterThanOrEqual(5 * MIN);
      expect(inc.end - inc.start).toBeLessThanOrEqual(20 * MIN);
      // At least ten quiet minutes between incidents (and before the first).
      expect(inc.start - prevEnd).toBeGreaterThanOrEqual(10 * MIN);
      prevEnd = inc.end;
    }
    expect(prevEnd).toBeLessThanOrEqual(START + 2 * 86_400_000);
  });

  it('writes the labels file', () => {
    const out = join(dir, 'inc.log');
    const r = writeLogFile({ ...opts, lines: 1000, format: 'text', out });
    expect(r.labelsFile).toBe(`${out}.labels.csv`);
    const rows = parse(readFileSync(`${out}.labels.csv`), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual(
      plan.incidents.map((i) => ({ start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString(), type: i.type, services: i.services.join(';') })),
    );
  });

  it('puts each incident-only message inside a window of its kind, and nowhere else', () => {
    for (const r of recs) {
      for (const [type, re] of Object.entries(SIGNATURES)) {
        if (!re.test(r.message)) continue;
        const owner = plan.incidents.find((inc) => inc.type === type && inside(inc, r) && inc.services.includes(r.service as never));
        expect(owner, `${type} message outside its window: ${new Date(r.timestamp).toISOString()} ${r.service} ${r.message}`).toBeDefined();
      }
    }
  });

  it('makes every incident visible inside its window', () => {
    const quietErrRate = recs.filter((r) => !plan.incidents.some((i) => inside(i, r)) && isError(r)).length / recs.length;
    for (const inc of plan.incidents) {
      const win = recs.filter((r) => inside(inc, r));
      expect(win.length, inc.type).toBeGreaterThan(20);
      const hits = win.filter((r) => SIGNATURES[inc.type]!.test(r.message) || (inc.type === 'rate_limit_storm' && r.status_code === 429));
      expect(hits.length, inc.type).toBeGreaterThan(3);
      if (inc.type === 'database_outage' || inc.type === 'cascading_failure' || inc.type === 'new_error_type') {
        const svc = win.filter((r) => r.service === inc.services[0]);
        expect(svc.filter(isError).length / svc.length, inc.type).toBeGreaterThan(Math.max(0.2, 5 * quietErrRate));
      }
      if (inc.type === 'cascading_failure') {
        for (const s of inc.services) expect(win.some((r) => r.service === s && isError(r)), `${s} fails in the cascade`).toBe(true);
      }
    }
  });

  it('the brand-new error type is never seen before its incident', () => {
    const inc = plan.incidents.find((i) => i.type === 'new_error_type')!;
    const firstSeen = recs.find((r) => SIGNATURES.new_error_type!.test(r.message))!;
    expect(firstSeen.timestamp).toBeGreaterThanOrEqual(inc.start);
  });
});

describe('injectIncident (live producer API)', () => {
  const at = Date.parse('2025-02-03T10:00:00Z'); // a Monday morning

  it('database outage: the service fails with the DB timeout inside the window only', () => {
    const m = new LogModel({ seed: 9 });
    const inc = m.injectIncident('database_outage', at, { durationMs: 10 * MIN, services: ['payment'] });
    expect(m.incidents).toEqual([inc]);
    const before = Array.from({ length: 4000 }, (_, i) => m.record(at - 20 * MIN + i * 100)).filter((r) => r.service === 'payment');
    const during = Array.from({ length: 4000 }, (_, i) => m.record(at + 3 * MIN + i * 100)).filter((r) => r.service === 'payment');
    const timeouts = (rs: GenRecord[]): number => rs.filter((r) => r.message === 'Database connection failed: timeout after 30000ms').length;
    expect(timeouts(before)).toBe(0);
    expect(timeouts(during) / during.length).toBeGreaterThan(0.3);
    expect(during.filter((r) => r.message.startsWith('Database connection failed')).every((r) => r.response_time_ms >= 30000 && r.status_code === 500)).toBe(true);
  });

  it('memory leak: latency ramps up and OOM errors come late', () => {
    const m = new LogModel({ seed: 9 });
    m.injectIncident('memory_leak', at, { durationMs: 20 * MIN, services: ['search'] });
    const med = (from: number): number => {
      const xs = Array.from({ length: 3000 }, (_, i) => m.record(from + i * 50)).filter((r) => r.service === 'search').map((r) => r.response_time_ms).sort((a, b) => a - b);
      return xs[xs.length >> 1]!;
    };
    const early = med(at + MIN);
    const late = med(at + 17 * MIN);
    expect(late / early).toBeGreaterThan(5);
    const lateRecs = Array.from({ length: 3000 }, (_, i) => m.record(at + 17 * MIN + i * 50));
    expect(lateRecs.some((r) => r.message.startsWith('OutOfMemoryError'))).toBe(true);
  });

  it('rate-limit storm: more gateway traffic, mostly 429 from a few new clients', () => {
    const m = new LogModel({ seed: 9 });
    const inc = m.injectIncident('rate_limit_storm', at, { durationMs: 10 * MIN });
    expect(m.volume(at + 5 * MIN)).toBeCloseTo(3);
    expect(m.volume(at - MIN)).toBe(1);
    const during = Array.from({ length: 5000 }, (_, i) => m.record(at + 3 * MIN + i * 50));
    const storm = during.filter((r) => inc.ips.includes(r.ip));
    expect(storm.length / during.length).toBeGreaterThan(0.5);
    expect(storm.every((r) => r.status_code === 429 && r.service === 'api-gateway' && r.level === 'WARN')).toBe(true);
  });

  it('defaults are drawn from the seed and start, and bad parameters are refused', () => {
    expect(injectIncident('cascading_failure', at, { seed: 1 })).toEqual(injectIncident('cascading_failure', at, { seed: 1 }));
    expect(injectIncident('cascading_failure', at, { seed: 1 }).services.length).toBeGreaterThanOrEqual(3);
    expect(() => injectIncident('new_error_type', at, { variant: 99 })).toThrow(/variant/);
    expect(() => injectIncident('memory_leak', at, { durationMs: 0 })).toThrow(/duration/);
  });

  it('plans stay non-overlapping over long spans and never reuse a novel template', () => {
    const incs = planIncidents(START, START + 30 * 86_400_000, 77);
    for (let i = 1; i < incs.length; i++) expect(incs[i]!.start).toBeGreaterThanOrEqual(incs[i - 1]!.end);
    const novel = incs.filter((i) => i.type === 'new_error_type').map((i) => i.variant);
    expect(new Set(novel).size).toBe(novel.length);
  });
});
