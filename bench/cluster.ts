/**
 * Cluster vs local, same run, same file: the job's whole map side (every aggregation of the log
 * job, one pass) on the local executor with N threads, and on the cluster executor with N worker
 * processes of one thread each (started here, kept warm, as long-lived per-host workers are).
 * Both engines are started before the clock starts; runs alternate, best of --runs.
 * Also prints the per-task costs the README's scaling estimate is built from.
 *
 *   node dist/bench/cluster.js --redis redis://127.0.0.1:16379 [--file bench/data/bench-5000000.log] [--workers 2] [--runs 2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine, type ExecuteResult } from '../engine/index.js';
import { pack } from '../engine/pack.js';
import { parseConfig } from '../jobs/config/index.js';
import { buildPlan } from '../jobs/analytics/plan.js';
import { scanOf } from '../jobs/run.js';
import { ClusterExecutor } from '../engine/executors/cluster.js';

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

async function timed(engine: Engine): Promise<{ seconds: number; res: ExecuteResult }> {
  const t0 = performance.now();
  const res = await engine.execute(scan, plan.queries, { extensions: plan.extensions });
  return { seconds: (performance.now() - t0) / 1000, res };
}

const procs = await Promise.all(Array.from({ length: workers }, (_, k) => startWorker(k + 1)));
const local = await Engine.start({ workers });
const cluster = await Engine.start({ executor: await ClusterExecutor.connect({ redis: values.redis, queue: values.queue, slots: workers }) });
const times = { local: [] as number[], cluster: [] as number[] };
let resultBytes: number[] = [];
let tasks = 0;
try {
  for (let r = 0; r < runs; r++) {
    const l = await timed(local);
    times.local.push(l.seconds);
    const c = await timed(cluster);
    times.cluster.push(c.seconds);
    if (c.res.stats.lines !== l.res.stats.lines) throw new Error(`line counts differ: ${c.res.stats.lines} vs ${l.res.stats.lines}`);
    process.stderr.write(`run ${r + 1}: local ${l.seconds.toFixed(2)} s, cluster ${c.seconds.toFixed(2)} s (${l.res.stats.partitions} tasks)\n`);
    tasks = l.res.stats.partitions;
  }
  // result bytes per task: the packed partials a worker ships (base64 in the job's return value)
  resultBytes = [];
  await local.execute(scan, plan.queries, { extensions: plan.extensions, onTaskResult: (t) => resultBytes.push(pack(t).byteLength) });
} finally {
  await local.close();
  await cluster.close();
  for (const p of procs) p.kill('SIGTERM');
}
const best = (xs: number[]): number => Math.min(...xs);
const bytes = scan.paths.length ? (await import('node:fs')).statSync(file).size : 0;
const sumResult = resultBytes.reduce((s, b) => s + b, 0);
const report = {
  date: new Date().toISOString(), file, bytes, workers, runs, tasks,
  local_s: times.local, cluster_s: times.cluster,
  best_local_s: best(times.local), best_cluster_s: best(times.cluster),
  cluster_over_local: +(best(times.cluster) / best(times.local)).toFixed(3),
  task_bytes_mean: Math.round(bytes / tasks),
  result_bytes_mean: Math.round(sumResult / resultBytes.length), result_bytes_max: Math.max(...resultBytes),
  overhead_ms_per_task: +(((best(times.cluster) - best(times.local)) * 1000 * workers) / tasks).toFixed(1),
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
