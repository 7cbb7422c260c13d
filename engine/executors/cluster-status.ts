/**
 * The cluster's task view, read from Redis: tasks by state (BullMQ's counts), the connected
 * worker processes, per-host work (the counters cluster-worker.ts keeps), throughput from
 * BullMQ's per-minute metrics, and the latest failures. The terminal (`--status`) and the
 * dashboard (`/cluster.json`) both show this.
 */
import { Queue } from 'bullmq';
import type { TaskSpec } from '../plan.js';
import { DEFAULT_QUEUE, connectRedis } from './cluster.js';
import { hostKey, hostsKey } from './cluster-worker.js';

export interface HostStatus {
  host: string;
  /** Worker processes of this host connected now. */
  workers: number;
  /** Tasks running there now. */
  active: number;
  tasks: number;
  bytes: number;
  busyMs: number;
  /** Bytes per second of busy time (the host's task speed). */
  bytesPerSec: number;
  /** Tasks that ran there as a retry (after a failure or a dead worker). */
  retried: number;
  failed: number;
  lastSeen: string | null;
  lastError: string | null;
}

export interface ClusterStatus {
  queue: string;
  at: string;
  /** Tasks by BullMQ state. */
  counts: Record<string, number>;
  workers: { name: string; addr: string; ageSec: number }[];
  hosts: HostStatus[];
  /** Completed and failed tasks per minute, oldest first, the last 15 minutes. */
  perMinute: { completed: number[]; failed: number[] };
  /** Latest failures (newest first). */
  failures: { id: string; file: string; start: number; end: number; attempts: number; reason: string; at: string | null }[];
}

const num = (v: string | undefined): number => (v === undefined ? 0 : Number(v));

/** Read the task view of `queue` at `redis`. Throws RedisUnreachableError when Redis does not answer. */
export async function clusterStatus(redis: string, queueName = DEFAULT_QUEUE): Promise<ClusterStatus> {
  const conn = await connectRedis(redis);
  const queue = new Queue(queueName, { connection: conn });
  queue.on('error', () => {});
  try {
    const [counts, workers, active, failed, completedM, failedM, hostNames] = await Promise.all([
      queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'paused'),
      queue.getWorkers(),
      queue.getJobs(['active'], 0, 999),
      queue.getJobs(['failed'], 0, 9),
      queue.getMetrics('completed', 0, 14),
      queue.getMetrics('failed', 0, 14),
      conn.smembers(hostsKey(queueName)),
    ]);
    const hostOf = (name: string | undefined): string => (name ?? '').replace(/:\d+$/, '');
    const workerList = workers.map((w) => ({ name: String(w.rawname ?? '').replace(/^.*?:w:/, ''), addr: String(w.addr ?? ''), ageSec: Number(w.age ?? 0) }));
    const hosts: HostStatus[] = [];
    const names = new Set([...hostNames, ...workerList.map((w) => hostOf(w.name)).filter((h) => h !== '')]);
    for (const host of [...names].sort()) {
      const h = await conn.hgetall(hostKey(queueName, host));
      const busyMs = num(h.busy_ms);
      const bytes = num(h.bytes);
      hosts.push({
        host,
        workers: workerList.filter((w) => hostOf(w.name) === host).length,
        active: active.filter((j) => hostOf(j.processedBy) === host).length,
        tasks: num(h.tasks), bytes, busyMs: Math.round(busyMs),
        bytesPerSec: busyMs > 0 ? Math.round((bytes * 1000) / busyMs) : 0,
        retried: num(h.retried), failed: num(h.failed),
        lastSeen: h.last_seen ? new Date(num(h.last_seen)).toISOString() : null,
        lastError: h.last_error ?? null,
      });
    }
    // metrics come newest first; the view reads left to right
    const series = (m: { data: number[] }): number[] => [...m.data].reverse();
    return {
      queue: queueName,
      at: new Date().toISOString(),
      counts,
      workers: workerList,
      hosts,
      perMinute: { completed: series(completedM), failed: series(failedM) },
      failures: failed.filter((j) => j !== undefined).map((j) => {
        const p = (j.data as TaskSpec).partition;
        return {
          id: String(j.id), file: p.file, start: p.start, end: p.end, attempts: j.attemptsMade,
          reason: j.failedReason ?? '', at: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
        };
      }),
    };
  } finally {
    await queue.close().catch(() => {});
    conn.disconnect();
  }
}

const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;

/** The task view as terminal text. */
export function formatStatus(s: ClusterStatus): string {
  const c = s.counts;
  const lines = [
    `queue ${s.queue} at ${s.at}`,
    `tasks: ${c.waiting ?? 0} waiting, ${c.active ?? 0} active, ${c.delayed ?? 0} delayed (retry backoff), ${c.completed ?? 0} completed (kept 5 min), ${c.failed ?? 0} failed`,
    `workers connected: ${s.workers.length}${s.workers.length ? ` (${s.workers.map((w) => w.name).join(', ')})` : ''}`,
    `completed per minute (last ${s.perMinute.completed.length}): ${s.perMinute.completed.join(' ') || '-'}`,
    '',
    'host                     workers active    tasks       bytes   MB/s busy  retried failed  last seen',
  ];
  for (const h of s.hosts) {
    lines.push(`${h.host.padEnd(24)} ${String(h.workers).padStart(7)} ${String(h.active).padStart(6)} ${String(h.tasks).padStart(8)} ${mb(h.bytes).padStart(11)} `
      + `${(h.bytesPerSec / 1e6).toFixed(1).padStart(9)} ${String(h.retried).padStart(8)} ${String(h.failed).padStart(6)}  ${h.lastSeen ?? '-'}`);
  }
  if (s.hosts.length === 0) lines.push('(no host has run a task yet)');
  if (s.failures.length) {
    lines.push('', 'latest failures:');
    for (const f of s.failures) lines.push(`  ${f.at ?? '?'} ${f.file} bytes ${f.start}-${f.end}, ${f.attempts} attempt(s): ${f.reason}`);
  }
  return lines.join('\n');
}
