/**
 * Broker ingestion against a real RabbitMQ (`.ci/services`): lines are published (one per
 * message and in batches, with malformed messages among them) while the consumer (the job CLI,
 * a child process) is SIGKILLed at random moments and restarted. At the end every published line
 * is in the spool exactly once, the reports equal a batch run over those lines, and the malformed
 * messages are counted once each.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { runJob } from '../run.js';
import { generateRecords } from '../generate/generate.js';
import { makeFormatter } from '../generate/formats.js';
import { mulberry32 } from '../../engine/random.js';
import { testAmqp } from '../../engine/testing/services.js';
import { CliProcesses, exited } from '../follow/test-processes.js';
import { Publisher } from './publish.js';
import { Ledger, parseMessageId } from './ledger.js';
import { decodeBody, spoolBytes } from './ingest.js';

const cli = new CliProcesses();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function csvReports(out: string): Record<string, string> {
  const dir = path.join(out, 'csv');
  return Object.fromEntries(readdirSync(dir).filter((n) => n.endsWith('.csv')).sort().map((n) => [n, readFileSync(path.join(dir, n), 'utf8')]));
}

afterAll(() => cli.killAll());

describe('message ids', () => {
  it('the ledger recognises every id applied, in or out of order, and saves compactly', () => {
    const l = new Ledger();
    for (const s of [1, 2, 4, 3, 7]) l.add({ producer: 'p', seq: s });
    expect(l.toJSON()).toEqual({ p: { upTo: 4, above: [7] } });
    const r = Ledger.restore(l.toJSON());
    expect([1, 4, 5, 7].map((seq) => r.has({ producer: 'p', seq }))).toEqual([true, true, false, true]);
    expect(r.has({ producer: 'q', seq: 1 })).toBe(false);
    expect(parseMessageId('host-1-abc:42')).toEqual({ producer: 'host-1-abc', seq: 42 });
    expect(parseMessageId('nope')).toBeNull();
  });

  it('bodies: lines, JSON, and the malformed ones with a reason', () => {
    expect(decodeBody(Buffer.from('a\nb\n'), 'lines')).toEqual({ lines: ['a', 'b'] });
    expect(decodeBody(Buffer.from([0xff, 0xfe]), 'lines')).toEqual({ reason: 'not UTF-8' });
    expect(decodeBody(Buffer.from(''), 'lines')).toEqual({ reason: 'empty message' });
    expect(decodeBody(Buffer.from('["x","y"]'), 'json')).toEqual({ lines: ['x', 'y'] });
    expect(decodeBody(Buffer.from('{"a":1}'), 'json')).toEqual({ reason: 'JSON is not a string or an array of strings' });
  });

  it('spool bytes: the lines of decodeBody written as they are, without decoding one-line bodies', () => {
    const bodies = ['a', 'a\n', 'a\nb', 'a\n\nb\n\n', 'x\r\ny\r\n', 'é\n', '\uFEFFbom\n', '\n', ' \t\n', '\u00a0\n', '\u00a0x', '', '["x","y"]'];
    for (const format of ['lines', 'json'] as const) {
      for (const text of [...bodies.map((b) => Buffer.from(b)), Buffer.from([0xc3, 0x28, 0x0a])]) {
        const d = decodeBody(text, format);
        const s = spoolBytes(text, format);
        if ('reason' in d) {
          expect(s, `${format} ${JSON.stringify(text.toString())}`).toEqual({ reason: d.reason });
        } else {
          expect('chunks' in s && Buffer.concat(s.chunks).toString('utf8'), `${format} ${JSON.stringify(text.toString())}`).toBe(d.lines.join('\n') + '\n');
          expect('chunks' in s && [s.lines, s.bytes]).toEqual([d.lines.length, Buffer.byteLength(d.lines.join('\n') + '\n')]);
        }
      }
    }
    // a one-line body goes to the spool as the same buffer, no copy
    const one = Buffer.from('2026-12-05T05:00:00Z INFO payment ok\n');
    expect(spoolBytes(one, 'lines')).toEqual({ chunks: [one], bytes: one.length, lines: 1 });
  });

  it('prefetch is a 16-bit count (basic.qos), 60,000 by default', () => {
    const cfg = (extra: string): string => `input: {format: text, broker: {url: 'amqp://localhost:5672', queue: q${extra}}}\n`;
    expect(parseConfig(cfg(''), 'b.yaml').input.broker!.prefetch).toBe(60_000);
    expect(() => parseConfig(cfg(', prefetch: 70000'), 'b.yaml')).toThrow(/prefetch/);
  });
});

describe('broker ingestion, exactly once across SIGKILL and restart', () => {
  it('reports equal a batch run over the published lines; malformed messages counted once', async () => {
    const amqp = testAmqp();
    const seed = Number(process.env.BROKER_SEED ?? Date.now() % 100_000);
    const random = mulberry32(seed);
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-broker-'));
    const queue = `lf-test-${seed}-${process.pid}`;
    const fmt = makeFormatter('text', seed);
    const lines = [...generateRecords({ lines: 30_000, seed, days: 0.1, incidents: true })].map((r) => fmt.line(r));
    const out = path.join(dir, 'out');
    const cfg = path.join(dir, 'broker.yaml');
    writeFileSync(cfg, [
      'engine: {workers: 1}',
      `input: {format: text, broker: {url: '${amqp}', queue: '${queue}', batch_size: 200, prefetch: 2000}}`,
      `output: {dir: ${JSON.stringify(out)}, refresh: 500ms}`,
      'alerts: {channels: {console: false}}',
    ].join('\n'));
    const pub = await Publisher.connect({ url: amqp, queue, batch: 1 });
    const batched = await Publisher.connect({ url: amqp, queue, batch: 25 });
    let next = 0;
    let malformed = 0;
    const publishSome = async (): Promise<void> => {
      const n = Math.min(lines.length - next, 200 + Math.floor(random() * 800));
      const slice = lines.slice(next, next + n);
      next += n;
      if (random() < 0.5) pub.publishLines(slice);
      else batched.publishLines(slice);
      if (random() < 0.3) { pub.publishRaw(Buffer.from([0xc3, 0x28, 0x0a])); malformed++; }
      if (random() < 0.2) { pub.publishRaw(Buffer.alloc(0)); malformed++; }
      await pub.ready();
      await batched.ready();
    };
    const log: string[] = [];
    const context = (): string => `seed ${seed}; consumer said:\n${log.join('')}`;
    try {
      for (let round = 0; round < 3; round++) {
        const child = cli.start(cfg, log);
        const t0 = Date.now();
        const killAt = t0 + 1500 + random() * 3000;
        while (Date.now() < killAt) {
          if (next < lines.length) await publishSome();
          await sleep(30 + random() * 100);
        }
        child.kill('SIGKILL');
        await exited(child);
        if (next < lines.length) await publishSome(); // while it is down
      }
      while (next < lines.length) await publishSome();
      await pub.close();
      await batched.close();
      const child = cli.start(cfg, log);
      const deadline = Date.now() + 60_000;
      const want = lines.length;
      while (Date.now() < deadline) {
        const b = readJson(path.join(out, 'broker.json'));
        const s = readJson(path.join(out, 'summary.json'));
        if (b && s && b.lines === want && s.lines === want && b.malformed_messages === malformed) break;
        await sleep(200);
      }
      child.kill('SIGTERM');
      expect(await exited(child), context()).toBe(0);
    } finally {
      await pub.close().catch(() => {});
      await batched.close().catch(() => {});
    }
    const broker = readJson(path.join(out, 'broker.json'))!;
    expect(broker, context()).toMatchObject({ lines: lines.length, malformed_messages: malformed });
    expect((broker.malformed_samples as { reason: string }[]).map((s) => s.reason).sort()[0]).toMatch(/empty message|not UTF-8/);
    // every published line is in the spool exactly once
    const spool = path.join(out, 'broker', `${queue}.spool.log`);
    const spooled = readFileSync(spool, 'utf8').split('\n').slice(0, -1);
    expect(spooled.length, context()).toBe(lines.length);
    expect([...spooled].sort(), context()).toEqual([...lines].sort());
    // and the live reports are those of a batch run over those lines
    const batchOut = path.join(dir, 'batch');
    await runJob(parseConfig(`engine: {workers: 1}\ninput: {paths: [${JSON.stringify(spool)}], format: text}\noutput: {dir: ${JSON.stringify(batchOut)}}\nalerts: {channels: {console: false}}\n`, 'batch.yaml'));
    const batch = csvReports(batchOut);
    expect(Object.keys(batch).length).toBeGreaterThan(10);
    expect(csvReports(out), context()).toEqual(batch);
    expect(statSync(path.join(out, 'checkpoint.json')).size).toBeGreaterThan(0);
  }, 240_000);
});
