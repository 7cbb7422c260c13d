import { appendFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { runJob, type JobOutputs } from '../run.js';
import { generateRecords } from '../generate/generate.js';
import { makeFormatter } from '../generate/formats.js';
import { CheckpointError } from './checkpoint.js';
import { Follower } from './follower.js';

function config(dir: string, input: string, out: string, extra = ''): Config {
  return parseConfig([
    'engine:', '  workers: 1', 'input:', `  paths: [${JSON.stringify(path.join(dir, input))}]`, '  follow: true', extra,
    'output:', `  dir: ${JSON.stringify(path.join(dir, out))}`, '  formats: [csv]', '  refresh: 100ms',
    'alerts:', '  channels: {console: false}', '',
  ].join('\n'), 'test.yaml');
}

function generated(n: number, seed: number): string[] {
  const fmt = makeFormatter('text', seed);
  return [...generateRecords({ lines: n, seed, days: 0.02 })].map((r) => fmt.line(r));
}

const summary = (dir: string, out: string): { lines: number; parsed: number; malformed: number } =>
  JSON.parse(readFileSync(path.join(dir, out, 'summary.json'), 'utf8')) as { lines: number; parsed: number; malformed: number };

describe('the follower', () => {
  it('holds the last multi-line record back until the next starts, or until the file is quiet', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-ml-'));
    const file = path.join(dir, 'app.log');
    const recs = generated(200, 5);
    // every tenth record carries a stack trace
    const text = (from: number, to: number): string => recs.slice(from, to).map((l, i) => ((from + i) % 10 === 0 ? `${l}\n    at f (a.js:1)\n    at g (b.js:2)` : l)).join('\n') + '\n';
    writeFileSync(file, text(0, 100));
    const extra = "  multiline: {start: '^\\d{4}-'}";
    const f = await Follower.start(config(dir, 'app.log', 'out', extra), { multilineFlushMs: 400, watch: false, log: () => {} });
    // the 100th record may still grow (a stack trace can follow): held back
    expect((await f.cycle()).lines).toBe(99);
    appendFileSync(file, text(100, 200));
    expect((await f.cycle()).lines).toBe(100);
    await new Promise((r) => setTimeout(r, 500));
    // quiet for longer than multilineFlushMs: the last record goes in
    expect((await f.cycle()).lines).toBe(1);
    await f.stop();
    await runJob(config(dir, 'app.log', 'batch', extra));
    expect(summary(dir, 'out').parsed).toBe(200);
    expect(readFileSync(path.join(dir, 'out/csv/errors_by_minute.csv'), 'utf8')).toBe(readFileSync(path.join(dir, 'batch/csv/errors_by_minute.csv'), 'utf8'));
    expect(readFileSync(path.join(dir, 'out/csv/errors_by_type.csv'), 'utf8')).toBe(readFileSync(path.join(dir, 'batch/csv/errors_by_type.csv'), 'utf8'));
  });

  it('keeps the example lines a batch run over the renamed files keeps, and names no file in them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-ev-'));
    const file = path.join(dir, 'app.log');
    const recs = generated(3000, 9);
    writeFileSync(file, recs.slice(0, 2000).join('\n') + '\n');
    let last: JobOutputs | null = null;
    const log: string[] = [];
    const f = await Follower.start(config(dir, 'app.log*', 'out'), { watch: false, log: (l) => log.push(l), onRefresh: (o) => { last = o; } });
    await f.cycle();
    renameSync(file, `${file}.1`);
    // the new file's lines fall in the same minutes as the old one's last lines
    writeFileSync(file, recs.slice(2000).join('\n') + '\n');
    await f.cycle();
    await f.stop();
    const batch = await runJob(config(dir, 'app.log*', 'batch'));
    const evidence = (m: Map<number, unknown[]>): string => JSON.stringify([...m].sort((a, b) => a[0] - b[0]));
    expect(last).not.toBeNull();
    const follow = (last as unknown as JobOutputs).results.evidence;
    expect(evidence(follow)).toBe(evidence(batch.results.evidence));
    expect(follow.size).toBeGreaterThan(0);
    // examples are content only: nothing a rotation renames
    expect(evidence(follow)).not.toContain('app.log');
    expect(log.join('\n')).toContain('app.log was renamed to');
  });

  it('refuses a checkpoint written for other queries', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-ck-'));
    writeFileSync(path.join(dir, 'app.log'), generated(50, 1).join('\n') + '\n');
    const f = await Follower.start(config(dir, 'app.log', 'out'), { watch: false, log: () => {} });
    await f.cycle();
    await f.stop();
    const other = config(dir, 'app.log', 'out', '  timezone: Europe/Paris');
    await expect(Follower.start(other, { watch: false })).rejects.toThrow(CheckpointError);
    await expect(Follower.start(other, { watch: false })).rejects.toThrow(/written for other inputs or reports/);
  });

  it('alerts an outage within a poll of its first lines (fast window), where the minute rule would wait', async () => {
    // data time ahead of the clock, so every line is recent enough for the fast window
    const base = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
    const healthy: string[] = [];
    for (let s = 0; s < 30; s++) {
      for (let k = 0; k < 200; k++) healthy.push(`${stamp(base + s * 1000 + k * 5)} ${k % 50 === 0 ? 'ERROR' : 'INFO'} payment request done`);
    }
    const outage: string[] = [];
    for (let k = 0; k < 150; k++) outage.push(`${stamp(base + 30_000 + k * 6)} ERROR payment connection refused by db-1`);
    for (const fast of ['5s', '0s']) {
      const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-fast-'));
      const file = path.join(dir, 'app.log');
      writeFileSync(file, healthy.join('\n') + '\n');
      const cfg = config(dir, 'app.log', 'out', '');
      cfg.alerts.fast_window = fast === '5s' ? 5_000 : 0;
      cfg.alerts.rules.error_count = 10_000; // this test is about the rate
      const f = await Follower.start(cfg, { watch: false, log: () => {} });
      expect((await f.cycle()).alerts).toBe(0);
      appendFileSync(file, outage.join('\n') + '\n');
      const sent = (await f.cycle()).alerts;
      await f.stop();
      const alerts = readFileSync(path.join(dir, 'out/alerts.log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rule: string; scope: string });
      if (fast === '5s') {
        // 150 errors in the last 5 s of 950 lines (15.8%): clearly above 10%
        expect(sent).toBeGreaterThan(0);
        expect(alerts.map((a) => `${a.rule}:${a.scope}`)).toContain('error_rate:payment');
      } else {
        // the minute holds 6,150 lines of which 270 failed (4.4%): the minute rule alone stays quiet
        expect(sent).toBe(0);
        expect(alerts).toEqual([]);
      }
    }
  });

  it('runs the threshold rules on the windows with new lines only, and still alerts a window that late lines make cross', async () => {
    const base = Date.UTC(2026, 0, 5, 10, 0, 0);
    const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
    // one minute: 200 healthy web lines and 20 of `service`, `errors` of them failing
    const minute = (m: number, service: string, errors: number): string[] => [
      ...Array.from({ length: 200 }, (_, k) => `${stamp(base + m * 60_000 + k * 250)} INFO web request done`),
      ...Array.from({ length: 20 }, (_, k) => `${stamp(base + m * 60_000 + k * 2_500 + 7)} ${k < errors ? 'ERROR' : 'INFO'} ${service} call ${k < errors ? 'failed' : 'done'}`),
    ];
    const chunks = [
      minute(0, 'payment', 0), minute(1, 'payment', 10), minute(2, 'payment', 0), minute(3, 'payment', 0),
      // with minute 4, late lines for minute 1: auth crosses there and nowhere else
      [...minute(4, 'payment', 0), ...minute(1, 'auth', 10).slice(200)],
      minute(5, 'payment', 0),
    ];
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-windows-'));
    const file = path.join(dir, 'app.log');
    const cfg = (out: string): Config => {
      const c = config(dir, 'app.log', out, '');
      c.alerts.fast_window = 0;
      c.alerts.cooldown = 0;
      c.alerts.rules.error_count = 10_000;
      c.alerts.rules.critical_count = 10_000;
      return c;
    };
    writeFileSync(file, '');
    const f = await Follower.start(cfg('out'), { watch: false, log: () => {} });
    for (const c of chunks) {
      appendFileSync(file, c.join('\n') + '\n');
      await f.cycle();
    }
    await f.stop();
    await runJob(cfg('batch'));
    const rateAlerts = (out: string): string[] => readFileSync(path.join(dir, out, 'alerts.log'), 'utf8').trim().split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { rule: string; scope: string; status: string; time: string; severity: string })
      .filter((a) => a.rule === 'error_rate' && a.status === 'firing').map((a) => `${a.time} ${a.scope} ${a.severity}`).sort();
    const minute1 = new Date(base + 60_000).toISOString();
    expect(rateAlerts('out')).toEqual([`${minute1} auth CRITICAL`, `${minute1} payment CRITICAL`]);
    expect(rateAlerts('out')).toEqual(rateAlerts('batch'));
  });
});

