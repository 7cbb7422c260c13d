/** tinybench micro-benchmarks: parse one partition, run the aggregations, merge partials. */
import { Bench } from 'tinybench';
import { runTask } from '../engine/task.js';
import { GroupMerger } from '../engine/merge.js';
import type { QuerySpec, TaskResult } from '../engine/plan.js';
import type { Expr } from '../engine/expr.js';

const MB = 1024 * 1024;
const minute: Expr = { op: 'bucket', expr: { op: 'col', name: 'timestamp' }, ms: 60_000 };
const isError: Expr = { op: 'in', expr: { op: 'col', name: 'level' }, values: ['ERROR', 'CRITICAL', 'FATAL'] };
const QUERIES: QuerySpec[] = [
  { groupBy: [{ name: 'level', expr: { op: 'col', name: 'level' } }], aggs: [{ kind: 'count', name: 'count' }] },
  { filter: isError, groupBy: [{ name: 'minute', expr: minute }], aggs: [{ kind: 'count', name: 'errors' }] },
  { filter: isError, groupBy: [{ name: 'ip', expr: { op: 'col', name: 'ip' } }], aggs: [{ kind: 'count', name: 'errors' }] },
  { groupBy: [{ name: 'service', expr: { op: 'col', name: 'service' } }], aggs: [{ kind: 'quantile', name: 'p95', input: { op: 'col', name: 'response_time_ms' }, params: { q: 0.95 } }] },
];

/** Print tinybench results for the three stages on a 32 MiB partition of `file`. */
export async function micro(file: string): Promise<void> {
  const format = file.endsWith('.csv') ? 'csv' : 'text';
  const part = { index: 0, file, start: 0, end: 32 * MB, gzip: false, part: 0 };
  const task = (queries: QuerySpec[]) => runTask({ partition: part, scan: { format, options: {} }, queries });
  const partials: TaskResult[] = [];
  for (let k = 0; k < 8; k++) partials.push(await runTask({ partition: { ...part, index: k, start: k * MB, end: (k + 1) * MB }, scan: { format, options: {} }, queries: QUERIES }));
  const bench = new Bench({ time: 2000, iterations: 3 });
  bench
    .add(`parse 32 MiB ${format} partition (count only)`, async () => { await task([{ groupBy: [], aggs: [{ kind: 'count', name: 'n' }] }]); })
    .add(`parse + 4 aggregations, 32 MiB ${format}`, async () => { await task(QUERIES); })
    .add('merge 8 partials of 4 queries', () => {
      QUERIES.forEach((q, i) => {
        const m = new GroupMerger(q);
        for (const p of partials) m.add(p.queries[i] as never);
        m.toTable();
      });
    });
  await bench.run();
  console.log('\nmicro-benchmarks (tinybench)');
  console.table(bench.table());
}
