/** Errors users can meet in the engine, made in one place: what failed, where, and what to do. */
import type { Partition } from '../partitions/plan.js';

function where(p: Partition): string {
  return p.gzip ? `${p.file} (gzip, whole file)` : `${p.file} bytes ${p.start}-${p.end}`;
}

/** A task failed for good: its worker died on every attempt, or the task itself threw. */
export class TaskFailedError extends Error {
  constructor(readonly partition: Partition, readonly attempts: number, override readonly cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(attempts > 1
      ? `partition ${partition.index} (${where(partition)}) failed after ${attempts} attempts: ${why}`
      : `partition ${partition.index} (${where(partition)}) failed: ${why}`);
    this.name = 'TaskFailedError';
  }
}

/** The task threw inside the worker (bad input, bad plan): deterministic, so not retried. */
export class TaskError extends Error {
  constructor(message: string, readonly workerStack?: string) {
    super(message);
    this.name = 'TaskError';
  }
}

/** The run was stopped by an AbortSignal or SIGINT. */
export class AbortedError extends Error {
  constructor(reason?: unknown) {
    super(`run aborted${reason instanceof Error ? `: ${reason.message}` : typeof reason === 'string' ? `: ${reason}` : ''}`);
    this.name = 'AbortError';
  }
}

/** Without its password: what a message may show of a Redis or AMQP URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/** The cluster executor's Redis did not answer: nothing was run or written. */
export class RedisUnreachableError extends Error {
  constructor(url: string, why: string) {
    super(`cannot reach Redis at ${redactUrl(url)} (${why}): start redis-server there, or point engine.redis / --redis at a running one`);
    this.name = 'RedisUnreachableError';
  }
}