describe('a CSV file without a header', () => {
  it('waits unread, said once, while the other inputs go on (copytruncate of a CSV log)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-csvhead-'));
    const sample = readFileSync('data/sample.csv', 'utf8').split('\n');
    writeFileSync(path.join(dir, 'good.csv'), sample.slice(0, 101).join('\n') + '\n');
    // rows only: what a CSV log holds after copytruncate once its writer appends again
    writeFileSync(path.join(dir, 'bad.csv'), sample.slice(101, 151).join('\n') + '\n');
    const log: string[] = [];
    const f = await Follower.start(config(dir, '*.csv', 'out', '  format: csv'), { watch: false, log: (l) => log.push(l) });
    expect((await f.cycle()).lines).toBe(100);
    appendFileSync(path.join(dir, 'good.csv'), sample.slice(151, 161).join('\n') + '\n');
    appendFileSync(path.join(dir, 'bad.csv'), sample.slice(161, 171).join('\n') + '\n');
    expect((await f.cycle()).lines).toBe(10);
    await f.stop();
    const said = log.filter((l) => l.includes('bad.csv'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/not reading .*bad\.csv until it starts with a CSV header; the other inputs go on: .*lacks required column/);
    expect(summary(dir, 'out').parsed).toBe(110);
  }, 60_000);
});

