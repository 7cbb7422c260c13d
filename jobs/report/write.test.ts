import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { formatFloat } from './cell.js';
import { neutralizeFormula } from './csv.js';
import type { ReportTable } from './table.js';
import { inParallel, writeJsonFile, writeReport } from './write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logframe-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 10, 5);
const table: ReportTable = {
  name: 'everything',
  columns: [
    { name: 'hour', type: 'timestamp' },
    { name: 'service', type: 'string' },
    { name: 'errors', type: 'int' },
    { name: 'error_rate', type: 'float' },
    { name: 'healthy', type: 'bool' },
  ],
  rows: [
    [T0, 'auth', 12, 0.1 + 0.2, true],
    [T0 + H, 'pay,ments "v2"', 0, 1 / 3, false],
    [T0 + 2 * H, 'multi\nline ünïcødé 🚀', -7, -12.5, null],
    [null, "=cmd|' /C calc'!A0", null, null, true],
    [T0 + 4 * H, '-12.5', 2 ** 40, 1e-7, false],
    [T0 + 5 * H, null, 1, 123456.789, true],
    [T0 + 6 * H, '', 2, 0, false],
  ],
};

/** What the CSV must hold for a value read back from the Arrow file. */
function csvText(type: string, v: unknown): string {
  if (v === null) return '';
  switch (type) {
    case 'timestamp':
      return (v as Date).toISOString();
    case 'float':
      return formatFloat(v as number);
    case 'string':
      return neutralizeFormula(v as string);
    default:
      return String(v);
  }
}

describe('writeReport', () => {
  test('writes csv/, json/ and arrow/ files that carry the same values (Arrow read back by Polars)', async () => {
    const paths = await writeReport(dir, table, ['csv', 'json', 'arrow']);
    expect(paths).toEqual([join(dir, 'csv', 'everything.csv'), join(dir, 'json', 'everything.json'), join(dir, 'arrow', 'everything.arrow')]);

    const df = pl.readIPC(readFileSync(join(dir, 'arrow', 'everything.arrow')));
    const csv = parse(await readFile(join(dir, 'csv', 'everything.csv'), 'utf8')) as string[][];
    const json = JSON.parse(await readFile(join(dir, 'json', 'everything.json'), 'utf8')) as Record<string, unknown>[];

    expect(df.height).toBe(table.rows.length);
    expect(csv.length).toBe(table.rows.length + 1);
    expect(json.length).toBe(table.rows.length);
    expect(df.columns).toEqual(csv[0]);
    expect(df.columns).toEqual(table.columns.map((c) => c.name));
    expect(Object.keys(json[0]!)).toEqual(df.columns);
    expect(Object.fromEntries(Object.entries(df.schema).map(([k, t]) => [k, String(t)]))).toEqual({
      hour: 'DataType(Datetime(ms,UTC))', service: 'DataType(String)', errors: 'DataType(Int64)', error_rate: 'DataType(Float64)', healthy: 'DataType(Bool)',
    });

    const records = df.toRecords();
    for (let i = 0; i < table.rows.length; i++) {
      for (const [j, { name, type }] of table.columns.entries()) {
        const v: unknown = records[i]![name] ?? null;
        expect(csv[i + 1]![j], `csv row ${i} ${name}`).toBe(csvText(type, v));
        const fromJson = json[i]![name];
        expect(fromJson, `json row ${i} ${name}`).toEqual(v instanceof Date ? v.toISOString() : v);
      }
    }
    // Spot checks against the source rows, so the three agreeing is not agreement on a wrong value.
    expect(records[1]).toEqual({ hour: new Date(T0 + H), service: 'pay,ments "v2"', errors: 0, error_rate: 0.333333, healthy: false });
    expect(records[0]!.error_rate).toBe(0.3);
    expect(records[4]!.error_rate).toBe(0);
    expect(records[6]!.service).toBe('');
    expect(records[5]!.service).toBeNull();
    expect(csv[4]![1]).toBe("'=cmd|' /C calc'!A0");
    expect(csv[5]![1]).toBe('-12.5');
  });

  test('an empty table writes a header-only CSV, [] and a zero-row Arrow file with the schema', async () => {
    const empty: ReportTable = { ...table, name: 'empty', rows: [] };
    await writeReport(dir, empty, ['arrow', 'csv', 'json'], { jsonName: 'error_trends' });
    expect(await readFile(join(dir, 'csv', 'empty.csv'), 'utf8')).toBe('hour,service,errors,error_rate,healthy\n');
    expect(await readFile(join(dir, 'json', 'error_trends.json'), 'utf8')).toBe('[]\n');
    const df = pl.readIPC(readFileSync(join(dir, 'arrow', 'empty.arrow')));
    expect(df.height).toBe(0);
    expect(df.columns).toEqual(['hour', 'service', 'errors', 'error_rate', 'healthy']);
  });

  test('writing the same table twice gives the same bytes and leaves no temp files', async () => {
    const sub = join(dir, 'twice');
    await writeReport(sub, table, ['csv', 'json', 'arrow']);
    const first = await Promise.all(['csv/everything.csv', 'json/everything.json', 'arrow/everything.arrow'].map((p) => readFile(join(sub, p))));
    await writeReport(sub, table, ['csv', 'json', 'arrow']);
    const second = await Promise.all(['csv/everything.csv', 'json/everything.json', 'arrow/everything.arrow'].map((p) => readFile(join(sub, p))));
    expect(second).toEqual(first);
    for (const f of ['csv', 'json', 'arrow']) expect(await readdir(join(sub, f))).toHaveLength(1);
  });

  test('rejects names that are not plain file names, and unknown formats', async () => {
    await expect(writeReport(dir, { ...table, name: '../escape' }, ['csv'])).rejects.toThrow(/not a plain file name/);
    await expect(writeReport(dir, { ...table, name: '.hidden' }, ['csv'])).rejects.toThrow(/not a plain file name/);
    await expect(writeReport(dir, table, ['xlsx' as 'csv'])).rejects.toThrow(/unknown report format "xlsx"/);
  });
});

describe('writeJsonFile', () => {
  test('writes pretty JSON with a trailing newline', async () => {
    const path = join(dir, 'nested', 'summary.json');
    await writeJsonFile(path, { lines: 3, levels: { INFO: 2 }, response_time_ms: null });
    expect(await readFile(path, 'utf8')).toBe('{\n  "lines": 3,\n  "levels": {\n    "INFO": 2\n  },\n  "response_time_ms": null\n}\n');
  });
});

describe('inParallel', () => {
  it('runs every task, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const tasks = Array.from({ length: 20 }, (_, i) => async (): Promise<void> => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      running--;
      done.push(i);
    });
    await inParallel(tasks, 4);
    expect(most).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('rejects with the first failure once the running tasks have settled, and starts no more', async () => {
    const started: number[] = [];
    let settled = 0;
    const tasks = Array.from({ length: 10 }, (_, i) => async (): Promise<void> => {
      started.push(i);
      await new Promise((r) => setTimeout(r, i === 1 ? 1 : 20));
      settled++;
      if (i === 1) throw new Error('disk full');
    });
    await expect(inParallel(tasks, 3)).rejects.toThrow('disk full');
    expect(settled).toBe(started.length);
    expect(started.length).toBeLessThan(10);
  });
});
