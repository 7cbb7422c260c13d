/**
 * File names inside merged data. The only state that names a file is the evidence sample
 * (example lines, kept as the first N in (file, offset) order), plus malformed-line samples.
 * When a file is renamed after its lines were merged, its rows take the new name and are
 * re-sorted, so the sample is the one a batch run over the renamed files would keep: within
 * one file the kept rows are always its smallest offsets, whatever the names around them.
 */
import type { GroupMerger } from '../../engine/merge.js';
import type { GroupPartial, QueryPartial } from '../../engine/plan.js';
import type { Scalar } from '../../engine/expr.js';
import type { EvidenceRow } from '../analytics/evidence.js';
import type { Sample } from './checkpoint.js';
import { relabelFindings, type LineFindings } from '../detect/lines/findings.js';

/** Evidence order: file, then offset (the same order as jobs/analytics/evidence.ts). */
function evidenceOrder(a: EvidenceRow, b: EvidenceRow): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.offset - b.offset;
}

/** Rename files in the merged evidence of `merger` (old name -> new, applied at once). */
export function relabelEvidence(merger: GroupMerger, names: ReadonlyMap<string, string>): void {
  for (const e of merger.entries()) {
    const rows = merger.stateOf(e, 0) as EvidenceRow[];
    let touched = false;
    for (const r of rows) {
      const to = names.get(r.file);
      if (to !== undefined) { r.file = to; touched = true; }
    }
    if (touched) rows.sort(evidenceOrder);
  }
}

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
 * file renamed away or deleted): give group keys and evidence rows the file's name.
 */
export function relabelPartials(queries: QueryPartial[], from: string, to: string, evidenceQuery: number, findingsQuery = -1): void {
  queries.forEach((q, k) => {
    if (q.kind !== 'group') return;
    const g: GroupPartial = q;
    for (const col of g.keys) for (let i = 0; i < col.length; i++) if (col[i] === from) col[i] = to as Scalar;
    if (k === evidenceQuery) for (const rows of g.aggs[0] as EvidenceRow[][]) for (const r of rows) if (r.file === from) r.file = to;
    if (k === findingsQuery) for (const f of g.aggs[0] as LineFindings[]) relabelFindings(f, new Map([[from, to]]));
  });
}

/** Rename files in the merged anomaly-report findings (rows and minute spans). */
export function relabelLineFindings(merger: GroupMerger, names: ReadonlyMap<string, string>): void {
  for (const e of merger.entries()) relabelFindings(merger.stateOf(e, 0) as LineFindings, names);
}
