/**
 * File names inside merged data: malformed-line samples, and group keys a custom table may build
 * from a file name. (Evidence rows name no file: they are chosen by content and time, so a
 * rotation never changes them; see jobs/analytics/evidence.ts.) When a file is renamed after its
 * lines were merged, its samples take the new name and are re-sorted, as a batch run over the
 * renamed files would keep them.
 */
import type { GroupMerger } from '../../engine/merge.js';
import type { GroupPartial, QueryPartial } from '../../engine/plan.js';
import type { Scalar } from '../../engine/expr.js';
import type { Sample } from './checkpoint.js';
import { relabelFindings, type LineFindings } from '../detect/lines/findings.js';

/** Rename files in malformed-line samples and restore their (file, line) order. */
export function relabelSamples(samples: Sample[], names: ReadonlyMap<string, string>): void {
  for (const s of samples) s.file = names.get(s.file) ?? s.file;
  samples.sort(sampleOrder);
}

/** Malformed samples in file order, then line. */
export function sampleOrder(a: Sample, b: Sample): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

/**
 * A task's partials read through another path than the file's name (/proc/self/fd/N for a
 * file renamed away or deleted): give group keys the file's name.
 */
export function relabelPartials(queries: QueryPartial[], from: string, to: string, findingsQuery = -1): void {
  queries.forEach((q, k) => {
    if (q.kind !== 'group') return;
    const g: GroupPartial = q;
    for (const col of g.keys) for (let i = 0; i < col.length; i++) if (col[i] === from) col[i] = to as Scalar;
    if (k === findingsQuery) for (const f of g.aggs[0] as LineFindings[]) relabelFindings(f, new Map([[from, to]]));
  });
}

/** Rename files in the merged anomaly-report findings (rows and minute spans). */
export function relabelLineFindings(merger: GroupMerger, names: ReadonlyMap<string, string>): void {
  for (const e of merger.entries()) relabelFindings(merger.stateOf(e, 0) as LineFindings, names);
}
