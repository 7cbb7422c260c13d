/**
 * File names inside merged data: malformed-line samples, and group keys a custom table may build
 * from a file name. (Evidence rows name no file: they are chosen by content and time, so a
 * rotation never changes them; see jobs/analytics/evidence.ts.) When a file is renamed after its
 * lines were merged, its samples take the new name and are re-sorted, as a batch run over the
 * renamed files would keep them.
 */
import type { GroupPartial, QueryPartial } from '../../engine/plan.js';
import type { Scalar } from '../../engine/expr.js';
import type { Sample } from './checkpoint.js';

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
export function relabelPartials(queries: QueryPartial[], from: string, to: string): void {
  for (const q of queries) {
    if (q.kind !== 'group') continue;
    const g: GroupPartial = q;
    for (const col of g.keys) for (let i = 0; i < col.length; i++) if (col[i] === from) col[i] = to as Scalar;
  }
}
