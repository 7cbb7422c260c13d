/** `--status`: the cluster's task view in the terminal (or as JSON). */
import { RedisUnreachableError } from '../../engine/errors.js';
import { clusterStatus, formatStatus } from '../../engine/executors/cluster-status.js';

/** Print the task view of the queue at `redis`; returns the exit status. */
export async function printStatus(redis: string, opts: { json?: boolean; queue?: string } = {}): Promise<number> {
  try {
    const s = await clusterStatus(redis, opts.queue);
    process.stdout.write((opts.json ? JSON.stringify(s, null, 2) : formatStatus(s)) + '\n');
    return 0;
  } catch (err) {
    process.stderr.write(`logframe: ${err instanceof RedisUnreachableError ? err.message : `status failed: ${(err as Error).message}`}\n`);
    return 1;
  }
}
