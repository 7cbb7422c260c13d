import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecords, writeLogFile, type GenOptions } from '../../jobs/generate/generate.js';
import { runDuckDB } from './duckdb.js';
import { runPolars } from './polars.js';
import { emptyTables, tablesToObject, type PeerFormat, type PeerTables } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'logframe-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Incidents make the error tables uneven (spikes, a flood of one service), which is what we want to compare.
const OPTS: GenOptions = { lines: 5000, seed: 3, days: 1, incidents: true };
const files: Record<PeerFormat, string> = { text: join(dir, 'peers.log'), csv: join(dir, 'peers.csv') };

/** The expected tables, counted straight from the generator's records (no parsing at all). */
function expected(): PeerTables {
  const t = emptyTables();
  const inc = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of generateRecords(OPTS)) {
    inc(t.byLevel, r.level);
    if (r.level !== 'ERROR' && r.level !== 'CRITICAL' && r.level !== 'FATAL') continue;
    inc(t.errorsByHour, new Date(r.timestamp - (r.timestamp % 3_600_000)).toISOString());
    inc(t.errorsByMinute, new Date(r.timestamp - (r.timestamp % 60_000)).toISOString());
    inc(t.errorsByService, r.service);
    inc(t.errorsByIp, r.ip);
  }
  return t;
}

describe('peer engines agree with an independent count', () => {
  const want = tablesToObject(expected());
  beforeAll(() => {
    for (const format of ['text', 'csv'] as const) writeLogFile({ ...OPTS, format, out: files[format] });
  });

  it('the expected tables are not trivial', () => {
    expect(Object.keys(want.byLevel).length).toBe(6);
    expect(Object.keys(want.errorsByHour).length).toBeGreaterThan(20);
    expect(Object.keys(want.errorsByIp).length).toBeGreaterThan(30);
  });

  it.each(['text', 'csv'] as const)('DuckDB on %s', async (format) => {
    const r = await runDuckDB(files[format], format, 2);
    expect(r.name).toBe(`duckdb-${format}`);
    expect(r.seconds).toBeGreaterThan(0);
    expect(tablesToObject(r.tables)).toEqual(want);
  });

  it.each(['text', 'csv'] as const)('Polars on %s', async (format) => {
    const r = await runPolars(files[format], format, 2);
    expect(r.name).toBe(`polars-${format}`);
    expect(tablesToObject(r.tables)).toEqual(want);
  });

  it('Polars refuses a second thread count in the same process', async () => {
    await expect(runPolars(files.text, 'text', 1)).rejects.toThrow(/separate process/);
  });
});
