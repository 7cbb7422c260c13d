import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { parseConfig } from './config/index.js';
import { runJob } from './run.js';
import { generateRecords, writeLogFile } from './generate/generate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'logframe-job-'));

function config(extra: string, input: string, out: string): ReturnType<typeof parseConfig> {
  return parseConfig(`input:\n  paths: [${JSON.stringify(input)}]\n${extra}\noutput:\n  dir: ${JSON.stringify(out)}\n`, 'test.yaml');
}

/** Every report file under dir, relative path -> bytes (summary.json without its timing fields). */
function snapshot(out: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(out, p)] = readFileSync(p, e.name.endsWith('.arrow') ? 'base64' : 'utf8');
    }
  };
  walk(out);
  const summary = JSON.parse(files['summary.json']!) as Record<string, unknown>;
  for (const k of ['elapsed_ms', 'lines_per_sec', 'bytes_per_sec', 'partitions', 'workers']) delete summary[k];
  files['summary.json'] = JSON.stringify(summary);
  return files;
}

describe('the log job', () => {
  const file = path.join(dir, 'gen.log');
  writeLogFile({ lines: 30_000, format: 'text', out: file, seed: 7, days: 2, incidents: true });

  it('writes byte-identical reports whatever the partition size and worker count', async () => {
    const runs: Record<string, string>[] = [];
    for (const [workers, size] of [[1, '32MB'], [2, '64KB'], [2, '1MB'], [3, '200KB']] as const) {
      const out = path.join(dir, `out-${workers}-${size}`);
      await runJob(config(`engine:\n  workers: ${workers}\n  partition_size: ${size}`, file, out));
      runs.push(snapshot(out));
    }
    expect(Object.keys(runs[0]!).sort()).toContain('csv/errors_by_type.csv');
    for (const r of runs.slice(1)) expect(r).toEqual(runs[0]);
  }, 240_000);

  it('matches an independent count of the generated records', async () => {
    const out = path.join(dir, 'out-count');
    const outcome = await runJob(config('engine:\n  workers: 2\n  partition_size: 256KB', file, out));
    const errors = new Set(['ERROR', 'CRITICAL', 'FATAL']);
    const byLevel = new Map<string, number>();
    const byService = new Map<string, [number, number]>();
    const byIp = new Map<string, [number, number]>();
    const byEndpoint = new Map<string, [number, number]>();
    const byHour = new Map<number, [number, number]>();
    const add = (m: Map<string, [number, number]> | Map<number, [number, number]>, k: never, e: boolean): void => {
      const v = (m as Map<unknown, [number, number]>).get(k) ?? [0, 0];
      v[0] += e ? 1 : 0;
      v[1] += 1;
      (m as Map<unknown, [number, number]>).set(k, v);
    };
    for (const r of generateRecords({ lines: 30_000, seed: 7, days: 2, incidents: true })) {
      const e = errors.has(r.level);
      byLevel.set(r.level, (byLevel.get(r.level) ?? 0) + 1);
      add(byService, r.service as never, e);
      add(byIp, r.ip as never, e);
      add(byEndpoint, r.endpoint.split('?')[0] as never, e);
      add(byHour, (Math.floor(r.timestamp / 3_600_000) * 3_600_000) as never, e);
    }
    const csv = (name: string): string[][] => readFileSync(path.join(out, 'csv', `${name}.csv`), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(Object.fromEntries(csv('logs_by_level').map(([l, c]) => [l, Number(c)]))).toEqual(Object.fromEntries(byLevel));
    for (const [svc, errs, total] of csv('errors_per_service')) expect([Number(errs), Number(total)]).toEqual(byService.get(svc!));
    expect(csv('errors_per_service')).toHaveLength(byService.size);
    for (const [ip, errs, total] of csv('errors_per_ip')) expect([Number(errs), Number(total)]).toEqual(byIp.get(ip!));
    expect(csv('errors_per_ip')).toHaveLength(byIp.size);
    for (const [ep, errs, total] of csv('errors_per_endpoint')) expect([Number(errs), Number(total)]).toEqual(byEndpoint.get(ep!));
    for (const [hour, errs, total] of csv('errors_by_hour')) {
      expect([Number(errs), Number(total)]).toEqual(byHour.get(Date.parse(hour!)) ?? [0, 0]);
    }
    const totalErrors = [...byLevel].filter(([l]) => errors.has(l)).reduce((s, [, n]) => s + n, 0);
    expect(outcome.summary.errors).toBe(totalErrors);
    expect(outcome.summary.lines).toBe(30_000);
    // the error types account for every error line
    expect(outcome.errorTypes.reduce((s, t) => s + t.count, 0)).toBe(totalErrors);

    // the minute x level x service cells (columns, sorted by minute, level, service) and the
    // minute x service roll-up with its latency sums
    const cells = new Map<string, { n: number; rt: number }>();
    const perMinuteService = new Map<string, { total: number; errors: number; rt: number }>();
    for (const r of generateRecords({ lines: 30_000, seed: 7, days: 2, incidents: true })) {
      const minute = Math.floor(r.timestamp / 60_000) * 60_000;
      const c = cells.get(`${minute}|${r.level}|${r.service}`) ?? { n: 0, rt: 0 };
      c.n++;
      c.rt += r.response_time_ms;
      cells.set(`${minute}|${r.level}|${r.service}`, c);
      const m = perMinuteService.get(`${minute}|${r.service}`) ?? { total: 0, errors: 0, rt: 0 };
      m.total++;
      if (errors.has(r.level)) m.errors++;
      m.rt += r.response_time_ms;
      perMinuteService.set(`${minute}|${r.service}`, m);
    }
    const got = outcome.results.minuteLevelService;
    expect(got.length).toBe(cells.size);
    const key = (i: number): string => `${got.minute[i]}|${got.level(i)}|${got.service(i)}`;
    for (let i = 0; i < got.length; i++) {
      const want = cells.get(key(i))!;
      expect(got.count[i], key(i)).toBe(want.n);
      expect(got.rtCount[i], key(i)).toBe(want.n);
      expect(got.rtSum[i]!, key(i)).toBeCloseTo(want.rt, 6);
      if (i > 0) expect(key(i - 1) < key(i) || got.minute[i - 1]! < got.minute[i]!, key(i)).toBe(true);
    }
    expect(outcome.results.minuteServices).toHaveLength(perMinuteService.size);
    for (const row of outcome.results.minuteServices) {
      const want = perMinuteService.get(`${row.minute}|${row.service}`)!;
      expect([row.total, row.errors, row.rtCount]).toEqual([want.total, want.errors, want.total]);
      expect(row.rtSum).toBeCloseTo(want.rt, 6);
      expect(row.rtMean).toBeCloseTo(want.rt / want.total, 9);
    }
  });

  it('keeps a multi-line record (stack trace) whole, across partition boundaries', async () => {
    const lines: string[] = [];
    let expected = 0;
    for (let i = 0; i < 400; i++) {
      const ts = `2025-01-10 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},000`;
      if (i % 7 === 0) {
        lines.push(`${ts} ERROR api Unhandled exception in handler ${i}`, 'java.lang.IllegalStateException: boom', '\tat com.acme.Handler.run(Handler.java:42)', '\tat java.lang.Thread.run(Thread.java:748)');
        expected++;
      } else lines.push(`${ts} INFO api request ${i} ok`);
    }
    const f = path.join(dir, 'multi.log');
    writeFileSync(f, lines.join('\n') + '\n');
    for (const size of ['1KB', '4KB', '32MB']) {
      const out = path.join(dir, `out-multi-${size}`);
      const o = await runJob(parseConfig(
        `input:\n  paths: [${JSON.stringify(f)}]\n  multiline: true\nengine:\n  workers: 2\n  partition_size: ${size}\noutput:\n  dir: ${JSON.stringify(out)}\n`,
        't.yaml',
      ));
      expect(o.summary.parsed).toBe(400);
      expect(o.summary.malformed).toBe(0);
      expect(o.summary.errors).toBe(expected);
      const example = o.errorTypes[0]!.example;
      expect(example).toContain('\tat java.lang.Thread.run(Thread.java:748)');
    }
  });

  it('a multi-line record takes its fields from its first line, and its message keeps no key=value token', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines.push(`2025-01-10 10:00:${String(i).padStart(2, '0')},000 ERROR api Unhandled exception in handler ip=10.0.0.${i % 4} status=500`,
        'java.lang.IllegalStateException: status=200 boom', '\tat com.acme.Handler.run(Handler.java:42)');
    }
    const f = path.join(dir, 'multi-kv.log');
    writeFileSync(f, lines.join('\r\n') + '\r\n');
    const out = path.join(dir, 'out-multi-kv');
    const o = await runJob(parseConfig(`input:\n  paths: [${JSON.stringify(f)}]\n  multiline: true\nengine:\n  workers: 2\n  partition_size: 1KB\noutput:\n  dir: ${JSON.stringify(out)}\n`, 't.yaml'));
    expect([o.summary.parsed, o.summary.errors]).toEqual([40, 40]);
    expect(o.errorTypes.map((t) => t.count)).toEqual([40]);
    const example = o.errorTypes[0]!.example;
    expect(example.startsWith('Unhandled exception in handler\n')).toBe(true);
    expect(example).toContain('java.lang.IllegalStateException: status=200 boom');
    expect(example).not.toContain('ip=');
    expect(readFileSync(path.join(out, 'csv/errors_per_ip.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 4);
    // the status is the first line's 500, not the 200 inside the trace
    const api = o.results.services.find((x) => x.service === 'api')!;
    expect([api.withStatus, api.okStatus]).toEqual([40, 0]);
  });

  it('survives stray timestamps: decades away, before 1970, or beyond any Date', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      const ts = `2025-01-10 10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},000`;
      lines.push(`${ts} ${i % 5 === 0 ? 'ERROR' : 'INFO'} svc${i % 3} request ${i} failed ip=10.0.0.${i % 7} rt=${i % 50}ms`);
    }
    // a device clock at 1970, one before it, one from a far future: each is one line, counted in
    // its own minute, with no empty minute filled between it and the rest
    lines.push('1970-01-01 00:00:00,000 ERROR kernel clock not set yet', '1969-12-31 23:59:00,000 ERROR kernel before the epoch', '9999-12-31 23:59:59,000 ERROR svc0 far future');
    const f = path.join(dir, 'stray.log');
    writeFileSync(f, lines.join('\n') + '\n');
    const out = path.join(dir, 'out-stray');
    const o = await runJob(config('engine:\n  workers: 2', f, out));
    expect(o.summary.parsed).toBe(603);
    expect(o.summary.malformed).toBe(0);
    const csv = readFileSync(path.join(out, 'csv/errors_by_minute.csv'), 'utf8').trim().split('\n');
    // header + 10 minutes of traffic + 3 stray minutes
    expect(csv).toHaveLength(1 + 10 + 3);
    expect(csv[1]).toBe('1969-12-31T23:59:00.000Z,1,1');
    expect(csv.at(-1)).toBe('9999-12-31T23:59:00.000Z,1,1');
    expect(readFileSync(path.join(out, 'csv/errors_by_day.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 4);

    // a time no Date can hold is a malformed line, counted and sampled, not a crash
    const j = path.join(dir, 'stray.jsonl');
    writeFileSync(j, '{"timestamp":"2025-01-10T00:00:00Z","level":"ERROR","service":"a","message":"ok"}\n{"timestamp":1e300,"level":"ERROR","message":"x"}\n');
    const oj = await runJob(config('  format: jsonl\nengine:\n  workers: 1', j, path.join(dir, 'out-stray-json')));
    expect([oj.summary.parsed, oj.summary.malformed]).toEqual([1, 1]);
    expect(readFileSync(path.join(dir, 'out-stray-json', 'malformed.log'), 'utf8')).toContain('timestamp out of range');
  }, 60_000);

  it('judges nothing when no line parsed: no health score, and a recommendation that says why', async () => {
    const f = path.join(dir, 'none.log');
    writeFileSync(f, 'not a log line\n\n');
    const out = path.join(dir, 'out-none');
    const o = await runJob(config('engine:\n  workers: 1', f, out));
    expect([o.summary.parsed, o.summary.malformed, o.summary.blank]).toEqual([0, 1, 1]);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { health_score: unknown; health_status: unknown; recommendations: { area: string }[] };
    expect([summary.health_score, summary.health_status]).toEqual([null, null]);
    expect(summary.recommendations.map((r) => r.area)).toEqual(['NO_DATA']);
  }, 60_000);

  it('writes parsed.arrow with the record schema\'s integer fields as integers', async () => {
    const f = path.join(dir, 'parsed.log');
    writeFileSync(f, [
      '2025-01-10 10:00:00,000 INFO api ok status=200 bytes=5120 rt=12.5ms',
      '2025-01-10 10:00:01,000 ERROR api boom status=503',
      '2025-01-10 10:00:02,000 INFO api no fields',
    ].join('\n') + '\n');
    const out = path.join(dir, 'out-parsed');
    await runJob(parseConfig(`input: {paths: [${JSON.stringify(f)}]}\nengine: {workers: 1}\noutput: {dir: ${JSON.stringify(out)}, parsed: true}\n`, 'test.yaml'));
    const t = tableFromIPC(readFileSync(path.join(out, 'parsed.arrow')));
    const type = (c: string): string => String(t.schema.fields.find((x) => x.name === c)!.type);
    expect([type('status_code'), type('bytes'), type('line'), type('response_time_ms')]).toEqual(['Int64', 'Int64', 'Int64', 'Float64']);
    const col = (c: string): unknown[] => [...t.getChild(c)!].map((v) => (typeof v === 'bigint' ? Number(v) : v));
    expect(col('status_code')).toEqual([200, 503, null]);
    expect(col('bytes')).toEqual([5120, null, null]);
    expect(col('line')).toEqual([1, 2, 3]);
    expect(col('response_time_ms')).toEqual([12.5, null, null]);
  }, 60_000);
});
