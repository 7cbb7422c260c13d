/**
 * 'evidence': per group, the first N rows by time (then content), kept as readable examples.
 * Keeping the smallest by a total order, not the first to arrive, makes the sample the same
 * whatever the partitioning, and whatever file a rotation moved the lines to.
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

/**
 * Evidence order: by timestamp (none last), then by content. Only what a line says decides, not
 * where it sits: after a rotation the same line lives in another file at another offset, and a
 * follower must keep the same examples as a batch run over the rotated files.
 */
function before(a: EvidenceRow, b: EvidenceRow): number {
  const ta = a.timestamp ?? Infinity;
  const tb = b.timestamp ?? Infinity;
  if (ta !== tb) return ta - tb;
  const ka = `${a.message}\u0000${a.service ?? ''}\u0000${a.level}`;
  const kb = `${b.message}\u0000${b.service ?? ''}\u0000${b.level}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
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
        if (!b || i === undefined) return;
        const ts = b.timestamp[i]!;
        // a full group skips a later row without building its message
        if (kept.length >= n && (ts !== ts ? Infinity : ts) > (kept[n - 1]!.timestamp ?? Infinity)) return;
        const svc = b.service[i]!;
        const row: EvidenceRow = {
          file: b.file, offset: b.offset[i]!, timestamp: ts === ts ? ts : null, level: LEVELS[b.level[i]!]!,
          service: svc >= 0 ? b.dicts.service.values[svc]! : null, message: (b.message(i) ?? '').slice(0, MAX_MESSAGE),
        };
        // keep the n smallest, sorted
        let at = kept.length;
        while (at > 0 && before(row, kept[at - 1]!) < 0) at--;
        if (at >= n) return;
        kept.splice(at, 0, row);
        if (kept.length > n) kept.pop();
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
