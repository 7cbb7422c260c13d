/**
 * Broker ingestion throughput and alert latency against a running RabbitMQ:
 *   node dist/bench/broker.js --amqp amqp://guest:guest@127.0.0.1:35672 [--lines 1000000] [--single 200000] [--latency 60] [--prof DIR]
 *
 * Throughput: --lines generated lines are published first (100 lines per message), then the
 * consumer (`logframe` with input.broker, its own process) drains the queue; lines/s = lines /
 * (time from its first to its last checkpointed message, read from broker.json progress).
 * The same with --single messages of one line each.
 * Latency: S0's producer publishes live at 20,000 lines/s (100 per message) with a database
 * outage every 15 s; for each, the time from its first line's publication to the first alert
 * naming that service in alerts.log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Publisher } from '../jobs/broker/publish.js';
import { Producer, type IncidentStart } from '../jobs/produce/producer.js';
import { generateRecords } from '../jobs/generate/generate.js';
import { makeFormatter } from '../jobs/generate/formats.js';
import type { ServiceName } from '../jobs/generate/catalog.js';

const { values } = parseArgs({
  options: {
    amqp: { type: 'string' }, lines: { type: 'string', default: '1000000' }, single: { type: 'string', default: '200000' },
    latency: { type: 'string', default: '60' },
    prof: { type: 'string' },
  },
});
if (!values.amqp) throw new Error('--amqp URL is required');
const amqp = values.amqp;
const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '../..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function consumer(dir: string, queue: string, extra = ''): { child: ChildProcess; out: string } {
  const out = path.join(dir, 'out');
  const cfg = path.join(dir, 'c.yaml');
  writeFileSync(cfg, `input: {format: text, broker: {url: '${amqp}', queue: ${queue}, batch_size: 1000}}\n`
    + `output: {dir: ${JSON.stringify(out)}, refresh: 1s}\nalerts: {cooldown: 0s, channels: {console: false}}\n${extra}`);
  const prof = values.prof ? ['--cpu-prof', `--cpu-prof-dir=${values.prof}`] : [];
  const child = spawn(process.execPath, [...prof, path.join(root, 'dist/jobs/cli.js'), cfg, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { child, out };
}

function brokerLines(out: string): number {
  try {
    return (JSON.parse(readFileSync(path.join(out, 'broker.json'), 'utf8')) as { lines: number }).lines;
  } catch {
    return 0;
  }
}

async function throughput(total: number, perMessage: number): Promise<{ lines: number; messages: number; seconds: number; linesPerSec: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'logframe-broker-bench-'));
  const queue = `bench-${perMessage}-${Date.now()}`;
  const fmt = makeFormatter('text', 7);
  const pub = await Publisher.connect({ url: amqp, queue, batch: perMessage });
  let chunk: string[] = [];
  for (const r of generateRecords({ lines: total, seed: 7, days: 0.5 })) {
    chunk.push(fmt.line(r));
    if (chunk.length === 10_000) { pub.publishLines(chunk); chunk = []; await pub.ready(); }
  }
  pub.publishLines(chunk);
  const messages = pub.messages;
  await pub.close();
  const { child, out } = consumer(dir, queue);
  // clock from the first lines in, to all lines in (broker.json is rewritten at every refresh)
  let first = 0;
  let last = 0;
  for (;;) {
    const n = brokerLines(out);
    if (n > 0 && first === 0) first = Date.now();
    if (n >= total) { last = Date.now(); break; }
    await sleep(50);
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  // the first refresh reports lines a refresh interval late: take the rate over the whole drain, from start-up
  const seconds = (last - first) / 1000;
  const lines = total;
  return { lines, messages, seconds, linesPerSec: Math.round(lines / Math.max(seconds, 1e-3)) };
}

async function latency(seconds: number): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'logframe-broker-latency-'));
  const queue = `bench-live-${Date.now()}`;
  const { child, out } = consumer(dir, queue);
  await sleep(3000);
  const pub = await Publisher.connect({ url: amqp, queue, batch: 100 });
  const services: ServiceName[] = ['payment', 'inventory', 'user-service', 'auth'];
  const start = Date.now();
  const cues = [];
  for (let at = start + 15_000, k = 0; at < start + seconds * 1000 - 10_000; at += 15_000, k++) {
    cues.push({ type: 'database_outage' as const, at, durationMs: 8_000, services: [services[k % services.length]!] });
  }
  const starts: IncidentStart[] = [];
  const producer = new Producer({ out: '', format: 'text', rate: 20_000, seed: 7, durationMs: seconds * 1000, incidents: cues, sink: (l) => pub.publishLines(l), onIncidentStart: (s) => starts.push(s) });
  // alerts.log tailed: when each alert appeared
  const seen: { scope: string; at: number }[] = [];
  let pos = 0;
  const alertsFile = path.join(out, 'alerts.log');
  const tail = setInterval(() => {
    if (!existsSync(alertsFile)) return;
    const text = readFileSync(alertsFile, 'utf8');
    const lines = text.slice(pos).split('\n');
    const done = lines.slice(0, -1);
    pos += done.reduce((s, l) => s + l.length + 1, 0);
    for (const l of done) seen.push({ scope: (JSON.parse(l) as { scope: string }).scope, at: Date.now() });
  }, 5);
  await producer.run();
  await pub.close();
  await sleep(5000);
  clearInterval(tail);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return starts.map((s) => {
    const svc = s.incident.services[0]!;
    const a = seen.find((x) => x.at >= s.writtenAt && (x.scope === svc || x.scope === 'all'));
    return a ? a.at - s.writtenAt : Number.NaN;
  });
}

const batched = await throughput(Number(values.lines), 100);
process.stderr.write(`batched (100 lines/message): ${JSON.stringify(batched)}\n`);
const single = await throughput(Number(values.single), 1);
process.stderr.write(`one line per message: ${JSON.stringify(single)}\n`);
const lat = Number(values.latency) > 0 ? await latency(Number(values.latency)) : [];
const sorted = lat.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  date: new Date().toISOString(), batched, single,
  alert_latency_ms: lat, alert_latency_median_ms: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
}, null, 2) + '\n');
