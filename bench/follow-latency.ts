/**
 * Follow-mode alert latency and memory, end to end:
 *   npx tsx bench/follow-latency.ts [--minutes 6] [--rate 20000] [--every 30] [--out DIR]
 *   (or `npm run build && node dist/bench/follow-latency.js ...`)
 *
 * The follower runs as its own process (`logframe --follow`, default config except the paths, no
 * console alerts, and alerts.cooldown 0s so every injected incident can alert); this process is
 * S0's producer at --rate lines/s and injects a database outage every --every seconds, rotating
 * over four services. For each incident it measures, against alerts.log:
 *   end-to-end: first line the incident changed is written -> its error_rate alert is in alerts.log
 *   pipeline:   the line that made the rule true is written  -> that alert is in alerts.log
 * (the difference is the rule's own delay: an error_rate over a 1-minute window needs enough
 * failing lines to outweigh the healthy ones already in that window). It samples the follower's
 * RSS every second (one sample swings by tens of MB with what the follower is doing: a report set,
 * a line pass) and prints it with its lag (bytes written but not yet in the checkpoint) every 10 s.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Producer, type IncidentStart, type WriteInfo } from '../jobs/produce/producer.js';
import type { ServiceName } from '../jobs/generate/catalog.js';
import { clearlyAbove, fastSpans } from '../jobs/alerts/fast.js';

const MINUTE = 60_000;
/** The follower's alerts.fast_window (the default config's) and the buckets it is counted in. */
const FAST_WINDOW = 1_000;
const FAST_BUCKET = 100;
const SERVICES: ServiceName[] = ['payment', 'inventory', 'user-service', 'auth'];
const ERROR_LEVELS = new Set(['ERROR', 'CRITICAL', 'FATAL']);

