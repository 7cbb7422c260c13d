/**
 * The line pass: the second pass over the bytes, which the anomaly report needs because a line's
 * features (its service's rolling error rate and latency) and the forest exist only once the first
 * pass has merged. Runs one query (the 'line_anomalies' aggregation) on the engine, then turns
 * each kept row's partition-local line into its line in the file: the partitions' physical line
 * counts come back with their results, so no extra read is needed.
 */
import type { Engine } from '../../../engine/index.js';
import type { ScanSpec, TaskResult } from '../../../engine/plan.js';
import type { Partition } from '../../../partitions/plan.js';
import type { LineAnomalies } from './anomalies.js';
import type { LineModelJSON } from './model.js';

export interface LinePassOptions {
  extensions: string[];
  /** Run these partitions (follow mode: every tracked file from its start) instead of planning the scan. */
  partitions?: Partition[];
  /** Score every line with the whole forest (no screen): the exact reference. */
  exact?: boolean;
  signal?: AbortSignal;
}

/** Maps (file, offset, partition-local line) to the 1-based line in the file. */
export class LineResolver {
  private readonly byFile = new Map<string, { start: number; base: number }[]>();

  constructor(parts: readonly Partition[], physicalLines: ReadonlyMap<number, number>) {
    const sorted = [...parts].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
    let base = 0;
    let file = '';
    for (const p of sorted) {
      if (p.file !== file) { file = p.file; base = 0; }
      let list = this.byFile.get(p.file);
      if (!list) this.byFile.set(p.file, (list = []));
      list.push({ start: p.start, base });
      base += physicalLines.get(p.index) ?? 0;
    }
  }

  /** A line starting at `offset` belongs to the last partition starting at or before it (Hadoop's rule). */
  resolve(file: string, offset: number, local: number): number {
    const list = this.byFile.get(file);
    if (!list) throw new Error(`line pass: no partition of ${file}`);
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (list[mid]!.start <= offset) lo = mid; else hi = mid - 1;
    }
    return list[lo]!.base + local + 1;
  }
}

/** Run the line pass of `model` over `scan`; rows come back with file line numbers. */
export async function runLinePass(engine: Engine, scan: ScanSpec, model: LineModelJSON, opts: LinePassOptions): Promise<LineAnomalies> {
  let parts: Partition[] = opts.partitions ?? [];
  const physical = new Map<number, number>();
  const res = await engine.execute(scan, [{
    groupBy: [],
    aggs: [{ kind: 'line_anomalies', name: 'anomalous_lines', params: { model: JSON.stringify(model), exact: opts.exact ?? false } }],
  }], {
    extensions: opts.extensions, partitions: opts.partitions, signal: opts.signal,
    onPlan: (p) => { parts = p; },
    onTaskResult: (r: TaskResult) => physical.set(r.partition, r.physicalLines),
  });
  const merger = res.mergers[0]!;
  const entry = [...merger.entries()][0];
  const state: LineAnomalies = entry ? (merger.stateOf(entry, 0) as LineAnomalies) : { rows: [], total: 0, types: {}, scored: 0, forestTop: [] };
  const resolver = new LineResolver(parts, physical);
  for (const r of state.rows) r.line = resolver.resolve(r.file, r.offset, r.line);
  return state;
}
