/** Runs tasks in the calling thread, one at a time: for tests and tiny inputs. */
import { pack, unpack } from '../pack.js';
import type { TaskResult, TaskSpec } from '../plan.js';
import { runTask } from '../task.js';
import { TaskError } from '../errors.js';
import type { Executor } from './executor.js';

export class InlineExecutor implements Executor {
  readonly concurrency = 1;
  readonly liveWorkers = 0;

  async run(task: TaskSpec): Promise<TaskResult> {
    if (task.fault) throw new TaskError('fault drills need a worker thread: use the local executor');
    try {
      // round-trip through the wire form so inline runs exercise the same encoding as threads
      return unpack<TaskResult>(pack(await runTask(task)));
    } catch (err) {
      throw new TaskError(err instanceof Error ? err.message : String(err), err instanceof Error ? err.stack : undefined);
    }
  }

  async close(): Promise<void> {}
}