interface AlertSeen { time: number; rule: string; scope: string; status: string; seenAt: number; fast: boolean }

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '6' }, rate: { type: 'string', default: '20000' },
    every: { type: 'string', default: '30' }, out: { type: 'string' }, duration: { type: 'string', default: '20' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const every = Number(values.every) * 1000;
const dir = values.out ?? mkdtempSync(path.join(tmpdir(), 'logframe-follow-bench-'));
mkdirSync(dir, { recursive: true });
const logFile = path.join(dir, 'app.log');
const outDir = path.join(dir, 'out');
const cfgFile = path.join(dir, 'follow.yaml');
writeFileSync(cfgFile, [
  'input:', `  paths: [${JSON.stringify(logFile)}]`, '  follow: true',
  'output:', `  dir: ${JSON.stringify(outDir)}`,
  'alerts:', '  cooldown: 0s', '  channels: {console: false}', '',
].join('\n'));

// the follower: compiled when this bench is compiled, else from source through tsx
const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const compiled = here.endsWith('.js');
const args = compiled ? [path.join(root, 'dist/jobs/cli.js'), cfgFile, '--quiet'] : ['--import', 'tsx', path.join(root, 'jobs/cli.ts'), cfgFile, '--quiet'];
const follower = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
const followerExit = new Promise<number | null>((resolve) => follower.on('exit', (code) => resolve(code)));
process.stderr.write(`bench: follower pid ${follower.pid} (${compiled ? 'compiled' : 'tsx'}), files in ${dir}\n`);

// alerts.log, tailed every 5 ms: when each line appeared
const alerts: AlertSeen[] = [];
let alertsPos = 0;
const alertsFile = path.join(outDir, 'alerts.log');
const tail = setInterval(() => {
  if (!existsSync(alertsFile)) return;
  const size = statSync(alertsFile).size;
  if (size <= alertsPos) return;
  const fd = openSync(alertsFile, 'r');
  const buf = Buffer.alloc(size - alertsPos);
  readSync(fd, buf, 0, buf.length, alertsPos);
  closeSync(fd);
  const text = buf.toString('utf8');
  const upTo = text.lastIndexOf('\n') + 1;
  alertsPos += Buffer.byteLength(text.slice(0, upTo));
  const now = Date.now();
  for (const line of text.slice(0, upTo).split('\n').filter(Boolean)) {
    const a = JSON.parse(line) as { time: string; rule: string; scope: string; status: string; message: string };
    // the fast window's error_rate says "in the 300 ms to ..." (or 500 ms, 1 s); the minute rule "in the 1 min window from ..."
    alerts.push({ time: Date.parse(a.time), rule: a.rule, scope: a.scope, status: a.status, seenAt: now, fast: / in the \d+ m?s to /.test(a.message) });
  }
}, 5);

// RSS every second, printed with the lag every 10 s
const samples: { t: number; rssMB: number; lagBytes: number }[] = [];
const rssSamples: { t: number; rssMB: number }[] = [];
let producedBytes = 0;
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
function checkpointOffset(): number {
  try {
    const ck = JSON.parse(readFileSync(path.join(outDir, 'checkpoint.json'), 'utf8')) as { files: { offset: number }[] };
    return ck.files.reduce((s, f) => s + f.offset, 0);
  } catch {
    return 0;
  }
}
const t0 = Date.now();
const rssSampler = setInterval(() => rssSamples.push({ t: (Date.now() - t0) / 1000, rssMB: rssOf(follower.pid!) }), 1000);
const sampler = setInterval(() => {
  samples.push({ t: Math.round((Date.now() - t0) / 1000), rssMB: rssOf(follower.pid!), lagBytes: Math.max(0, producedBytes - checkpointOffset()) });
  const s = samples[samples.length - 1]!;
  process.stderr.write(`bench: t=${s.t}s follower RSS ${s.rssMB.toFixed(0)} MB, lag ${(s.lagBytes / 1e6).toFixed(2)} MB, alerts seen ${alerts.length}\n`);
}, 10_000);

// let the follower start its workers before the clock matters
await new Promise((r) => setTimeout(r, 3000));
const start = Date.now();
const durationMs = minutes * MINUTE;
const cues = [];
for (let at = start + 20_000, k = 0; at < start + durationMs - 30_000; at += every, k++) {
  cues.push({ type: 'database_outage' as const, at, durationMs: Number(values.duration) * 1000, services: [SERVICES[k % SERVICES.length]!] });
}
const writes: WriteInfo[] = [];
const starts: IncidentStart[] = [];
const producer = new Producer({
  out: logFile, format: 'text', rate, seed: 7, durationMs, incidents: cues,
  onWrite: (w) => { writes.push(w); producedBytes = w.end; },
  onIncidentStart: (s) => {
    starts.push(s);
    process.stderr.write(`bench: incident ${starts.length}/${cues.length} on ${s.incident.services[0]}, first line written ${new Date(s.writtenAt).toISOString()}\n`);
  },
});
const produced = await producer.run();
// let the follower drain, then stop it cleanly
for (let i = 0; i < 100 && checkpointOffset() < produced.bytes; i++) await new Promise((r) => setTimeout(r, 100));
await new Promise((r) => setTimeout(r, 500));
clearInterval(sampler);
clearInterval(rssSampler);
clearInterval(tail);
follower.kill('SIGTERM');
const code = await followerExit;

/** Write time of the byte at `offset`. */
function writtenAt(offset: number): number {
  let lo = 0;
  let hi = writes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (writes[mid]!.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return writes[lo]!.at;
}

/**
 * The line that first made the alert's rule true for `service`: error_rate > 0.1 (with >= 20 lines)
 * in the minute from `a.time`, or for a fast-window alert, clearlyAbove() over one of the trailing
 * windows (fastSpans) of the second to it.
 */
function crossingLine(service: string, a: AlertSeen): number | null {
  const win = a.fast ? a.time - FAST_WINDOW + FAST_BUCKET : a.time;
  // the deciding line is in the alert's window: read no further (an alert seen late, behind a
  // backlog, must not make this read the rest of the file)
  const until = Math.min(a.seenAt, (a.fast ? a.time + FAST_BUCKET : a.time + MINUTE) + 5_000);
  const first = writes.findIndex((w) => w.at >= win - (a.fast ? FAST_WINDOW : 0));
  const last = writes.findIndex((w) => w.at > until);
  if (first < 0) return null;
  const from = writes[Math.max(0, first - 1)]!.start;
  const to = writes[last < 0 ? writes.length - 1 : last]!.end;
  const fd = openSync(logFile, 'r');
  const buf = Buffer.alloc(to - from);
  readSync(fd, buf, 0, buf.length, from);
  closeSync(fd);
  let total = 0;
  let errors = 0;
  let pos = 0;
  const perSecond = new Map<number, { total: number; errors: number }>();
  for (const line of buf.toString('utf8').split('\n')) {
    const offset = from + pos;
    pos += Buffer.byteLength(line) + 1;
    const [date, time, level, svc] = line.split(' ', 4);
    if (!date || !time || svc !== service) continue;
    const ts = Date.parse(`${date}T${time.replace(',', '.')}Z`);
    if (a.fast) {
      const sec = Math.floor(ts / FAST_BUCKET) * FAST_BUCKET;
      const c = perSecond.get(sec) ?? { total: 0, errors: 0 };
      perSecond.set(sec, c);
      c.total++;
      if (ERROR_LEVELS.has(level!)) c.errors++;
      for (const span of fastSpans(FAST_WINDOW, FAST_BUCKET)) {
        let t = 0;
        let e = 0;
        for (let s = sec - span + FAST_BUCKET; s <= sec; s += FAST_BUCKET) { t += perSecond.get(s)?.total ?? 0; e += perSecond.get(s)?.errors ?? 0; }
        if (clearlyAbove(e, t, 0.1)) return writtenAt(offset);
      }
      continue;
    }
    if (ts < win || ts >= win + MINUTE) continue;
    total++;
    if (ERROR_LEVELS.has(level!)) errors++;
    if (total >= 20 && errors / total > 0.1) return writtenAt(offset);
  }
  return null;
}

const rows: { service: string; e2e: number | null; pipeline: number | null; ruleDelay: number | null }[] = [];
for (const s of starts) {
  const service = s.incident.services[0]!;
  const win = Math.floor(s.incident.start / MINUTE) * MINUTE;
  const a = alerts.find((x) => x.rule === 'error_rate' && x.scope === service && x.status === 'firing' && x.time >= win && x.seenAt >= s.writtenAt - 1000);
  if (!a) { rows.push({ service, e2e: null, pipeline: null, ruleDelay: null }); continue; }
  const crossed = crossingLine(service, a);
  rows.push({ service, e2e: a.seenAt - s.writtenAt, pipeline: crossed === null ? null : a.seenAt - crossed, ruleDelay: crossed === null ? null : crossed - s.writtenAt });
}

const pct = (xs: number[], q: number): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] ?? Number.NaN;
};
const col = (k: 'e2e' | 'pipeline' | 'ruleDelay'): number[] => rows.map((r) => r[k]).filter((x): x is number => x !== null);
process.stdout.write(`\nfollow-latency: ${produced.lines} lines in ${produced.seconds.toFixed(0)} s (${Math.round(produced.lines / produced.seconds)} lines/s, ${(produced.bytes / 1e6).toFixed(0)} MB), follower exit ${code}\n`);
process.stdout.write('incident  service        end-to-end ms  pipeline ms  rule delay ms\n');
rows.forEach((r, i) => process.stdout.write(`${String(i + 1).padStart(8)}  ${r.service.padEnd(13)}  ${String(r.e2e ?? 'missed').padStart(13)}  ${String(r.pipeline ?? '-').padStart(11)}  ${String(r.ruleDelay ?? '-').padStart(13)}\n`));
// p99 by nearest rank: with fewer than 100 outages it is the worst one
for (const k of ['pipeline', 'e2e', 'ruleDelay'] as const) {
  const xs = col(k);
  process.stdout.write(`${k.padEnd(9)} p50 ${pct(xs, 0.5)} ms  p90 ${pct(xs, 0.9)} ms  p99 ${pct(xs, 0.99)} ms  max ${Math.max(...xs)} ms  (n=${xs.length}/${rows.length})\n`);
}
const e2e = col('e2e');
process.stdout.write(`end to end within 1 s: ${e2e.filter((x) => x <= 1000).length} of ${rows.length} outages (a missed alert counts as over)\n`);
const rss = samples.map((s) => s.rssMB);
process.stdout.write(`follower RSS MB every 10 s: ${rss.map((x) => x.toFixed(0)).join(' ')}\n`);
if (rssSamples.length > 20) {
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const end = rssSamples[rssSamples.length - 1]!.t;
  const firstMin = rssSamples.filter((s) => s.t <= 60).map((s) => s.rssMB);
  const lastMin = rssSamples.filter((s) => s.t > end - 60).map((s) => s.rssMB);
  const max = Math.max(...rssSamples.map((s) => s.rssMB));
  process.stdout.write(`RSS (sampled every second) first minute avg ${avg(firstMin).toFixed(0)} MB, last minute avg ${avg(lastMin).toFixed(0)} MB, max ${max.toFixed(0)} MB\n`);
  const perMinute = new Map<number, number[]>();
  for (const x of rssSamples) {
    const m = Math.floor(x.t / 60);
    perMinute.set(m, [...(perMinute.get(m) ?? []), x.rssMB]);
  }
  // a last partial minute of a few samples says little: minutes with at least 30 samples
  const minutesAvg = [...perMinute.values()].filter((xs) => xs.length >= 30).map(avg);
  process.stdout.write(`RSS average per minute: ${minutesAvg.map((x) => x.toFixed(0)).join(' ')} MB\n`);
  // the trend after the first minute (heaps and pools are still growing to their working size then)
  const later = rssSamples.filter((x) => x.t > 60);
  if (later.length > 2) {
    const mt = avg(later.map((x) => x.t));
    const mr = avg(later.map((x) => x.rssMB));
    const slope = later.reduce((acc, x) => acc + (x.t - mt) * (x.rssMB - mr), 0) / later.reduce((acc, x) => acc + (x.t - mt) ** 2, 0);
    process.stdout.write(`RSS trend after the first minute: ${(slope * 60).toFixed(1)} MB per minute (least squares)\n`);
  }
}
process.stdout.write(`lag (bytes written, not yet checkpointed) max ${(Math.max(0, ...samples.map((s) => s.lagBytes)) / 1e6).toFixed(2)} MB\n`);