describe('the follower\'s detector alerts', () => {
  it('page a forest window only when a z-score spike corroborates it, as the batch job does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-forest-'));
    // the sample CSV's header and first 1,500 rows: a day with few lines a minute, where the forest flags windows alone
    writeFileSync(path.join(dir, 'app.log'), readFileSync('data/sample.csv', 'utf8').split('\n').slice(0, 1500).join('\n') + '\n');
    const cfg = (out: string): Config => config(dir, 'app.log', out, '  format: csv');
    const f = await Follower.start(cfg('out'), { watch: false, log: () => {} });
    await f.cycle();
    await f.stop();
    const rows = readFileSync(path.join(dir, 'out', 'csv', 'anomalies.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const spiked = new Set(rows.filter((r) => r[2] === 'zscore').map((r) => r[0]));
    expect(rows.some((r) => r[2] === 'forest' && !spiked.has(r[0]))).toBe(true); // windows that must not page
    const forestAlerts = readFileSync(path.join(dir, 'out', 'alerts.log'), 'utf8').trim().split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { rule: string; time: string })
      .filter((a) => a.rule === 'anomaly:forest');
    for (const a of forestAlerts) expect(spiked.has(a.time), a.time).toBe(true);
    await runJob(cfg('batch'));
    const count = (out: string): number => (JSON.parse(readFileSync(path.join(dir, out, 'summary.json'), 'utf8')) as { alerts: number }).alerts;
    expect(count('out')).toBe(count('batch'));
  }, 120_000);
});

describe('the follower on a file that stopped growing', () => {
  it('brings an anomaly report from an earlier line pass up to date without new lines', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-follow-stale-'));
    const file = path.join(dir, 'app.log');
    const recs = [...generateRecords({ lines: 6000, seed: 4, days: 0.05, incidents: true })].map((r) => makeFormatter('text', 4).line(r));
    writeFileSync(file, recs.slice(0, 3000).join('\n') + '\n');
    let refreshes = 0;
    let refreshed: () => void = () => {};
    const nextRefresh = (): Promise<void> => new Promise((r) => { refreshed = r; });
    const f = await Follower.start(config(dir, 'app.log', 'out'), { watch: false, log: () => {}, onRefresh: () => { refreshes++; refreshed(); } });
    let written = nextRefresh();
    await f.cycle();
    await written;
    // the rest at once, right after that line pass: the pace allows no other yet, so this report
    // set carries the earlier pass's anomaly report
    appendFileSync(file, recs.slice(3000).join('\n') + '\n');
    written = nextRefresh();
    await f.cycle();
    await written;
    await runJob(config(dir, 'app.log', 'batch'));
    const report = (out: string): string => {
      try {
        return readFileSync(path.join(dir, out, 'csv/anomaly_report.csv'), 'utf8');
      } catch {
        return ''; // being replaced
      }
    };
    const want = report('batch');
    const deadline = Date.now() + 30_000;
    // polls with nothing new to read
    while (report('out') !== want && Date.now() < deadline) {
      expect((await f.cycle()).bytes).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(report('out')).toBe(want);
    expect(refreshes).toBeGreaterThan(1);
    await f.stop();
  }, 60_000);
});
