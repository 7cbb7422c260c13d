/** Runs tasks on a Piscina pool of worker threads (the default executor). */
import os from 'node:os';
import v8 from 'node:v8';
import { Piscina } from 'piscina';
import { unpack } from '../pack.js';
import type { TaskResult, TaskSpec } from '../plan.js';
import { TaskError } from '../errors.js';
import type { WorkerFailure } from '../worker.js';
import type { Executor } from './executor.js';

export interface LocalExecutorOptions {
  /** Worker threads (default os.availableParallelism()). */
  workers?: number;
  /** Heap limit per worker in MB (a worker over it dies and its task is retried). */
  maxOldGenerationSizeMb?: number;
}

/** Where the worker entry lives: the .ts source under tsx/vitest, the compiled .js otherwise. */
function workerFile(): { filename: string; execArgv: string[] } {
  const here = new URL('.', import.meta.url);
  if (import.meta.url.endsWith('.ts')) {
    // running from source: a bootstrap registers the TypeScript loader in the thread
    return { filename: new URL('../worker-source.mjs', here).href, execArgv: [] };
  }
  return { filename: new URL('../worker.js', here).href, execArgv: [] };
}

/**
 * The pool's threads compile their hot functions in their own thread. V8 compiles optimized code
 * on background threads by default, which pays off when a core is idle; a pool keeps every core
 * busy, so the compile threads take CPU from the workers while the workers run the slow tiers for
 * longer. On the 5M-line text file with 2 workers on 2 cores, the process spent 0.55-0.67 s in
 * those threads, and took 0.1-0.2 s less wall and 0.2-0.4 s less CPU with them off (README,
 * Performance). The flag is process-wide but is read when an isolate starts: this process's main
 * thread keeps its background compiler, each worker thread started after this call has none.
 */
function compileInWorkerThreads(): void {
  v8.setFlagsFromString('--no-concurrent-recompilation');
}

export class LocalExecutor implements Executor {
  readonly concurrency: number;
  private readonly pool: Piscina;
  private closed = false;

  constructor(opts: LocalExecutorOptions = {}) {
    this.concurrency = Math.max(1, opts.workers ?? os.availableParallelism());
    const { filename, execArgv } = workerFile();
    compileInWorkerThreads();
    this.pool = new Piscina({
      filename,
      // undefined: the threads inherit this process's options (--cpu-prof profiles them too);
      // listing them would reject V8 flags that workers do not accept
      execArgv: execArgv.length > 0 ? execArgv : undefined,
      minThreads: this.concurrency,
      maxThreads: this.concurrency,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxOldGenerationSizeMb ?? 256, maxYoungGenerationSizeMb: 8 },
    });
  }

  get liveWorkers(): number {
    return this.closed ? 0 : this.pool.threads.length;
  }

  async run(task: TaskSpec): Promise<TaskResult> {
    return unpack<TaskResult>(await this.runPacked(task));
  }

  /** Run one task and return its result in the packed wire form (a cluster worker ships these bytes as they are). */
  async runPacked(task: TaskSpec): Promise<ArrayBuffer> {
    // no signal to Piscina: cancelling a running task races with its reply; the scheduler
    // stops dispatching on abort and lets the few running tasks land before the pool closes
    const reply: unknown = await this.pool.run(task);
    if (reply instanceof ArrayBuffer) return reply;
    const f = reply as WorkerFailure;
    throw new TaskError(f.error.message, f.error.stack);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.destroy();
  }
}
