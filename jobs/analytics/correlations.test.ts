/**
 * Detection reports of a whole job on a generated file: error_correlations.csv finds a planted
 * pair of error types and not an independent one; templates.csv flags exactly the new error
 * types of new_error_types.csv; detection.enabled: false writes the same tables, empty.
 */
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/random.js';
import { parseConfig } from '../config/index.js';
import { writeLogFile } from '../generate/generate.js';
import { runJob } from '../run.js';

const START = Date.UTC(2025, 0, 10);
const dir = mkdtempSync(path.join(tmpdir(), 'logframe-correlations-'));
const file = path.join(dir, 'app.log');

/** `2025-01-10 12:05:15,456` */
const stamp = (t: number): string => new Date(t).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');

writeLogFile({ lines: 20_000, format: 'text', out: file, seed: 21, days: 1, incidents: true });
{
  // planted: a cache eviction and a replica lag in the same 30 random minutes; a cron overrun in 30 minutes drawn apart
  const random = mulberry32(99);
  const pick = (): number => Math.floor(random() * 1380);
  const planted: string[] = [];
  for (let i = 0; i < 30; i++) {
    const m = START + pick() * 60_000;
    planted.push(`${stamp(m + 1000 + Math.floor(random() * 20_000))} ERROR cache Cache shard ${i % 8} evicted ${100 + i} keys under memory pressure`);
    planted.push(`${stamp(m + 30_000 + Math.floor(random() * 20_000))} ERROR db Replica lag on shard ${i % 8} reached ${30 + i}s`);
    planted.push(`${stamp(START + pick() * 60_000 + 5000)} ERROR cron Cron job ${i} overran its slot by ${i + 2}s`);
  }
  // a brand-new error type in the last minutes
  for (let i = 0; i < 3; i++) planted.push(`${stamp(START + 1438 * 60_000 + i * 1000)} FATAL billing Ledger checksum mismatch in batch ${i}`);
  appendFileSync(file, planted.join('\n') + '\n');
}

const csv = (out: string, name: string): Record<string, string>[] => parse(readFileSync(path.join(out, 'csv', `${name}.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
const config = (out: string, extra = ''): ReturnType<typeof parseConfig> =>
  parseConfig(`input:\n  paths: [${JSON.stringify(file)}]\nengine:\n  workers: 2\n  partition_size: 256KB\noutput:\n  dir: ${JSON.stringify(out)}\n  formats: [csv, json, arrow]\nalerts:\n  channels: {console: false}\n${extra}`, 't.yaml');

describe('detection reports of a job', () => {
  it('error_correlations.csv pairs the planted error types and not the independent one', async () => {
    const out = path.join(dir, 'out');
    await runJob(config(out));
    const rows = csv(out, 'error_correlations');
    const header = readFileSync(path.join(out, 'csv', 'error_correlations.csv'), 'utf8').split('\n')[0];
    expect(header).toBe('type_a,template_a,type_b,template_b,minutes_a,minutes_b,minutes_both,window_min,lift,correlation,p_value');
    const planted = rows.find((r) => /Cache shard/.test(r.template_a! + r.template_b!) && /Replica lag/.test(r.template_a! + r.template_b!));
    expect(planted, JSON.stringify(rows, null, 1)).toBeDefined();
    expect(Number(planted!.minutes_both)).toBeGreaterThanOrEqual(28);
    expect(Number(planted!.lift)).toBeGreaterThan(10);
    expect(Number(planted!.p_value)).toBeLessThan(1e-6);
    expect(rows.filter((r) => /Cron job/.test(r.template_a! + r.template_b!))).toEqual([]);
    // the same rows as JSON and Arrow
    const json = JSON.parse(readFileSync(path.join(out, 'json', 'error_correlations.json'), 'utf8')) as unknown[];
    expect(json).toHaveLength(rows.length);
    expect(readFileSync(path.join(out, 'arrow', 'error_correlations.arrow')).length).toBeGreaterThan(0);

    // templates.csv flags exactly the types of new_error_types.csv
    const templates = csv(out, 'templates');
    const fresh = csv(out, 'new_error_types');
    expect(templates.filter((t) => t.is_new === 'true').map((t) => t.type_id)).toEqual(fresh.map((t) => t.type_id));
    expect(fresh.map((t) => t.template)).toContain('Ledger checksum mismatch in batch <*>');
    expect(templates.filter((t) => t.is_new === 'false').length).toBeGreaterThan(5);

    // top_anomalies.csv: ranked minutes with example lines, no file names
    const top = readFileSync(path.join(out, 'csv', 'top_anomalies.csv'), 'utf8');
    expect(top.split('\n')[0]).toBe('rank,minute,scopes,detectors,score,flagged_by,example_time,level,service,message');
    expect(csv(out, 'top_anomalies').length).toBeGreaterThan(5);
    expect(top).not.toContain('app.log');
  }, 120_000);

  it('a window pairs error types that follow each other; detection.enabled: false writes every table, empty', async () => {
    const windowed = path.join(dir, 'windowed');
    await runJob(config(windowed, 'detection:\n  correlations: {window: 1m}\n'));
    const rows = csv(windowed, 'error_correlations');
    expect(rows.every((r) => r.window_min === '1')).toBe(true);
    expect(rows.some((r) => /Cache shard/.test(r.template_a! + r.template_b!) && /Replica lag/.test(r.template_a! + r.template_b!))).toBe(true);

    const off = path.join(dir, 'off');
    await runJob(config(off, 'detection:\n  enabled: false\n'));
    for (const name of ['error_correlations', 'top_anomalies', 'anomalies', 'incidents', 'new_error_types', 'errors_by_type']) expect(csv(off, name), name).toEqual([]);
    // the tables that do not depend on detection are the same
    expect(readFileSync(path.join(off, 'csv', 'errors_by_minute.csv'), 'utf8')).toBe(readFileSync(path.join(windowed, 'csv', 'errors_by_minute.csv'), 'utf8'));
  }, 120_000);
});
