/**
 * Cluster vs local, same run, same file: the job's whole map side (every aggregation of the log
 * job, one pass) on the local executor with N threads, and on the cluster executor with N worker
 * processes of one thread each (started here, kept warm, as long-lived per-host workers are).
 * Both engines are started before the clock starts; runs alternate, best of --runs.
 * Also prints the per-task costs the README's scaling estimate is built from, and the CPU time
 * each run took across the job process, the worker processes and redis-server (from /proc, so
 * the ratio holds up when other work shares the machine and wall time swings).
 *
 *   node dist/bench/cluster.js --redis redis://127.0.0.1:16379 [--file bench/data/bench-5000000.log] [--workers 2] [--runs 2]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Engine, GroupMerger, type ExecuteResult } from '../engine/index.js';
import { pack, unpack } from '../engine/pack.js';
import type { GroupPartial, TaskResult } from '../engine/plan.js';
import { parseConfig } from '../jobs/config/index.js';
import { buildPlan } from '../jobs/analytics/plan.js';
import { scanOf } from '../jobs/run.js';
import { ClusterExecutor, connectRedis } from '../engine/executors/cluster.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    redis: { type: 'string' }, file: { type: 'string', default: 'bench/data/bench-5000000.log' },
    workers: { type: 'string', default: '2' }, runs: { type: 'string', default: '2' }, queue: { type: 'string', default: 'logframe-bench' },
  },
});
if (!values.redis) throw new Error('--redis URL is required');
const workers = Number(values.workers);
const runs = Number(values.runs);
const file = path.resolve(values.file!);
const config = parseConfig(`input: {paths: [${JSON.stringify(file)}], format: text}\nengine: {workers: ${workers}}\n`, 'bench.yaml');
const plan = buildPlan(config);
const scan = scanOf(config);

function startWorker(k: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(here, '../jobs/cluster/worker-cli.js'), '--redis', values.redis!, '--queue', values.queue!, '--concurrency', '1', '--host', `bench-${k}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (d: Buffer) => { text += d.toString(); if (text.includes('taking tasks')) resolve(child); });
    child.once('exit', (c) => reject(new Error(`worker exited ${c}: ${text}`)));
  });
}

const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system, every thread) a process has used so far; 0 when /proc cannot tell. */
function procCpu(pid: number): number {
  try {
    // the fields after the command name, which is in parentheses and may hold spaces
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK; // utime, stime
  } catch {
    return 0;
  }
}

interface Cpu { job: number; workers: number; redis: number }

async function timed(engine: Engine): Promise<{ seconds: number; cpu: Cpu; res: ExecuteResult }> {
  const c0 = process.cpuUsage();
  const w0 = procs.reduce((s, p) => s + procCpu(p.pid!), 0);
  const r0 = procCpu(redisPid);
  const t0 = performance.now();
  const res = await engine.execute(scan, plan.queries, { extensions: plan.extensions });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = {
    job: (c.user + c.system) / 1e6,
    workers: procs.reduce((s, p) => s + procCpu(p.pid!), 0) - w0,
    redis: procCpu(redisPid) - r0,
  };
  return { seconds, cpu, res };
}

const cpuSum = (c: Cpu): number => c.job + c.workers + c.redis;
const round = (x: number): number => +x.toFixed(2);

// redis-server's pid, for its CPU time (readable when it runs on this machine)
const probe = await connectRedis(values.redis);
const redisPid = Number(/process_id:(\d+)/.exec(await probe.info('server'))?.[1] ?? 0);
probe.disconnect();
const procs = await Promise.all(Array.from({ length: workers }, (_, k) => startWorker(k + 1)));
const local = await Engine.start({ workers });
const cluster = await Engine.start({ executor: await ClusterExecutor.connect({ redis: values.redis, queue: values.queue, slots: workers }) });
const times = { local: [] as number[], cluster: [] as number[] };
const cpus = { local: [] as Cpu[], cluster: [] as Cpu[] };
let partials: ArrayBuffer[] = [];
let tasks = 0;
const perTask = { store_ms: [] as number[], read_ms: [] as number[], unpack_ms: [] as number[], merge_ms: [] as number[], thread_idle_ms: [] as number[] };
try {
  for (let r = 0; r < runs; r++) {
    const l = await timed(local);
    times.local.push(l.seconds);
    cpus.local.push(l.cpu);
    const c = await timed(cluster);
    times.cluster.push(c.seconds);
    cpus.cluster.push(c.cpu);
    if (c.res.stats.lines !== l.res.stats.lines) throw new Error(`line counts differ: ${c.res.stats.lines} vs ${l.res.stats.lines}`);
    process.stderr.write(`run ${r + 1}: local ${l.seconds.toFixed(2)} s (cpu ${cpuSum(l.cpu).toFixed(2)} s), `
      + `cluster ${c.seconds.toFixed(2)} s (cpu ${cpuSum(c.cpu).toFixed(2)} s: job ${c.cpu.job.toFixed(2)}, workers ${c.cpu.workers.toFixed(2)}, redis ${c.cpu.redis.toFixed(2)}) `
      + `(${l.res.stats.partitions} tasks, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})\n`);
    tasks = l.res.stats.partitions;
  }
  // the packed partials a worker ships (a binary Redis value each)
  partials = [];
  await local.execute(scan, plan.queries, { extensions: plan.extensions, onTaskResult: (t) => partials.push(pack(t)) });
  await measurePerTask();
} finally {
  await local.close();
  await cluster.close();
  for (const p of procs) p.kill('SIGTERM');
}
/**
 * The per-task costs of the cluster path, one at a time on this machine: the worker's store of
 * the result bytes (SET with a TTL), the job's read (GETDEL), unpack and merge on the job's
 * thread, and, from the last run's jobs, how long a worker's thread idled between two tasks.
 */
