/**
 * Runs tasks on other hosts through a BullMQ queue on Redis. A job's data is the TaskSpec
 * (partition + plan, plain JSON). The packed partial (engine/pack.ts) does not travel in the
 * job's return value, which BullMQ writes to the job hash and again into the events stream that
 * every QueueEvents reads: the worker stores the bytes as one binary value under a key of their
 * own (with a TTL) and returns a small reply naming it; this side reads and deletes that key in
 * one command. BullMQ does the distributed part: retries with exponential backoff, stalled-job
 * recovery when a worker process dies (its lock expires and another worker takes the job),
 * and QueueEvents to learn when a job finished. The worker side is cluster-worker.ts.
 */
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { unpack } from '../pack.js';
import type { TaskResult, TaskSpec } from '../plan.js';
import { RedisUnreachableError, TaskError } from '../errors.js';
import type { Executor } from './executor.js';

/** The queue tasks go through unless told otherwise. */
export const DEFAULT_QUEUE = 'logframe-tasks';

export interface ClusterOptions {
  /** redis:// or rediss:// URL (a password may come from LOGFRAME_REDIS_PASSWORD instead). */
  redis: string;
  /** BullMQ queue name (default logframe-tasks). */
  queue?: string;
  /** Task slots across the cluster: sizes partitions and tasks in flight (default 2). */
  slots?: number;
  /** Attempts per task before it fails for good (BullMQ's own retries; default 3). */
  attempts?: number;
  /** First retry delay; doubles each time (default 500 ms). */
  backoffMs?: number;
  /** A task not finished after this long is given up on and submitted again by the scheduler (default 10 min). */
  taskTimeoutMs?: number;
  /** How long to wait for Redis to answer at start (default 3 s). */
  connectTimeoutMs?: number;
}

/**
 * How long a task's result bytes stay in Redis when nobody reads them (a job that was given up
 * on, a run that stopped, a worker that finished after losing its lock): the reader deletes
 * them at once, this bounds what is left behind.
 */
export const RESULT_TTL_MS = 15 * 60_000;

/**
 * Redis key of the result bytes of one execution of a job. BullMQ counts every start of a job
 * (a retry, a recovery from a stalled worker) in `attemptsStarted`, so each execution writes its
 * own key and a late writer can never replace the result the completed job names.
 */
export function resultKey(queue: string, jobId: string, attempt: number): string {
  return `logframe:cluster:${queue}:result:${jobId}:${attempt}`;
}

/** What a cluster worker returns for a task (BullMQ stores it as the job's return value). */
export interface ClusterReply {
  /** Host and worker process that ran it. */
  host: string;
  worker: string;
  /** When a thread started on the task (epoch ms) and how long it took, ms. */
  startedAt: number;
  ms: number;
  /** Where the packed TaskResult waits: a binary Redis value, see resultKey. */
  key: string;
  /** Its size in bytes. */
  bytes: number;
}

/** ioredis options for a URL; a password from the environment wins over none in the URL. */
export function redisOptions(extra: RedisOptions = {}): RedisOptions {
  const password = process.env.LOGFRAME_REDIS_PASSWORD;
  return { ...(password ? { password } : {}), ...extra };
}

/**
 * Check that Redis answers at `url` (one PING, no retries), then open a connection BullMQ can
 * use (it needs maxRetriesPerRequest: null). Throws RedisUnreachableError naming the URL.
 */
export async function connectRedis(url: string, connectTimeoutMs = 3_000): Promise<Redis> {
  const probe = new Redis(url, redisOptions({
    lazyConnect: true, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null,
  }));
  let cause: Error | null = null;
  probe.on('error', (err: Error) => { cause ??= err; }); // the socket's own error says more than connect()'s rejection
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const e = cause ?? (err as Error);
    throw new RedisUnreachableError(url, e.message || String(e));
  } finally {
    probe.disconnect();
  }
  const conn = new Redis(url, redisOptions({ maxRetriesPerRequest: null }));
  conn.on('error', () => {}); // ioredis reconnects by itself; a task that waits too long times out
  return conn;
}

/** Decode a task's packed result bytes. */
export function decodeResult(b: Buffer): TaskResult {
  // unpack makes typed-array views on the buffer: they need an ArrayBuffer of its own, 8-aligned
  const own = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  return unpack<TaskResult>((own ? b.buffer : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) as ArrayBuffer);
}

export class ClusterExecutor implements Executor {
  readonly concurrency: number;
  private closed = false;
  private readonly jobOpts: JobsOptions;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly conns: Redis[],
    private readonly opts: ClusterOptions,
    /** The connection result bytes are read on (the queue's; nothing blocks on it). */
    private readonly results: Redis,
  ) {
    this.concurrency = Math.max(1, opts.slots ?? 2);
    this.jobOpts = {
      attempts: Math.max(1, opts.attempts ?? 3),
      backoff: { type: 'exponential', delay: opts.backoffMs ?? 500 },
      // finished jobs stay a while for the task view, then go (results are bytes in Redis memory)
      removeOnComplete: { age: 300, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    };
  }

  /** Connect to the queue; throws RedisUnreachableError when Redis does not answer. */
  static async connect(opts: ClusterOptions): Promise<ClusterExecutor> {
    const name = opts.queue ?? DEFAULT_QUEUE;
    const conn = await connectRedis(opts.redis, opts.connectTimeoutMs);
    const eventsConn = conn.duplicate();
    eventsConn.on('error', () => {});
    const queue = new Queue(name, { connection: conn, streams: { events: { maxLen: 2000 } } });
    const events = new QueueEvents(name, { connection: eventsConn });
    events.on('error', () => {});
    queue.on('error', () => {});
    // listening before the first job is added, so no completion is missed
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new ClusterExecutor(queue, events, [conn, eventsConn], opts, conn);
  }

  /** Workers of this process: none (they run elsewhere; see clusterStatus for those). */
  readonly liveWorkers = 0;

  async run(task: TaskSpec, signal?: AbortSignal): Promise<TaskResult> {
    if (this.closed) throw new Error('the cluster executor is closed');
    const p = task.partition;
    const job = await this.queue.add(`p${p.index}`, task, this.jobOpts);
    let reply: ClusterReply;
    try {
      const onAbort = (): void => { void job.remove().catch(() => {}); }; // a job not yet taken leaves the queue
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        reply = (await job.waitUntilFinished(this.events, this.opts.taskTimeoutMs ?? 600_000)) as ClusterReply;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    } catch (err) {
      const msg = (err as Error).message;
      // a timeout may be a lost event or a wedged worker: the scheduler may submit it again
      if (/timed out before finishing/.test(msg)) throw new Error(`task ${job.id} on queue ${this.queue.name}: ${msg}`);
      // BullMQ already retried it (attempts, stalled recovery): failing it again here would only repeat that
      throw new TaskError(msg);
    }
    // read and delete in one command: nothing is left behind, and a second read cannot happen
    const bytes = await this.results.getdelBuffer(reply.key);
    // gone (expired, evicted): a worker problem as far as the scheduler is concerned, so it runs the task again
    if (bytes === null) throw new Error(`task ${job.id} on queue ${this.queue.name}: its result (${reply.key}, ${reply.bytes} bytes from ${reply.worker}) is no longer in Redis`);
    return decodeResult(bytes);
  }

  /** Close the queue's connections (the workers go on serving other runs). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.events.close().catch(() => {});
    await this.queue.close().catch(() => {});
    for (const c of this.conns) c.disconnect();
  }
}
