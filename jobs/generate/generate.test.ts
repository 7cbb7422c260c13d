import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { generateRecords, GenOptionError, resolveGenOptions, writeLogFile, type GenRecord, type OutputFormat } from './generate.js';
import { OUTPUT_FORMATS } from './formats.js';
import { LogModel } from './model.js';

const dir = mkdtempSync(join(tmpdir(), 'logframe-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const START = Date.parse('2025-01-10T00:00:00Z');
const DAY = 86_400_000;

function write(format: OutputFormat, lines: number, extra: { seed?: number; days?: number; incidents?: boolean } = {}): Buffer {
  const out = join(dir, `${format}-${lines}-${extra.seed ?? 42}-${extra.days ?? 1}-${extra.incidents === true}.${format}`);
  writeLogFile({ lines, format, out, ...extra });
  return readFileSync(out);
}

describe('determinism', () => {
  it.each(OUTPUT_FORMATS)('%s: same seed gives identical bytes, another seed different bytes', (format) => {
    const a = write(format, 3000, { seed: 7 });
    const b = write(format, 3000, { seed: 7 });
    const c = write(format, 3000, { seed: 8 });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('records are identical across calls and independent of the output format', () => {
    const a = [...generateRecords({ lines: 2000, seed: 3, incidents: true })];
    const b = [...generateRecords({ lines: 2000, seed: 3, incidents: true })];
    expect(b).toEqual(a);
  });
});

describe('counts and time order', () => {
  it.each([0, 1, 7, 1000, 12345])('writes exactly %i data lines in every format', (n) => {
    for (const format of OUTPUT_FORMATS) {
      const text = write(format, n).toString('utf8');
      const lines = text === '' ? [] : text.split('\n');
      if (lines.length > 0) expect(lines.pop()).toBe(''); // every line ends with \n
      expect(lines.length).toBe(format === 'csv' ? n + 1 : n);
    }
  });

  it('timestamps never go back and stay inside the span', () => {
    let prev = -Infinity;
    let n = 0;
    for (const r of generateRecords({ lines: 20000, days: 2, incidents: true })) {
      expect(r.timestamp).toBeGreaterThanOrEqual(prev);
      prev = r.timestamp;
      n++;
    }
    expect(n).toBe(20000);
    expect(prev).toBeLessThan(START + 2 * DAY);
  });

  it('follows business hours and dips at the weekend', () => {
    // 2025-01-10 is a Friday: a week from it covers Saturday and Sunday.
    const perHour = new Array<number>(24).fill(0);
    const perDay = new Array<number>(7).fill(0);
    for (const r of generateRecords({ lines: 70000, days: 7 })) {
      const d = new Date(r.timestamp);
      perHour[d.getUTCHours()]!++;
      perDay[d.getUTCDay()]!++;
    }
    const business = perHour.slice(9, 18).reduce((a, b) => a + b) / 9;
    const night = perHour.slice(0, 5).reduce((a, b) => a + b) / 5;
    expect(business / night).toBeGreaterThan(4);
    const weekend = (perDay[0]! + perDay[6]!) / 2;
    const weekday = (perDay[1]! + perDay[2]! + perDay[3]! + perDay[4]! + perDay[5]!) / 5;
    expect(weekend / weekday).toBeGreaterThan(0.35);
    expect(weekend / weekday).toBeLessThan(0.6);
  });
});

describe('realism', () => {
  const recs = [...generateRecords({ lines: 50000, days: 1 })];
  const share = (pred: (r: GenRecord) => boolean): number => recs.filter(pred).length / recs.length;

  it('has INFO dominant, 2-5% errors, rare CRITICAL and very rare FATAL', () => {
    expect(share((r) => r.level === 'INFO')).toBeGreaterThan(0.65);
    expect(share((r) => r.level === 'DEBUG')).toBeGreaterThan(0.1);
    const errors = share((r) => r.level === 'ERROR' || r.level === 'CRITICAL' || r.level === 'FATAL');
    expect(errors).toBeGreaterThan(0.02);
    expect(errors).toBeLessThan(0.05);
    expect(share((r) => r.level === 'CRITICAL')).toBeLessThan(0.004);
    expect(share((r) => r.level === 'FATAL')).toBeLessThan(0.0005);
  });

  it('uses seven services, ~30 routes, a heavy-tailed pool of ~2,000 IPs and mostly 200s', () => {
    expect(new Set(recs.map((r) => r.service)).size).toBe(7);
    const routes = new Set(recs.map((r) => `${r.method} ${r.endpoint.split('?')[0]}`));
    expect(routes.size).toBeGreaterThanOrEqual(30);
    const perIp = new Map<string, number>();
    for (const r of recs) perIp.set(r.ip, (perIp.get(r.ip) ?? 0) + 1);
    expect(perIp.size).toBeGreaterThan(1500);
    expect(perIp.size).toBeLessThanOrEqual(2000);
    const top = Math.max(...perIp.values());
    expect(top / recs.length).toBeGreaterThan(0.08);
    expect(share((r) => r.status_code === 200)).toBeGreaterThan(0.6);
    expect(new Set(recs.map((r) => r.status_code))).toEqual(new Set([200, 201, 202, 204, 301, 304, 400, 401, 403, 404, 429, 500, 502, 503, 504]));
  });

  it('makes payment the slowest service (log-normal latency)', () => {
    const median = (svc: string): number => {
      const xs = recs.filter((r) => r.service === svc && r.status_code < 400).map((r) => r.response_time_ms).sort((a, b) => a - b);
      return xs[xs.length >> 1]!;
    };
    const pay = median('payment');
    for (const s of ['auth', 'api-gateway', 'inventory', 'user-service', 'search', 'notification']) expect(pay).toBeGreaterThan(median(s));
  });

  it('gives a miner real templates: many distinct messages, few shapes', () => {
    const errs = recs.filter((r) => r.level === 'ERROR');
    const shapes = new Set(errs.map((r) => r.message.replace(/[0-9a-f]{8,}|\d+/g, '#')));
    expect(new Set(errs.map((r) => r.message)).size).toBeGreaterThan(errs.length / 2);
    expect(shapes.size).toBeLessThan(errs.length / 5);
    expect(recs.some((r) => r.message.includes(',') && r.message.includes('"'))).toBe(true);
  });
});

/** Timestamp text of every format back to ms, independently of the generator's formatter. */
const fromText = (s: string): number => Date.parse(`${s.slice(0, 10)}T${s.slice(11, 19)}.${s.slice(20, 23)}Z`);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

describe('each format parses back to the records', () => {
  const N = 4000;
  const opts = { lines: N, seed: 11, days: 1, incidents: true };
  const recs = [...generateRecords(opts)];
  const read = (format: OutputFormat): string[] => {
    const out = join(dir, `roundtrip.${format}`);
    writeLogFile({ ...opts, format, out });
    return readFileSync(out, 'utf8').split('\n').slice(0, -1);
  };

  it('text', () => {
    const re = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\S+) (\S+) (.*) ip=(\S+) endpoint=(\S+) method=(\S+) status=(\d+) rt=(\d+(?:\.\d)?)ms bytes=(\d+)$/;
    const got = read('text').map((line): GenRecord => {
      const m = re.exec(line);
      if (m === null) throw new Error(`unparsable: ${line}`);
      return { timestamp: fromText(m[1]!), level: m[2] as GenRecord['level'], service: m[3]!, message: m[4]!, ip: m[5]!, endpoint: m[6]!, method: m[7]!, status_code: Number(m[8]), response_time_ms: Number(m[9]), bytes: Number(m[10]) };
    });
    expect(got).toEqual(recs);
  });

  it('csv (csv-parse, RFC 4180)', () => {
    const out = join(dir, 'roundtrip.csv');
    writeLogFile({ ...opts, format: 'csv', out });
    const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['timestamp', 'log_level', 'service', 'message', 'ip', 'endpoint', 'method', 'status_code', 'response_time_ms', 'bytes']);
    const got = rows.map((r): GenRecord => ({
      timestamp: Date.parse(`${r.timestamp!.replace(' ', 'T')}Z`),
      level: r.log_level as GenRecord['level'],
      service: r.service!,
      message: r.message!,
      ip: r.ip!,
      endpoint: r.endpoint!,
      method: r.method!,
      status_code: Number(r.status_code),
      response_time_ms: Number(r.response_time_ms),
      bytes: Number(r.bytes),
    }));
    expect(got).toEqual(recs);
    expect(readFileSync(out, 'utf8')).toContain('""'); // some messages carry quotes
  });

  it('jsonl', () => {
    const got = read('jsonl').map((line) => {
      const o = JSON.parse(line) as Record<string, unknown>;
      return { ...o, timestamp: Date.parse(o.timestamp as string) };
    });
    expect(got).toEqual(recs);
  });

  it('access (combined + %D)', () => {
    const re = /^(\S+) - - \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\] "(\S+) (\S+) HTTP\/[\d.]+" (\d{3}) (\d+|-) "[^"]*" "[^"]*" (\d+)$/;
    const lines = read('access');
    expect(lines.length).toBe(N);
    lines.forEach((line, i) => {
      const m = re.exec(line);
      if (m === null) throw new Error(`unparsable: ${line}`);
      const r = recs[i]!;
      const t = Date.UTC(Number(m[4]), MONTHS.indexOf(m[3]!), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
      expect([m[1], t, m[8], m[9], Number(m[10]), m[11] === '-' ? 0 : Number(m[11]), Number(m[12]) / 1000]).toEqual([
        r.ip, Math.floor(r.timestamp / 1000) * 1000, r.method, r.endpoint, r.status_code, r.bytes, r.response_time_ms,
      ]);
    });
  });
});

describe('options', () => {
  it('applies defaults', () => {
    expect(resolveGenOptions({ lines: 5 })).toEqual({ lines: 5, seed: 42, start: START, days: 1, incidents: false });
    expect(resolveGenOptions({ lines: 5, start: '2025-03-01T10:00' }).start).toBe(Date.parse('2025-03-01T10:00:00Z'));
  });

  it.each([
    [{ lines: -1 }, /lines/],
    [{ lines: 1.5 }, /lines/],
    [{ lines: 1, seed: -2 }, /seed/],
    [{ lines: 1, seed: 2 ** 32 }, /seed/],
    [{ lines: 1, start: 'yesterday' }, /start/],
    [{ lines: 1, days: 0 }, /days/],
    [{ lines: 1, days: Number.NaN }, /days/],
  ])('rejects %j', (o, msg) => {
    expect(() => resolveGenOptions(o)).toThrow(GenOptionError);
    expect(() => resolveGenOptions(o)).toThrow(msg);
  });

  it('rejects an unknown format and a span too short for incidents', () => {
    expect(() => writeLogFile({ lines: 1, format: 'xml' as OutputFormat, out: join(dir, 'x') })).toThrow(/format/);
    expect(() => writeLogFile({ lines: 1, format: 'text', out: join(dir, 'x'), days: 0.01, incidents: true })).toThrow(GenOptionError);
  });

  it('a live model draws records for any time', () => {
    const m = new LogModel({ seed: 1 });
    const t = Date.parse('2025-06-02T12:00:00Z');
    const r = m.record(t);
    expect(r.timestamp).toBe(t);
    expect(r.message.length).toBeGreaterThan(5);
  });
});
