/**
 * Broker ingestion throughput and alert latency against a running RabbitMQ:
 *   node dist/bench/broker.js --amqp amqp://guest:guest@127.0.0.1:35672 [--lines 1000000] [--single 200000] [--latency 60] [--prof DIR]
 *
 * Throughput: --lines generated lines are published first (100 lines per message), then the
 * consumer (`logframe` with input.broker, its own process) drains the queue; lines/s = lines /
 * (time from the first message taken off the queue to all lines counted in broker.json, which is
 * rewritten every second: up to a second late). --lines 0 / --single 0 skip a measurement.
 * The same with --single messages of one line each.
 * Latency: S0's producer publishes live at 20,000 lines/s (100 per message) with a database
 * outage every 15 s; for each, the time from its first line's publication to the first error_rate
 * alert naming that service in alerts.log (as bench/follow-latency.ts counts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import amqplib from 'amqplib';
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

function consumer(dir: string, queue: string, refresh: string): { child: ChildProcess; out: string } {
  const out = path.join(dir, 'out');
  const cfg = path.join(dir, 'c.yaml');
  writeFileSync(cfg, `input: {format: text, broker: {url: '${amqp}', queue: ${queue}, batch_size: 1000}}\n`
    + `output: {dir: ${JSON.stringify(out)}, refresh: ${refresh}}\nalerts: {cooldown: 0s, channels: {console: false}}\n`);
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
  // clock from the first message taken off the queue (its ready count falls: the consumer is up)
  // to all lines counted in broker.json (rewritten at every refresh: up to 1 s late)
  const watcher = await amqplib.connect(amqp);
  const ch = await watcher.createChannel();
  // reports every second: broker.json is the clock's end
  const { child, out } = consumer(dir, queue, '1s');
  let first = 0;
  let last = 0;
  for (;;) {
    if (first === 0 && (await ch.checkQueue(queue)).messageCount < messages) first = Date.now();
    const n = brokerLines(out);
    if (n >= total) { last = Date.now(); break; }
    await sleep(first === 0 ? 10 : 50);
  }
  await watcher.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const seconds = (last - first) / 1000;
  const lines = total;
  return { lines, messages, seconds, linesPerSec: Math.round(lines / Math.max(seconds, 1e-3)) };
}

async function latency(seconds: number): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'logframe-broker-latency-'));
  const queue = `bench-live-${Date.now()}`;
  // reports at the default 5 s, as a live job runs (and bench/follow-latency.ts)
  const { child, out } = consumer(dir, queue, '5s');
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
  const seen: { rule: string; scope: string; status: string; time: number; at: number }[] = [];
  let pos = 0;
  const alertsFile = path.join(out, 'alerts.log');
  const tail = setInterval(() => {
    if (!existsSync(alertsFile)) return;
    const text = readFileSync(alertsFile, 'utf8');
    const lines = text.slice(pos).split('\n');
    const done = lines.slice(0, -1);
    pos += done.reduce((s, l) => s + l.length + 1, 0);
    for (const l of done) {
      const a = JSON.parse(l) as { rule: string; scope: string; status: string; time: string };
      seen.push({ rule: a.rule, scope: a.scope, status: a.status, time: Date.parse(a.time), at: Date.now() });
    }
  }, 5);
  await producer.run();
  await pub.close();
  await sleep(5000);
  clearInterval(tail);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return starts.map((s) => {
    const svc = s.incident.services[0]!;
    // as bench/follow-latency.ts: the first error_rate alert of that service (the fast window's or
    // the minute rule's) about the incident's time; the minute rules' error_count alerts fire on
    // healthy traffic at this rate and say nothing about the incident
    const a = seen.find((x) => x.rule === 'error_rate' && x.scope === svc && x.status === 'firing'
      && x.time >= Math.floor(s.incident.start / 60_000) * 60_000 && x.at >= s.writtenAt);
    return a ? a.at - s.writtenAt : Number.NaN;
  });
}

const batched = Number(values.lines) > 0 ? await throughput(Number(values.lines), 100) : null;
process.stderr.write(`batched (100 lines/message): ${JSON.stringify(batched)}\n`);
const single = Number(values.single) > 0 ? await throughput(Number(values.single), 1) : null;
process.stderr.write(`one line per message: ${JSON.stringify(single)}\n`);
const lat = Number(values.latency) > 0 ? await latency(Number(values.latency)) : [];
const sorted = lat.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  date: new Date().toISOString(), batched, single,
  alert_latency_ms: lat, alert_latency_median_ms: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
}, null, 2) + '\n');
