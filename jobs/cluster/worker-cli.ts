#!/usr/bin/env node
/**
 * `npm run worker -- --redis URL [--concurrency N]`: one per host. Takes tasks from the
 * cluster's queue and runs them on this host's worker threads until SIGINT/SIGTERM (the running
 * tasks finish first). `--status` prints the task view instead.
 * Exit 0 on a clean stop, 2 on bad arguments, 1 when Redis cannot be reached.
 */
import { parseArgs } from 'node:util';
import { RedisUnreachableError, redactUrl } from '../../engine/errors.js';
import { ClusterWorker } from '../../engine/executors/cluster-worker.js';
import { printStatus } from './status-cli.js';

const HELP = `usage: npm run worker -- --redis URL [--concurrency N] [--prefetch N] [--queue NAME] [--lock-ms MS]
       npm run worker -- --status --redis URL [--json]

Runs this host's share of cluster jobs (engine.executor: cluster). Every worker must see the
job's input files at the same paths (a shared filesystem).

  --redis URL        the cluster's Redis (or LOGFRAME_REDIS_URL; password: LOGFRAME_REDIS_PASSWORD)
  --concurrency N    tasks at once, one worker thread each (default: the cores of this host)
  --prefetch N       tasks taken beyond that, waiting for a thread (default 1; 0 takes a task only when a thread is free)
  --queue NAME       queue name (default logframe-tasks)
  --lock-ms MS       job lock: a dead worker's tasks go to others after about this long (default 30000)
  --host NAME        the name this host reports in the task view (default: its hostname)
  --drill-delay-ms MS  fault drills: hold each task this long first (tests kill a worker mid-task)
  --status           print tasks by state, by host, throughput, retries and failures, then exit
  --json             with --status: as JSON`;

function positive(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be ${min === 0 ? 'a whole number' : 'a positive integer'}, got '${v}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let v;
  let concurrency: number | undefined;
  let prefetch: number | undefined;
  let lockMs: number | undefined;
  let drillDelayMs: number | undefined;
  try {
    v = parseArgs({
      args: argv,
      options: {
        redis: { type: 'string' }, concurrency: { type: 'string' }, prefetch: { type: 'string' }, queue: { type: 'string' }, 'lock-ms': { type: 'string' },
        host: { type: 'string' }, 'drill-delay-ms': { type: 'string' }, status: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
    concurrency = positive('concurrency', v.concurrency);
    prefetch = positive('prefetch', v.prefetch, 0);
    lockMs = positive('lock-ms', v['lock-ms']);
    drillDelayMs = positive('drill-delay-ms', v['drill-delay-ms']);
  } catch (err) {
    process.stderr.write(`logframe worker: ${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (v.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const redis = v.redis ?? process.env.LOGFRAME_REDIS_URL;
  if (!redis) {
    process.stderr.write(`logframe worker: --redis URL is required\n\n${HELP}\n`);
    return 2;
  }
  if (v.status) return printStatus(redis, { json: v.json, queue: v.queue });
  let worker: ClusterWorker;
  try {
    worker = await ClusterWorker.start({ redis, concurrency, prefetch, queue: v.queue, lockMs, host: v.host, drillDelayMs });
  } catch (err) {
    process.stderr.write(`logframe worker: ${err instanceof RedisUnreachableError ? err.message : (err as Error).stack}\n`);
    return 1;
  }
  process.stderr.write(`logframe worker ${worker.name}: taking tasks from ${worker.queue} at ${redactUrl(redis)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      process.stderr.write(`logframe worker ${worker.name}: ${sig}, finishing running tasks\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await worker.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
