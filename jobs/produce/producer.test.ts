import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../generate/formats.js';
import { parseAt, parseRate, Producer, type IncidentStart } from './producer.js';

const dir = (): string => mkdtempSync(path.join(tmpdir(), 'logframe-produce-'));
const textTime = (line: string): number => Date.parse(line.slice(0, 23).replace(' ', 'T').replace(',', '.') + 'Z');

describe('the producer', () => {
  it('parses rates and cue times', () => {
    expect(parseRate('20000/s')).toBe(20000);
    expect(parseRate('20k/s')).toBe(20000);
    expect(parseRate('1.5k')).toBe(1500);
    expect(() => parseRate('fast')).toThrow(/--rate/);
    expect(parseAt('30', 1000)).toBe(31_000);
    expect(parseAt('2025-01-10T00:00:00Z', 0)).toBe(Date.parse('2025-01-10T00:00:00Z'));
    expect(() => parseAt('soon', 0)).toThrow(/--at/);
  });

  it('appends at the rate, stamped with the write time, in batches', async () => {
    const out = path.join(dir(), 'app.log');
    const t0 = Date.now();
    const r = await new Producer({ out, format: 'text', rate: 5000, durationMs: 600, seed: 3 }).run();
    expect(r.lines).toBe(3000);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3000);
    const times = lines.map(textTime);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(times[0]).toBeGreaterThanOrEqual(t0);
    expect(times[times.length - 1]).toBeLessThanOrEqual(Date.now());
  });

  it('starts a new CSV file with its header, and a rotated one too', async () => {
    const d = dir();
    const out = path.join(d, 'app.csv');
    const p = new Producer({ out, format: 'csv', rate: 2000, durationMs: 800 });
    const run = p.run();
    await new Promise((r) => setTimeout(r, 300));
    renameSync(out, `${out}.1`);
    await run;
    expect(readFileSync(`${out}.1`, 'utf8').split('\n')[0]).toBe(CSV_HEADER);
    expect(existsSync(out)).toBe(true);
    const rest = readFileSync(out, 'utf8').split('\n');
    expect(rest[0]).toBe(CSV_HEADER);
    expect(rest.length).toBeGreaterThan(100);
  });

  it('injects an incident on cue and reports its first line: the first line that differs from a run without it', async () => {
    const out = path.join(dir(), 'app.log');
    const starts: IncidentStart[] = [];
    const at = Date.now() + 300;
    const r = await new Producer({
      out, format: 'text', rate: 20_000, durationMs: 1500, seed: 5,
      incidents: [{ type: 'database_outage', at, durationMs: 5000, services: ['payment'] }],
      onIncidentStart: (s) => starts.push(s),
    }).run();
    expect(starts).toHaveLength(1);
    expect(r.incidents).toEqual(starts);
    const s = starts[0]!;
    expect(s.incident.services).toEqual(['payment']);
    const fd = openSync(out, 'r');
    const buf = Buffer.alloc(Buffer.byteLength(s.line));
    readSync(fd, buf, 0, buf.length, s.offset);
    closeSync(fd);
    expect(buf.toString()).toBe(s.line);
    expect(textTime(s.line)).toBeGreaterThanOrEqual(at);
    expect(s.writtenAt).toBeGreaterThanOrEqual(textTime(s.line));
    // the outage shows: once ramped up (a tenth of its 5 s), payment mostly fails
    const after = readFileSync(out, 'utf8').split('\n').filter((l) => l.includes(' payment ') && textTime(l) >= at + 500);
    const failing = after.filter((l) => / (ERROR|CRITICAL) payment /.test(l)).length;
    expect(failing / after.length).toBeGreaterThan(0.5);
  });

  it('the CLI rejects bad arguments with exit code 2', () => {
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--rate', 'fast', '--format', 'text', '--out', '/tmp/x.log'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--rate must look like 20000/s');
    const r2 = spawnSync(process.execPath, ['--import', 'tsx', cli, '--rate', '10', '--format', 'text', '--out', '/tmp/x.log', '--incident', 'database_outage'], { encoding: 'utf8' });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('every --incident needs its --at');
  });
});
