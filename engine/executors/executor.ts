/**
 * Where a task runs is one pluggable piece: the scheduler hands TaskSpecs to an Executor and
 * gets TaskResults back. `local` runs them on a Piscina pool of threads; `inline` in this
 * thread (tests, tiny inputs); a cluster executor (BullMQ) can take the same specs and bytes.
 */
import type { TaskResult, TaskSpec } from '../plan.js';

export interface Executor {
  /** How many tasks it runs at once. */
  readonly concurrency: number;
  /**
   * Run one task. Rejects with TaskError when the task itself threw (not worth a retry);
   * any other rejection means the worker died (crash, exit, out of memory) and may be retried.
   */
  run(task: TaskSpec, signal: AbortSignal): Promise<TaskResult>;
  // (the signal lets an executor drop queued work early; a running task may still finish)
  /** Stop every worker; resolves when none is left running. */
  close(): Promise<void>;
  /** Number of live worker threads/processes (0 after close). */
  readonly liveWorkers: number;
}
