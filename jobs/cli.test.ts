import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { writeLogFile } from './generate/generate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'logframe-cli-'));
const CLI = ['--import', 'tsx', 'jobs/cli.ts'];

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeConfig(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('npm run job', () => {
  it('--help prints usage and exits 0', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: npm run job -- <config.yaml>/);
  });

  it('a bad config exits 2 naming the key and its line', () => {
    const f = writeConfig('bad.yaml', 'input:\n  paths: [data/sample.log]\n  format: txt\nengine:\n  treshold: 3\n');
    const r = run([f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${f}:3:11: input.format: expected one of text, csv, jsonl, access, pattern, regex (got 'txt')`);
    expect(r.stderr).toMatch(/:5:3: engine\.treshold: unknown key/);
  });

  it('a webhook secret missing from the environment exits 2 naming the key and the variable, before any work', () => {
    const out = path.join(dir, 'o-env');
    const f = writeConfig('env.yaml', `input:\n  paths: [data/sample.log]\noutput:\n  dir: ${JSON.stringify(out)}\nalerts:\n  channels:\n    webhook:\n      - url_env: LOGFRAME_TEST_UNSET_HOOK\n`);
    const r = run([f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('alerts.channels.webhook[0].url_env: the environment variable LOGFRAME_TEST_UNSET_HOOK is not set');
    expect(existsSync(out)).toBe(false);
  });

  it('a bad flag exits 2', () => {
    const r = run(['config/pipeline.yaml', '--workers', 'zero']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers: expected a positive integer/);
  });

  it('a missing input file exits 2 with a clear message', () => {
    const r = run(['config/pipeline.yaml', '--input', path.join(dir, 'nope.log'), '--out', path.join(dir, 'o-missing')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/input file '.*nope\.log' does not exist/);
  });

  it('a run that fails (a CSV without the required columns) exits 1 naming the file', () => {
    const f = path.join(dir, 'nocols.csv');
    writeFileSync(f, 'when,what\n2025-01-10 10:00:00,hello\n');
    const r = run(['config/pipeline.yaml', '--input', f, '--format', 'csv', '--out', path.join(dir, 'o-nocols')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`run failed: partition 0 (${f} bytes 0-`);
    expect(r.stderr).toMatch(/lacks required column\(s\) timestamp, level, message/);
  });

  it('warns once that a batch run does not serve the dashboard, and says how to view its reports', () => {
    const input = path.join(dir, 'dash.log');
    writeFileSync(input, '2025-01-10 12:05:15,456 INFO auth User logged in\n'.repeat(20));
    const out = path.join(dir, 'o-dash');
    const cfg = writeConfig('dash.yaml', `input:\n  paths: [${JSON.stringify(input)}]\nengine: {workers: 1}\ndashboard: {enabled: true}\nalerts:\n  channels: {console: false}\n`);
    const r = run([cfg, '--out', out, '--quiet']);
    expect(r.status).toBe(0);
    const shown = path.relative(process.cwd(), out);
    expect(r.stderr.split('\n').filter((l) => l.includes('dashboard'))).toEqual([
      'logframe: dashboard.enabled is set, but a batch run does not serve the dashboard (follow mode does: --follow or input.follow: true); '
      + `to view this run's reports: npm run dashboard -- --out ${shown}`,
    ]);
  });

  it('prints the pattern rules\' hits when the anomaly report (whose breakdown has them) is off', () => {
    const out = path.join(dir, 'o-rules');
    const cfg = writeConfig('rules.yaml', `input:\n  paths: [${JSON.stringify(path.resolve('data/sample.log'))}]\ndetection:\n  lines: {enabled: false}\nalerts:\n  channels: {console: false}\n`);
    const r = run([cfg, '--out', out]);
    expect(r.status).toBe(0);
    const hits = (parse(readFileSync(path.join(out, 'csv', 'pattern_hits.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).filter((h) => Number(h.count) > 0);
    expect(hits.length).toBeGreaterThan(0);
    const printed = r.stdout.slice(r.stdout.indexOf('pattern rules (csv/pattern_hits.csv)'));
    for (const h of hits) expect(printed).toMatch(new RegExp(`\\s${h.count}\\s+${h.rule} \\(${h.category}\\)`));
  });

  it('--json prints summary.json and flags override the file', () => {
    const out = path.join(dir, 'o-json');
    const r = run(['config/pipeline.yaml', '--json', '--out', out, '--workers', '1', '--partition-size', '256KB']);
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as { lines: number; workers: number };
    expect(printed).toEqual(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')));
    expect(printed.workers).toBe(1);
    expect(printed.lines).toBe(28_000);
  });

  it('a run killed at any moment leaves no half-written report', async () => {
    const file = path.join(dir, 'kill.log');
    writeLogFile({ lines: 200_000, format: 'text', out: file, seed: 3 });
    const out = path.join(dir, 'o-kill');
    // a full run first, so later kills land while files are being rewritten
    expect(run(['config/pipeline.yaml', '--input', file, '--out', out, '--quiet']).status).toBe(0);
    for (const delay of [300, 900, 1500, 2100, 2700, 3300]) {
      const child = spawn(process.execPath, [...CLI, 'config/pipeline.yaml', '--input', file, '--out', out, '--quiet']);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      checkComplete(out);
    }
  }, 120_000);
});

/** Every report under out (temp files aside) parses completely. */
function checkComplete(out: string): void {
  for (const sub of ['csv', 'json', 'arrow']) {
    const d = path.join(out, sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      if (f.startsWith('.')) continue; // a temp file: never read under a report's name
      const p = path.join(d, f);
      if (sub === 'csv') expect(() => parse(readFileSync(p, 'utf8'))).not.toThrow();
      if (sub === 'json') expect(() => JSON.parse(readFileSync(p, 'utf8'))).not.toThrow();
      if (sub === 'arrow') expect(tableFromIPC(readFileSync(p)).numCols).toBeGreaterThan(0);
    }
  }
  if (existsSync(path.join(out, 'summary.json'))) expect(() => JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'))).not.toThrow();
}
