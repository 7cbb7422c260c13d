/**
 * The scheduler: feeds partition tasks to an executor with a bounded number in flight,
 * hands each result to the caller as it lands (so memory does not grow with the file),
 * retries tasks whose worker died, reports progress, and stops cleanly on abort.
 */
import type { Partition } from '../partitions/plan.js';
import { AbortedError, TaskError, TaskFailedError } from './errors.js';
import type { Executor } from './executors/executor.js';
import type { TaskResult, TaskSpec } from './plan.js';

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
  partitionsDone: number;
  partitionsTotal: number;
  lines: number;
  elapsedMs: number;
  linesPerSec: number;
  retries: number;
}

export interface ScheduleOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Attempts after the first when a worker dies (default 2). */
  retries?: number;
  /** Results in flight at most (default 2 per executor slot). */
  maxInFlight?: number;
  /** Stop on SIGINT (default false; the CLI turns it on). */
  handleSigint?: boolean;
}

/** Run every partition's task; `onResult` receives each result once, in completion order. */
export async function schedule(
  executor: Executor,
  partitions: Partition[],
  makeTask: (p: Partition) => TaskSpec,
  onResult: (r: TaskResult) => void,
  opts: ScheduleOptions = {},
): Promise<Progress> {
  const controller = new AbortController();
  const outer = opts.signal;
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  if (outer) {
    if (outer.aborted) throw new AbortedError(outer.reason);
    outer.addEventListener('abort', onOuterAbort, { once: true });
  }
  const onSigint = (): void => controller.abort(new Error('interrupted (SIGINT)'));
  if (opts.handleSigint) process.once('SIGINT', onSigint);

  const retries = opts.retries ?? 2;
  const limit = Math.max(1, opts.maxInFlight ?? executor.concurrency * 2);
  const started = Date.now();
  const progress: Progress = {
    bytesDone: 0, bytesTotal: partitions.reduce((s, p) => s + (p.end - p.start), 0),
    partitionsDone: 0, partitionsTotal: partitions.length, lines: 0, elapsedMs: 0, linesPerSec: 0, retries: 0,
  };
  const report = (): void => {
    progress.elapsedMs = Date.now() - started;
    progress.linesPerSec = progress.elapsedMs > 0 ? (progress.lines * 1000) / progress.elapsedMs : 0;
    opts.onProgress?.({ ...progress });
  };

  const runOne = async (p: Partition): Promise<void> => {
    const task = makeTask(p);
    for (let attempt = 1; ; attempt++) {
      if (controller.signal.aborted) throw new AbortedError(controller.signal.reason);
      let r: TaskResult;
      try {
        r = await executor.run(task, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) throw new AbortedError(controller.signal.reason);
        if (err instanceof TaskError) throw new TaskFailedError(p, attempt, err);
        if (attempt > retries) throw new TaskFailedError(p, attempt, err);
        progress.retries++;
        continue;
      }
      if (controller.signal.aborted) throw new AbortedError(controller.signal.reason);
      // merging is the caller's: an error there is a bug or bad data, never a reason to retry
      onResult(r);
      progress.bytesDone += p.end - p.start;
      progress.partitionsDone++;
      progress.lines += r.lines;
      report();
      return;
    }
  };

  let next = 0;
  let failure: unknown = null;
  const lanes: Promise<void>[] = [];
  const lane = async (): Promise<void> => {
    while (failure === null && next < partitions.length) {
      const p = partitions[next++]!;
      try {
        await runOne(p);
      } catch (err) {
        if (failure === null) failure = err;
        controller.abort(err);
      }
    }
  };
  try {
    report();
    for (let k = 0; k < Math.min(limit, partitions.length); k++) lanes.push(lane());
    await Promise.all(lanes);
    if (failure !== null) throw failure;
    return { ...progress, elapsedMs: Date.now() - started };
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    if (opts.handleSigint) process.off('SIGINT', onSigint);
  }
}
