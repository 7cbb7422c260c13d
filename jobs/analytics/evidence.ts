/**
 * 'evidence': per group, the first N rows in file order (smallest file, then byte offset), kept
 * as readable examples. Keeping the smallest positions, not the first to arrive, makes the
 * sample the same whatever the partitioning.
 */
import type { Aggregate, MapColumn } from '../../engine/aggregate/aggregate.js';
import type { Batch } from '../../engine/batch.js';
import { LEVELS } from '../../engine/schema.js';

export interface EvidenceRow {
  file: string;
  offset: number;
  timestamp: number | null;
  level: string;
  service: string | null;
  message: string;
}

const MAX_MESSAGE = 1000;

function before(a: EvidenceRow, b: EvidenceRow): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.offset - b.offset;
}

/** The first `n` rows of each group. */
export const evidence: Aggregate<EvidenceRow[]> = {
  kind: 'evidence',
  input: 'row',
  map(spec): MapColumn {
    const n = Number(spec.params?.n ?? 5);
    const rows: EvidenceRow[][] = [];
    return {
      init: (k) => { while (rows.length < k) rows.push([]); },
      update: (g, _v, b?: Batch, i?: number) => {
        const kept = rows[g]!;
        // rows arrive in file order within a partition: the first n are this partition's smallest
        if (kept.length >= n || !b || i === undefined) return;
        const svc = b.service[i]!;
        const ts = b.timestamp[i]!;
        kept.push({
          file: b.file, offset: b.offset[i]!, timestamp: ts === ts ? ts : null, level: LEVELS[b.level[i]!]!,
          service: svc >= 0 ? b.dicts.service.values[svc]! : null, message: (b.message(i) ?? '').slice(0, MAX_MESSAGE),
        });
      },
      encode: (k) => rows.slice(0, k),
    };
  },
  decode: (enc, g) => (enc as EvidenceRow[][])[g]!,
  merge: (a, b, spec) => [...a, ...b].sort(before).slice(0, Number(spec.params?.n ?? 5)),
  finish: (r) => JSON.stringify(r),
  outputType: () => 'json',
  save: (r) => r,
  restore: (x) => x as EvidenceRow[],
};