async function measurePerTask(): Promise<void> {
  const conn = await connectRedis(values.redis!);
  const key = `logframe:cluster:${values.queue}:bench-probe`;
  const mergers = plan.queries.map((q) => (q.select ? null : new GroupMerger(q)));
  try {
    for (const buf of partials) {
      let t = performance.now();
      await conn.set(key, Buffer.from(buf), 'PX', 60_000);
      perTask.store_ms.push(performance.now() - t);
      t = performance.now();
      const b = (await conn.getdelBuffer(key))!;
      perTask.read_ms.push(performance.now() - t);
      t = performance.now();
      const r = unpack<TaskResult>(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      perTask.unpack_ms.push(performance.now() - t);
      t = performance.now();
      r.queries.forEach((qp, k) => { if (qp.kind === 'group') mergers[k]!.add(qp as GroupPartial); });
      perTask.merge_ms.push(performance.now() - t);
    }
    const names = new Set(procs.map((p, k) => `bench-${k + 1}:${p.pid}`));
    const queue = new Queue(values.queue!, { connection: conn });
    const lastRun = (await queue.getJobs(['completed'], 0, 999))
      .filter((j) => names.has(j.processedBy ?? ''))
      .sort((a, b) => (b.processedOn ?? 0) - (a.processedOn ?? 0))
      .slice(0, tasks);
    // a worker's thread between two of its tasks: idle while a result goes out and the next task comes in
    for (const name of names) {
      const mine = lastRun.filter((j) => j.processedBy === name).map((j) => j.returnvalue as { startedAt: number; ms: number })
        .sort((a, b) => a.startedAt - b.startedAt);
      for (let i = 1; i < mine.length; i++) perTask.thread_idle_ms.push(mine[i]!.startedAt - (mine[i - 1]!.startedAt + mine[i - 1]!.ms));
    }
    await queue.close();
  } finally {
    conn.disconnect();
  }
}

const best = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? round(s[Math.floor(s.length / 2)]!) : 0;
};
const bytes = scan.paths.length ? statSync(file).size : 0;
const cpuBest = (xs: Cpu[]): number => Math.min(...xs.map(cpuSum));
const resultBytes = partials.map((b) => b.byteLength);
const sumResult = resultBytes.reduce((s, b) => s + b, 0);
const report = {
  date: new Date().toISOString(), file, bytes, workers, runs, tasks,
  local_s: times.local, cluster_s: times.cluster,
  best_local_s: best(times.local), best_cluster_s: best(times.cluster),
  cluster_over_local: +(best(times.cluster) / best(times.local)).toFixed(3),
  local_cpu_s: cpus.local.map((c) => ({ job: round(c.job), workers: round(c.workers), redis: round(c.redis) })),
  cluster_cpu_s: cpus.cluster.map((c) => ({ job: round(c.job), workers: round(c.workers), redis: round(c.redis) })),
  best_local_cpu_s: round(cpuBest(cpus.local)), best_cluster_cpu_s: round(cpuBest(cpus.cluster)),
  cluster_over_local_cpu: +(cpuBest(cpus.cluster) / cpuBest(cpus.local)).toFixed(3),
  load_avg: os.loadavg().map(round),
  task_bytes_mean: Math.round(bytes / tasks),
  result_bytes_mean: Math.round(sumResult / resultBytes.length), result_bytes_max: Math.max(...resultBytes),
  overhead_ms_per_task: +(((best(times.cluster) - best(times.local)) * 1000 * workers) / tasks).toFixed(1),
  // medians over the tasks
  per_task_ms: Object.fromEntries(Object.entries(perTask).map(([k, xs]) => [k, median(xs)])),
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
