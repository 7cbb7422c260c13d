/**
 * The Piscina worker entry: run one task and send its partial back as one transferable
 * ArrayBuffer (moved, not copied). Task errors come back as data so the pool can tell
 * them from a dead worker.
 */
import { Piscina } from 'piscina';
import { pack } from './pack.js';
import type { TaskSpec } from './plan.js';
import { runTask } from './task.js';

/** What a task that threw sends back. */
export interface WorkerFailure {
  error: { message: string; stack?: string };
}

/** Piscina calls this for each task. */
export default async function work(task: TaskSpec): Promise<unknown> {
  try {
    return Piscina.move(pack(await runTask(task)));
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const failure: WorkerFailure = { error: { message: e.message, stack: e.stack } };
    return failure;
  }
}
