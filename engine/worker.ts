/**
 * The Piscina worker entry: run one task and send its partial back as one ArrayBuffer, moved
 * (not copied) when it is large. Task errors come back as data so the pool can tell them from a
 * dead worker.
 */
import { pack } from './pack.js';
import type { TaskSpec } from './plan.js';
import { runTask } from './task.js';

/** What a task that threw sends back. */
export interface WorkerFailure {
  error: { message: string; stack?: string };
}

/**
 * Results at least this large are moved to the main thread; smaller ones are copied. Moving
 * detaches the buffer, and V8 compiles typed-array reads on the promise that no ArrayBuffer in
 * the thread was ever detached: the first move throws away every optimized function that reads a
 * typed array (the parsers, the scanners, the aggregations) and compiles them again with a check
 * on every read. The 5M-line text file with 2 workers took 7% longer when each task's result was
 * moved (README, Performance). A copy of 1 MiB costs well under a millisecond; an aggregation's
 * partial is a few KB, while rows (select) can reach the partition's size and are moved.
 */
export const MOVE_BYTES = 1 << 20;

/** Piscina calls this for each task. */
export default async function work(task: TaskSpec): Promise<unknown> {
  try {
    const packed = pack(await runTask(task));
    if (packed.byteLength < MOVE_BYTES) return packed;
    // loaded only for a result worth moving: importing piscina costs a starting thread ~10 ms
    const { Piscina } = await import('piscina');
    return Piscina.move(packed);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const failure: WorkerFailure = { error: { message: e.message, stack: e.stack } };
    return failure;
  }
}
