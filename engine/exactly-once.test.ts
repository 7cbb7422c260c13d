import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, col, count, type ResultTable } from './index.js';
import { referenceCount, trickyText, type ReferenceCounts } from './testing/tricky.js';

const dir = mkdtempSync(path.join(tmpdir(), 'logframe-once-'));

function toRecord(t: ResultTable, key: string, value = 'count'): Record<string, number> {
  return Object.fromEntries(t.toRows().map((r) => [String(r[key]), Number(r[value])]));
}

async function countAll(engine: Engine, file: string, partitionSize: number | string) {
  const logs = engine.scan(file, { format: 'text', partitionSize });
  const res = await engine.execute(logs.scan, [
    logs.groupBy('level').agg(count()).toQuery(),
    logs.groupBy('service').agg(count()).toQuery(),
    logs.groupBy(col('timestamp').bucket('1h').as('hour')).agg(count()).toQuery(),
  ]);
  const [byLevel, byService, byHour] = res.tables as [ResultTable, ResultTable, ResultTable];
  return {
    lines: res.stats.lines, parsed: res.stats.parsed, malformed: res.stats.malformed, blank: res.stats.blank,
    byLevel: toRecord(byLevel, 'level'), byService: toRecord(byService, 'service'), byHour: toRecord(byHour, 'hour'),
  } satisfies ReferenceCounts;
}

describe('every line counted exactly once, whatever the cut', () => {
  const cases: { name: string; content: string }[] = [
    { name: 'tricky with final newline', content: trickyText({ lines: 300, seed: 7 }) },
    { name: 'tricky without final newline', content: trickyText({ lines: 250, seed: 11, finalNewline: false }) },
    { name: 'empty file', content: '' },
    { name: 'only blank lines', content: '\n\r\n  \n\n' },
    { name: 'one line, no newline', content: '2025-01-10 10:00:00,000 ERROR auth boom' },
  ];
  let engine: Engine;
  beforeAll(async () => { engine = await Engine.start({ executor: 'inline' }); });
  afterAll(async () => { await engine.close(); });

  for (const c of cases) {
    it(`${c.name}: partition sizes from 1 byte to the whole file`, async () => {
      const file = path.join(dir, `${c.name.replace(/\W+/g, '_')}.log`);
      writeFileSync(file, c.content);
      const ref = referenceCount(c.content);
      const size = Buffer.byteLength(c.content);
      const sizes = [1, 7, 13, 64, 100, 257, 1000, 4096, Math.max(1, size - 1), Math.max(1, size), size + 10];
      for (const s of sizes) {
        expect(await countAll(engine, file, s), `partition size ${s}`).toEqual(ref);
      }
    });
  }

  it('a gzip file is one streamed partition with the same counts', async () => {
    const content = trickyText({ lines: 500, seed: 3 });
    const file = path.join(dir, 'tricky.log.gz');
    writeFileSync(file, gzipSync(content));
    expect(await countAll(engine, file, 100)).toEqual(referenceCount(content));
  });

  it('a UTF-8 byte order mark at the start of a file is not part of its first line', async () => {
    const content = trickyText({ lines: 120, seed: 5 });
    const ref = referenceCount(content);
    const file = path.join(dir, 'bom.log');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(content)]));
    for (const s of [1, 2, 3, 4, 64, 1 << 20]) expect(await countAll(engine, file, s), `partition size ${s}`).toEqual(ref);
    writeFileSync(`${file}.gz`, gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(content)])));
    expect(await countAll(engine, `${file}.gz`, 100)).toEqual(ref);
  });

  it('many files and a glob', async () => {
    const a = trickyText({ lines: 120, seed: 21 });
    const b = trickyText({ lines: 90, seed: 22, finalNewline: false });
    mkdtempSync(path.join(dir, 'g'));
    const sub = mkdtempSync(path.join(dir, 'glob-'));
    writeFileSync(path.join(sub, 'a.log'), a);
    writeFileSync(path.join(sub, 'b.log'), b);
    const ra = referenceCount(a);
    const rb = referenceCount(b);
    const got = await countAll(engine, path.join(sub, '*.log'), 50);
    expect(got.lines).toBe(ra.lines + rb.lines);
    expect(got.parsed).toBe(ra.parsed + rb.parsed);
    for (const [k, v] of Object.entries(ra.byLevel)) expect(got.byLevel[k]).toBe(v + (rb.byLevel[k] ?? 0));
  });
});

describe('the same counts on 1 to 4 worker threads', () => {
  it('equals the reference for every worker count', async () => {
    const content = trickyText({ lines: 3000, seed: 5 });
    const file = path.join(dir, 'workers.log');
    writeFileSync(file, content);
    const ref = referenceCount(content);
    for (const workers of [1, 2, 3, 4]) {
      const engine = await Engine.start({ workers });
      try {
        for (const s of [997, 1 << 20]) expect(await countAll(engine, file, s), `${workers} workers, ${s} B`).toEqual(ref);
      } finally {
        await engine.close();
      }
    }
  });
});

describe('multi-line records', () => {
  it('read the same whatever the cut and wherever the read buffer turns over: lines joined by one \\n, CRs and blank lines out', async () => {
    // over 4 MiB (the read buffer), CRLF, with a blank line inside some traces: whole-file reads
    // carry the records that straddle a buffer turn-over in a copy, the others in place
    const lines: string[] = [];
    const expected: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 4.6 * 1024 * 1024; i++) {
      const ts = `2025-01-10 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},000`;
      if (i % 3 === 0) {
        lines.push(`${ts} ERROR api request ${i} failed`, `java.lang.IllegalStateException: boom ${i}`, ...(i % 2 === 0 ? [''] : []), '\tat com.acme.Handler.run(Handler.java:42)');
        expected.push(`request ${i} failed\njava.lang.IllegalStateException: boom ${i}\n\tat com.acme.Handler.run(Handler.java:42)`);
      } else {
        lines.push(`${ts} INFO api request ${i} served with some padding to make the file grow faster`);
        expected.push(`request ${i} served with some padding to make the file grow faster`);
      }
      bytes += expected[expected.length - 1]!.length + 60;
    }
    const file = path.join(dir, 'multi-crlf.log');
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    const engine = await Engine.start({ executor: 'inline' });
    try {
      for (const size of ['1GB', '1MB', '3MB']) {
        const logs = engine.scan(file, { format: 'text', partitionSize: size, multiline: true });
        const res = await engine.execute(logs.scan, [logs.select('message').toQuery()]);
        const messages = res.tables[0]!.toRows().map((r) => r.message);
        expect(messages.length, size).toBe(expected.length);
        const wrong = messages.findIndex((m, i) => m !== expected[i]);
        expect(wrong === -1 ? null : { size, i: wrong, got: messages[wrong], want: expected[wrong] }).toBeNull();
      }
    } finally {
      await engine.close();
    }
  });
});
