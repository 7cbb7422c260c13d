import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../api.js';
import { col, count } from '../index.js';

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

  it('groups by the unescaped message', async () => {
    const t = await engine.scan(file, { format: 'csv' }).where(col('level').in(['ERROR'])).groupBy('message').agg(count()).collect();
    const msgs = t.toArray().map((r) => (r as { message: string }).message);
    expect(msgs).toContain('said "hi" to user_0, twice "0"');
    expect(msgs.some((m) => m.includes('""'))).toBe(false);
  });
});
