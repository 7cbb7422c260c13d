/** logframe's side of the whole-run benchmark: the five standard aggregations in one pass. */
import { Engine, col, count } from '../engine/index.js';

import type { PeerResult, PeerTables } from './peers/types.js';

/** The five tables every engine in the benchmark computes (the peers' shape). */
export type EngineTables = PeerTables;
/** One engine's timed run. */
export type BenchRun = PeerResult;

const ERRORS = ['ERROR', 'CRITICAL', 'FATAL'];

function toMap(rows: Record<string, unknown>[], key: string, value: string): Map<string, number> {
  return new Map(rows.filter((r) => r[key] !== null).map((r) => [String(r[key]), Number(r[value])]));
}

/** Count by level; errors by hour, service, IP and minute: one scan, five queries. */
export async function runLogframe(file: string, format: 'text' | 'csv', workers: number): Promise<BenchRun> {
  const t0 = performance.now();
  const engine = await Engine.start({ workers });
  try {
    const logs = engine.scan(file, { format });
    const err = logs.where(col('level').in(ERRORS));
    const [level, hour, service, ip, minute] = await engine.collectAll([
      logs.groupBy('level').agg(count()),
      err.groupBy(col('timestamp').bucket('1h').as('hour')).agg(count().as('errors')),
      err.groupBy('service').agg(count().as('errors')),
      err.groupBy('ip').agg(count().as('errors')),
      err.groupBy(col('timestamp').bucket('1m').as('minute')).agg(count().as('errors')),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    return {
      name: `logframe (${workers} worker${workers > 1 ? 's' : ''})`,
      seconds,
      tables: {
        byLevel: toMap(level!.toRows(), 'level', 'count'),
        errorsByHour: toMap(hour!.toRows(), 'hour', 'errors'),
        errorsByService: toMap(service!.toRows(), 'service', 'errors'),
        errorsByIp: toMap(ip!.toRows(), 'ip', 'errors'),
        errorsByMinute: toMap(minute!.toRows(), 'minute', 'errors'),
      },
    };
  } finally {
    await engine.close();
  }
}
