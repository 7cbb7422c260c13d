/**
 * The cluster executor against a real Redis (`.ci/services`) and real worker processes
 * (`npm run worker`, from source): the job's reports are byte-identical to the local executor's,
 * a worker SIGKILLed mid-task costs a retry and changes nothing, an unreachable Redis fails the
 * job naming the URL (exit 1, nothing written), and a worker that cannot open an input fails the
 * task naming host and path.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { runJob } from '../run.js';
import { trickyText } from '../../engine/testing/tricky.js';
import { testRedis } from '../../engine/testing/services.js';
import { Engine, count } from '../../engine/index.js';
import { ClusterExecutor, RESULT_TTL_MS, connectRedis, resultKey, type ClusterReply } from '../../engine/executors/cluster.js';
import { runTask } from '../../engine/task.js';
import { pack } from '../../engine/pack.js';
import type { TaskSpec } from '../../engine/plan.js';
import { clusterStatus } from '../../engine/executors/cluster-status.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORKER = path.join(ROOT, 'jobs/cluster/worker-cli.ts');
const JOB = path.join(ROOT, 'jobs/cli.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'logframe-cluster-'));
const children = new Set<ChildProcess>();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let redis = '';

/** A worker process of its own (what `npm run worker` starts), one thread. */
async function startWorker(queue: string, host: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, '--redis', redis, '--queue', queue, '--concurrency', '1', '--host', host, '--lock-ms', '2000', ...extra], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // ready once it says so on stderr
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`worker ${host} did not start: ${text}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('taking tasks')) { clearTimeout(t); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`worker ${host} exited (${code}): ${text}`)); });
  });
  return child;
}

async function stopAll(procs: ChildProcess[]): Promise<void> {
  await Promise.all(procs.map((c) => new Promise((r) => { if (c.exitCode !== null || c.signalCode !== null) r(null); else { c.once('exit', r); c.kill('SIGTERM'); } })));
}

/** Every report file, summary.json without its timings. */
function reports(out: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files[path.relative(out, p)] = readFileSync(p, 'latin1');
    }
  };
  walk(out);
  const summary = JSON.parse(files['summary.json']!) as Record<string, unknown>;
  for (const k of ['elapsed_ms', 'lines_per_sec', 'bytes_per_sec']) delete summary[k];
  files['summary.json'] = JSON.stringify(summary);
  return files;
}

function config(input: string, out: string, engine: string): string {
  return `input: {paths: [${JSON.stringify(input)}], format: text}\nengine: {${engine}}\noutput: {dir: ${JSON.stringify(out)}}\nalerts: {channels: {console: false}}\n`;
}

async function clearQueue(name: string): Promise<void> {
  const conn = await connectRedis(redis);
  const q = new Queue(name, { connection: conn });
  await q.obliterate({ force: true });
  await q.close();
  const keys = await conn.keys(`logframe:cluster:${name}:*`);
  if (keys.length) await conn.del(...keys);
  conn.disconnect();
}

beforeAll(() => {
  redis = testRedis();
});
afterAll(() => { for (const c of children) c.kill('SIGKILL'); });

describe('cluster executor (BullMQ on Redis)', () => {
  it('three worker processes write reports byte-identical to the local executor on the tricky files', async () => {
    const queue = 'lf-test-same';
    await clearQueue(queue);
    const workers = await Promise.all([1, 2, 3].map((k) => startWorker(queue, `host${k}`)));
    try {
      for (const [k, opts] of [[1, { lines: 3000, seed: 3 }], [2, { lines: 1500, seed: 11, finalNewline: false }]] as const) {
        const input = path.join(dir, `tricky-${k}.log`);
        writeFileSync(input, trickyText(opts));
        const local = path.join(dir, `local-${k}`);
        const cluster = path.join(dir, `cluster-${k}`);
        // small partitions: many tasks, spread over the three workers
        await runJob(parseConfig(config(input, local, 'workers: 3, partition_size: 16KB'), 'local.yaml'));
        await runJob(parseConfig(config(input, cluster, `workers: 3, partition_size: 16KB, executor: cluster, redis: '${redis}', queue: ${queue}`), 'cluster.yaml'));
        const a = reports(local);
        expect(Object.keys(a).length).toBeGreaterThan(40);
        expect(reports(cluster)).toEqual(a);
      }
      // the result bytes travel as keys of their own, and the job reads and deletes each one
      const conn = await connectRedis(redis);
      expect(await conn.keys(`logframe:cluster:${queue}:result:*`)).toEqual([]);
      conn.disconnect();
      const s = await clusterStatus(redis, queue);
      expect(s.hosts.map((h) => h.host)).toEqual(['host1', 'host2', 'host3']);
      expect(s.hosts.reduce((n, h) => n + h.tasks, 0)).toBe(s.counts.completed);
      expect(s.hosts.every((h) => h.tasks > 0)).toBe(true);
      expect(s.workers.length).toBe(3);
    } finally {
      await stopAll(workers);
    }
  }, 120_000);

  it('a worker SIGKILLed mid-task: its task is recovered by another worker, reports unchanged', async () => {
    const queue = 'lf-test-kill';
    await clearQueue(queue);
    const input = path.join(dir, 'kill.log');
    writeFileSync(input, trickyText({ lines: 2000, seed: 5 }));
    // each task held 700 ms, so the kill lands while one runs
    const victim = await startWorker(queue, 'victim', ['--drill-delay-ms', '700']);
    const others = await Promise.all([2, 3].map((k) => startWorker(queue, `survivor${k}`, ['--drill-delay-ms', '700'])));
    const out = path.join(dir, 'kill-cluster');
    const run = runJob(parseConfig(config(input, out, `workers: 3, partition_size: 16KB, executor: cluster, redis: '${redis}', queue: ${queue}`), 'kill.yaml'));
    const conn = await connectRedis(redis);
    const q = new Queue(queue, { connection: conn });
    let killedMidTask = false;
    try {
      for (let i = 0; i < 200 && !killedMidTask; i++) {
        const active = await q.getJobs(['active']);
        if (active.some((j) => j.processedBy?.startsWith('victim:'))) {
          victim.kill('SIGKILL');
          killedMidTask = true;
        } else await sleep(50);
      }
      expect(killedMidTask).toBe(true);
      await run;
    } finally {
      await q.close();
      conn.disconnect();
      await stopAll([victim, ...others]);
    }
    const localOut = path.join(dir, 'kill-local');
    await runJob(parseConfig(config(input, localOut, 'workers: 3, partition_size: 16KB'), 'local.yaml'));
    expect(reports(out)).toEqual(reports(localOut));
    const s = await clusterStatus(redis, queue);
    expect(s.hosts.filter((h) => h.host !== 'victim').reduce((n, h) => n + h.retried, 0)).toBeGreaterThanOrEqual(1);
    expect(s.counts.failed).toBe(0);
  }, 120_000);

  it('Redis unreachable: the job exits 1 naming the URL, and writes nothing', () => {
    const input = path.join(dir, 'small.log');
    writeFileSync(input, trickyText({ lines: 50 }));
    const out = path.join(dir, 'unreachable');
    const r = spawnSync(process.execPath, ['--import', 'tsx', JOB, 'config/pipeline.yaml', '--input', input, '--out', out, '--quiet',
      '--executor', 'cluster', '--redis', 'redis://:hunter2@127.0.0.1:1'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(connect ECONNREFUSED/);
    expect(r.stderr).not.toContain('hunter2');
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a worker that cannot open an input fails the task naming host and path, after a bounded number of attempts', async () => {
    const queue = 'lf-test-missing';
    await clearQueue(queue);
    const w = await startWorker(queue, 'blind');
    const engine = await Engine.start({ executor: await ClusterExecutor.connect({ redis, queue, slots: 1, backoffMs: 100 }) });
    try {
      const missing = path.join(dir, 'not-on-this-host.log');
      const logs = engine.scan(missing, { format: 'text' });
      const err = await engine.execute(logs.scan, [logs.agg(count()).toQuery()], {
        partitions: [{ index: 0, file: missing, start: 0, end: 100, gzip: false, part: 0 }],
      }).catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(`host blind cannot open ${missing} (ENOENT)`);
      const s = await clusterStatus(redis, queue);
      expect(s.failures[0]).toMatchObject({ file: missing, attempts: 3 });
      expect(s.hosts[0]).toMatchObject({ host: 'blind', failed: 3 });
    } finally {
      await engine.close();
      await stopAll([w]);
    }
  }, 60_000);

  it('a completed task whose result bytes are gone from Redis is run again, and the result is the one stored', async () => {
    const queue = 'lf-test-lost';
    await clearQueue(queue);
    const input = path.join(dir, 'lost.log');
    writeFileSync(input, trickyText({ lines: 400, seed: 9 }));
    const conn = await connectRedis(redis);
    const workerConn = conn.duplicate();
    let runs = 0;
    // a worker of this process that stores the bytes of every run but the first (as an evicted key would look)
    const worker = new Worker<TaskSpec, ClusterReply>(queue, async (job) => {
      const key = resultKey(queue, String(job.id), job.attemptsStarted);
      const packed = pack(await runTask(job.data));
      if (++runs > 1) await conn.set(key, Buffer.from(packed), 'PX', RESULT_TTL_MS);
      return { host: 'here', worker: 'here:1', startedAt: Date.now(), ms: 0, key, bytes: packed.byteLength };
    }, { connection: workerConn });
    const cluster = await Engine.start({ executor: await ClusterExecutor.connect({ redis, queue, slots: 1 }) });
    const inline = await Engine.start({ executor: 'inline' });
    try {
      const logs = cluster.scan(input, { format: 'text' });
      const partitions = [{ index: 0, file: input, start: 0, end: statSync(input).size, gzip: false, part: 0 }];
      const got = await cluster.execute(logs.scan, [logs.groupBy('level').agg(count()).toQuery()], { partitions });
      const want = await inline.execute(logs.scan, [logs.groupBy('level').agg(count()).toQuery()], { partitions });
      expect(runs).toBe(2);
      expect(got.stats.retries).toBe(1);
      expect(got.tables[0]!.toRows()).toEqual(want.tables[0]!.toRows());
      expect(got.tables[0]!.toRows().length).toBeGreaterThan(1);
      expect(await conn.keys(`logframe:cluster:${queue}:result:*`)).toEqual([]);
    } finally {
      await cluster.close();
      await inline.close();
      await worker.close();
      workerConn.disconnect();
      conn.disconnect();
    }
  }, 60_000);
});

describe('task view in the dashboard', () => {
  it('/cluster.json serves the queue status; 404 without a cluster', async () => {
    const { startDashboard } = await import('../dashboard/server.js');
    const outDir = mkdtempSync(path.join(tmpdir(), 'logframe-cluster-dash-'));
    const withCluster = await startDashboard({ outDir, port: 0, cluster: { redis: testRedis(), queue: 'lf-test-same' } });
    const without = await startDashboard({ outDir, port: 0 });
    try {
      const r = await fetch(new URL('/cluster.json', withCluster.url));
      expect(r.status).toBe(200);
      const body = await r.json() as { queue: string; counts: Record<string, number>; hosts: unknown[] };
      expect(body.queue).toBe('lf-test-same');
      expect(typeof body.counts.waiting).toBe('number');
      expect((await fetch(new URL('/cluster.json', without.url))).status).toBe(404);
    } finally {
      await withCluster.close();
      await without.close();
    }
  });
});
