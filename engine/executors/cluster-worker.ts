/**
 * The worker side of the cluster executor: one process per host takes tasks from the BullMQ
 * queue and runs them on its own Piscina pool (a LocalExecutor), so every core is busy while
 * the main thread keeps the jobs' locks renewed, stores results and fetches the next task (one
 * task beyond the threads is taken ahead, so no thread waits for that). Per-host counters for
 * the task view live in one Redis hash per host (see cluster-status.ts).
 */
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TaskSpec } from '../plan.js';
import { TaskError } from '../errors.js';
import { LocalExecutor } from './local.js';
import { DEFAULT_QUEUE, RESULT_TTL_MS, connectRedis, resultKey, type ClusterReply } from './cluster.js';

export interface ClusterWorkerOptions {
  redis: string;
  queue?: string;
  /** Tasks at once = threads of the pool (default os.availableParallelism()). */
  concurrency?: number;
  /**
   * Tasks taken beyond the threads (default 1): one waits here while the others run, so a thread
   * that finishes starts its next task at once instead of idling while its result is stored, the
   * job is completed and the next one fetched (a few round trips). The cost is at the very end of
   * a run: a waiting task might have started sooner on a host that has gone idle.
   */
  prefetch?: number;
  /** A job's lock; a worker that dies loses its jobs to others after this long (default 30 s). */
  lockMs?: number;
  /** Times a job may be recovered from a dead worker before it fails (default 2). */
  maxStalledCount?: number;
  /** Name this host reports (default os.hostname()). */
  host?: string;
  /** Heap limit per thread, MB. */
  maxOldGenerationSizeMb?: number;
  /** Fault drills: hold every task this long before running it (a test can kill the worker mid-task). */
  drillDelayMs?: number;
}

/** Redis key of a host's counters. */
export function hostKey(queue: string, host: string): string {
  return `logframe:cluster:${queue}:host:${host}`;
}

/** Redis key of the set of hosts that have run tasks. */
export function hostsKey(queue: string): string {
  return `logframe:cluster:${queue}:hosts`;
}

/** The pool's free threads: a taken task waits here, not in Piscina's queue, so its busy time starts with a thread. */
class FreeThreads {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** A task's input must be readable here: a shared filesystem is the cluster's contract. */
function checkReadable(host: string, file: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`host ${host} cannot open ${file} (${code}): every worker must see the inputs at the same path (shared filesystem)`);
  }
}

export class ClusterWorker {
  readonly host: string;
  readonly name: string;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly pool: LocalExecutor,
    private readonly conns: Redis[],
    readonly queue: string,
    host: string,
  ) {
    this.host = host;
    this.name = `${host}:${process.pid}`;
  }

  /** Connect and start taking tasks; throws RedisUnreachableError when Redis does not answer. */
  static async start(opts: ClusterWorkerOptions): Promise<ClusterWorker> {
    const queue = opts.queue ?? DEFAULT_QUEUE;
    const host = opts.host ?? os.hostname();
    const name = `${host}:${process.pid}`;
    const concurrency = Math.max(1, opts.concurrency ?? os.availableParallelism());
    const conn = await connectRedis(opts.redis);
    const pool = new LocalExecutor({ workers: concurrency, maxOldGenerationSizeMb: opts.maxOldGenerationSizeMb });
    const lockDuration = opts.lockMs ?? 30_000;
    const stats = conn.duplicate();
    stats.on('error', () => {});
    const threads = new FreeThreads(concurrency);
    const runJob = async (job: Job<TaskSpec>): Promise<ClusterReply> => {
      const task = job.data;
      const retried = job.attemptsStarted > 1 || (job.stalledCounter ?? 0) > 0;
      await threads.take();
      const startedAt = Date.now();
      const t0 = performance.now();
      try {
        let packed: ArrayBuffer;
        try {
          checkReadable(host, task.partition.file);
          if (opts.drillDelayMs) await new Promise((r) => setTimeout(r, opts.drillDelayMs));
          try {
            packed = await pool.runPacked(task);
          } catch (err) {
            // the task itself threw (bad data or plan): it would throw again anywhere
            if (err instanceof TaskError) throw new UnrecoverableError(`on host ${host}: ${err.message}`);
            throw new Error(`on host ${host}: worker thread died: ${(err as Error).message}`);
          }
        } finally {
          // the waiting task starts now, while this one's result goes out
          threads.give();
        }
        const ms = performance.now() - t0;
        const p = task.partition;
        const key = resultKey(queue, String(job.id), job.attemptsStarted);
        // Written on the connection BullMQ then completes the job on: Redis runs one connection's
        // commands in order, so the bytes and the counters are in place before anyone can see the
        // job completed, and the thread does not idle for a round trip of its own. A refused write
        // (out of memory) leaves the job completed without its bytes: the job's side finds none
        // and runs the task again.
        conn.set(key, Buffer.from(packed), 'PX', RESULT_TTL_MS).catch((err: Error) => {
          void stats.hset(hostKey(queue, host), 'last_error', `on host ${host}: cannot store the result of ${p.file} bytes ${p.start}-${p.end}: ${err.message}`.slice(0, 500)).catch(() => {});
        });
        conn.multi()
          .hincrby(hostKey(queue, host), 'tasks', 1)
          .hincrby(hostKey(queue, host), 'bytes', p.end - p.start)
          .hincrbyfloat(hostKey(queue, host), 'busy_ms', ms)
          .hincrby(hostKey(queue, host), 'retried', retried ? 1 : 0)
          .hset(hostKey(queue, host), 'last_seen', Date.now())
          .sadd(hostsKey(queue), host)
          .exec().catch(() => {});
        return { host, worker: name, startedAt, ms, key, bytes: packed.byteLength };
      } catch (err) {
        await stats.multi()
          .hincrby(hostKey(queue, host), 'failed', 1)
          .hset(hostKey(queue, host), 'last_seen', Date.now(), 'last_error', (err as Error).message.slice(0, 500))
          .sadd(hostsKey(queue), host)
          .exec().catch(() => {});
        throw err;
      }
    };
    const worker = new Worker<TaskSpec, ClusterReply>(queue, runJob, {
      connection: conn,
      name,
      concurrency: concurrency + Math.max(0, opts.prefetch ?? 1),
      lockDuration,
      stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
      maxStalledCount: opts.maxStalledCount ?? 2,
      metrics: { maxDataPoints: 60 * 24 },
    });
    worker.on('error', () => {}); // connection blips: ioredis reconnects
    await worker.waitUntilReady();
    return new ClusterWorker(worker, pool, [conn, stats], queue, host);
  }

  /** Finish the running tasks, then disconnect and stop the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.close();
    await this.pool.close();
    for (const c of this.conns) c.disconnect();
  }
}
