import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../api.js';
import { col, count } from '../index.js';
import type { Batch } from '../batch.js';
import { LEVELS } from '../schema.js';
import { mulberry32 } from '../random.js';
import { parseLines } from '../testing/parse.js';

describe('csv format: quoted messages', () => {
  let dir: string;
  let file: string;
  let engine: Engine;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'logframe-csv-'));
    file = path.join(dir, 'q.csv');
    const rows = ['timestamp,log_level,service,message,ip'];
    for (let i = 0; i < 300; i++) {
      const msg = i % 3 === 0 ? `"said ""hi"" to user_${i}, twice ""${i}"""` : i % 3 === 1 ? `"plain, quoted ${i}"` : `bare ${i}`;
      rows.push(`2025-01-10 00:00:${String(i % 60).padStart(2, '0')}.000,${i % 5 === 0 ? 'ERROR' : 'INFO'},svc-${i % 4},${msg},10.0.0.${i % 7}`);
    }
    writeFileSync(file, rows.join('\n') + '\n');
    engine = await Engine.start({ workers: 2 });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads escaped quotes back as one quote, whatever the partition size', async () => {
    const expected = (parse(readFileSync(file), { columns: true }) as { message: string }[]).map((r) => r.message);
    expect(expected[0]).toBe('said "hi" to user_0, twice "0"');
    for (const partitionSize of [256, 4096, 1 << 20]) {
      const t = await engine.scan(file, { format: 'csv', partitionSize }).select('message').collect();
      expect(t.toArray().map((r) => (r as { message: string }).message)).toEqual(expected);
    }
  });

  it('reads a gzip CSV: its header is the first line of the content, not of the compressed bytes', async () => {
    const gz = path.join(dir, 'q.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(file)));
    const plain = await engine.scan(file, { format: 'csv' }).groupBy('service').agg(count()).collect();
    const zipped = await engine.scan(gz, { format: 'csv' }).groupBy('service').agg(count()).collect();
    expect(zipped.toRows()).toEqual(plain.toRows());
    expect(plain.toRows().reduce((s, r) => s + Number(r.count), 0)).toBe(300);
  });

  it('reads an empty CSV file as no lines, and a blank first line as no header (malformed lines), without failing the run', async () => {
    const empty = path.join(dir, 'empty', 'a.csv');
    const headless = path.join(dir, 'empty', 'b.csv');
    mkdirSync(path.dirname(empty), { recursive: true });
    writeFileSync(empty, '');
    writeFileSync(headless, '\n2025-01-10T00:00:00Z,INFO,a,m\n');
    const globbed = engine.scan([path.join(dir, 'empty', '*.csv'), file], { format: 'csv' });
    const res = await engine.execute(globbed.scan, [globbed.agg(count()).toQuery()]);
    expect(res.tables[0]!.toRows()).toEqual([{ count: 300 }]);
    expect(res.stats).toMatchObject({ parsed: 300, malformed: 1, blank: 1 });
    expect(res.stats.malformedSamples[0]).toMatchObject({ file: headless, line: 2, reason: 'no CSV header: the first line of the file is empty' });
  });

  it('groups by the unescaped message', async () => {
    const t = await engine.scan(file, { format: 'csv' }).where(col('level').in(['ERROR'])).groupBy('message').agg(count()).collect();
    const msgs = t.toArray().map((r) => (r as { message: string }).message);
    expect(msgs).toContain('said "hi" to user_0, twice "0"');
    expect(msgs.some((m) => m.includes('""'))).toBe(false);
  });
});

describe('csv format: field count', () => {
  const header = 'timestamp,log_level,service,message';

  it('counts a line with more fields than the header as malformed (an unquoted comma in the message), not a cut message', () => {
    const { b, reasons } = parseLines('csv', [
      '2025-01-10T00:00:00Z,INFO,a,hello, world',
      '2025-01-10T00:00:00Z,INFO,a,"hello, world"',
      '2025-01-10T00:00:00Z,INFO,a',
      '2025-01-10T00:00:00Z,INFO,a,',
    ], { header });
    expect(reasons).toEqual(['expected 4 fields, found 5', null, 'expected 4 fields, found 3', null]);
    expect(b.message(1)).toBe('hello, world');
    // the same with projection (the columns past the last one read are only counted)
    expect(parseLines('csv', ['2025-01-10T00:00:00Z,INFO,a,hello, world'], { header, fields: new Set(['timestamp', 'level']) }).reasons)
      .toEqual(['expected 4 fields, found 5']);
  });
});

describe('csv format: level', () => {
  it('reads a level with spaces around it (a CSV written with ", ") as that level, and a blank one as no level', () => {
    const { b, reasons } = parseLines('csv', [
      '2025-01-10T00:00:00Z, ERROR,a,m',
      '2025-01-10T00:00:00Z,\tWarning ,a,m',
      '2025-01-10T00:00:00Z," crit ",a,m',
      '2025-01-10T00:00:00Z,  ,a,m',
    ], { header: 'timestamp,log_level,service,message' });
    expect(reasons).toEqual([null, null, null, 'no level']);
    expect([...b.level.subarray(0, 3)].map((c) => LEVELS[c])).toEqual(['ERROR', 'WARN', 'CRITICAL']);
  });
});

describe('csv format: projection', () => {
  const header = 'timestamp,log_level,service,message,ip,endpoint,method,status_code,response_time_ms,bytes';

  const parse = (lines: string[], fields?: ReadonlySet<string>): { reasons: (string | null)[]; b: Batch } =>
    parseLines('csv', lines, { header, ...(fields ? { fields } : {}) });

  it('steps over the columns no query reads, with the same malformed lines and values as a full parse', () => {
    const random = mulberry32(11);
    const cells = ['', 'x', '/api/v1/a?b=1', 'GET', '200', '12.5', '"quoted, with comma"', '"say ""hi"""', '"closed"tail', '"unterminated', 'a"mid', '""'];
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const n = 5 + Math.floor(random() * 8); // 5 to 12 columns: too few, exact, extra
      const tail = Array.from({ length: n - 5 }, () => cells[Math.floor(random() * cells.length)]!);
      lines.push([`2025-01-10 00:00:${String(i % 60).padStart(2, '0')}.000`, i % 4 === 0 ? 'ERROR' : 'INFO', `svc-${i % 3}`, `msg ${i}`, `10.0.0.${i % 9}`, ...tail].join(','));
    }
    const full = parse(lines);
    // both reasons kinds occur, so the comparison below covers them
    expect(full.reasons.filter((r) => r !== null).length).toBeGreaterThan(100);
    expect(full.reasons.filter((r) => r === null).length).toBeGreaterThan(100);
    for (const fields of [['timestamp', 'level', 'service', 'message'], ['timestamp', 'level', 'ip'], ['timestamp', 'level', 'endpoint', 'status_code']]) {
      const got = parse(lines, new Set(fields));
      expect(got.reasons).toEqual(full.reasons);
      lines.forEach((line, i) => {
        if (full.reasons[i] !== null) return;
        expect(got.b.timestamp[i], line).toBe(full.b.timestamp[i]);
        if (fields.includes('ip')) expect(got.b.ip[i], line).toBe(full.b.ip[i]);
        if (fields.includes('status_code')) expect(got.b.status_code[i], line).toEqual(full.b.status_code[i]);
        if (fields.includes('message')) expect(got.b.message(i), line).toBe(full.b.message(i));
      });
    }
  });
});
