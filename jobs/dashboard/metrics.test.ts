import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './server.js';
import { CONTRACT_ONLY, writeFixture, type Fixture } from './testing/fixture.js';
import { parseProm, sampleValue, type PromText } from './testing/prom.js';

let dir: string;
let dash: Dashboard;
let fx: Fixture;

async function scrape(): Promise<{ text: string; type: string | null; parsed: PromText }> {
  const res = await fetch(`${dash.url}metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, type: res.headers.get('content-type'), parsed: parseProm(text) };
}

/** Every exported value against summary.json (and the incidents table) as written. */
async function expectEqualsFiles(p: PromText): Promise<void> {
  const s = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
  const same = (name: string, v: number | null): void => {
    if (v === null) expect(p.samples.some((x) => x.name === name)).toBe(false);
    else expect(sampleValue(p, name)).toBe(v);
  };
  same('logframe_report_present', 1);
  same('logframe_health_score', s.health_score);
  same('logframe_error_rate', s.error_rate);
  same('logframe_errors', s.errors);
  same('logframe_response_time_p95_ms', s.response_time_ms.p95);
  same('logframe_response_time_p99_ms', s.response_time_ms.p99);
  same('logframe_response_time_mean_ms', s.response_time_ms.mean);
  same('logframe_anomalies', s.anomalies);
  same('logframe_alerts', s.alerts);
  same('logframe_lines_processed', s.lines);
  same('logframe_lines_per_second', s.lines_per_sec);
  const incidents = p.samples.filter((x) => x.name === 'logframe_incidents');
  expect(incidents.reduce((a, x) => a + x.value, 0)).toBe(s.incidents);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logframe-metrics-'));
  fx = await writeFixture(dir, { minutes: 240, seed: 3 });
  dash = await startDashboard({ outDir: dir, port: 0, pollMs: 200 });
});

afterAll(async () => {
  await dash.close();
  await rm(dir, { recursive: true, force: true });
});

describe('/metrics', () => {
  it('is valid Prometheus text with HELP and TYPE for every metric', async () => {
    const { type, parsed } = await scrape();
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const names = new Set(parsed.samples.map((s) => s.name));
    for (const n of ['logframe_health_score', 'logframe_error_rate', 'logframe_response_time_p95_ms', 'logframe_response_time_p99_ms',
      'logframe_anomalies', 'logframe_incidents', 'logframe_lines_processed', 'logframe_lines_per_second']) {
      expect(names.has(n)).toBe(true);
      expect(parsed.types.get(n)).toBe('gauge');
      expect(parsed.help.get(n)?.length).toBeGreaterThan(10);
    }
  });

  it('equals summary.json, with incidents split by severity from the incidents table', async () => {
    const { parsed } = await scrape();
    await expectEqualsFiles(parsed);
    const bySeverity = new Map<string, number>();
    for (const r of fx.tables.get('incidents')!.rows) bySeverity.set(r[3] as string, (bySeverity.get(r[3] as string) ?? 0) + 1);
    for (const sev of ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']) expect(sampleValue(parsed, 'logframe_incidents', { severity: sev })).toBe(bySeverity.get(sev) ?? 0);
  });

  it('moves when a run rewrites the reports', async () => {
    const before = sampleValue((await scrape()).parsed, 'logframe_lines_processed');
    const next = await writeFixture(dir, { minutes: 300, seed: 4 });
    const { parsed } = await scrape();
    expect(sampleValue(parsed, 'logframe_lines_processed')).toBe(next.summary.lines);
    expect(next.summary.lines).not.toBe(before);
    await expectEqualsFiles(parsed);
  });

  it('leaves unknown values out (a run without health score or detection tables)', async () => {
    await rm(join(dir, 'arrow', 'incidents.arrow'));
    await writeFixture(dir, { minutes: 120, seed: 5, ...CONTRACT_ONLY });
    const { text, parsed } = await scrape();
    expect(text).not.toMatch(/^logframe_health_score /m);
    expect(sampleValue(parsed, 'logframe_error_rate')).toBeGreaterThan(0);
    await expectEqualsFiles(parsed);
  });

  it('says when there is no report at all', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'logframe-metrics-empty-'));
    const d = await startDashboard({ outDir: empty, port: 0 });
    try {
      const parsed = parseProm(await (await fetch(`${d.url}metrics`)).text());
      expect(sampleValue(parsed, 'logframe_report_present')).toBe(0);
      expect(parsed.samples.map((x) => x.name)).toEqual(['logframe_report_present']);
    } finally {
      await d.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('parseProm (the strict parser itself)', () => {
  it.each([
    'x 1',
    'bad-name 1\n',
    'x{a="1} 1\n',
    'x{a="\\q"} 1\n',
    'x 1\nx 2\n',
    'x one\n',
    '# TYPE x gauge\n# TYPE x gauge\nx 1\n',
    'x 1\n# TYPE x gauge\n',
    '# TYPE x weird\nx 1\n',
  ])('rejects %j', (text) => {
    expect(() => parseProm(text)).toThrow();
  });

  it('reads labels, escapes and special values', () => {
    const p = parseProm('# HELP x a \\\\ b\n# TYPE x gauge\nx{a="q\\"\\n",b="2"} NaN\ny +Inf 123\n');
    expect(p.help.get('x')).toBe('a \\ b');
    expect(p.samples[0]).toMatchObject({ name: 'x', labels: { a: 'q"\n', b: '2' } });
    expect(p.samples[0]!.value).toBeNaN();
    expect(sampleValue(p, 'y')).toBe(Infinity);
  });
});
