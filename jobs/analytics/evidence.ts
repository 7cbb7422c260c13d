/**
 * 'evidence': per group (the plan groups error lines by minute), the first N lines by time, ties
 * broken by content, and the first line of every service beyond them, kept as readable examples
 * (the services' first lines are the incidents' root-cause hints: the first error of a service that
 * started failing in a busy minute is often not among the minute's first N). Only what a line says decides, never where it
 * sits: the same line read from another file or offset (a partition boundary, a rotated file, a
 * follower resuming from a checkpoint) is the same candidate, so the sample is the same for any
 * partitioning, worker count, file naming or reading order. Time first keeps the earliest error
 * lines of a minute (the root-cause hint of incidents.csv reads them) and lets a full group skip a
 * later line without building its message.
 */
import type { Aggregate, MapColumn } from '../../engine/aggregate/aggregate.js';
import type { Batch } from '../../engine/batch.js';
import { LEVELS } from '../../engine/schema.js';

/** One example line: its content only (no file or offset, which a rotation changes). */
export interface EvidenceRow {
  timestamp: number | null;
  level: string;
  service: string | null;
  message: string;
}

/** Longest message kept (UTF-16 units); lines are cut before any comparison. */
export const MAX_MESSAGE = 1000;

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Evidence order, a total order on content: timestamp (none last), level, service (none
 * first), message. Rows equal under it are the same text, so which of them is kept never shows.
 */
export function evidenceOrder(a: EvidenceRow, b: EvidenceRow): number {
  const ta = a.timestamp ?? Infinity;
  const tb = b.timestamp ?? Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.level !== b.level) return cmpStr(a.level, b.level);
  if (a.service !== b.service) return a.service === null ? -1 : b.service === null ? 1 : cmpStr(a.service, b.service);
  return cmpStr(a.message, b.message);
}

/**
 * The rows of `sorted` (in evidenceOrder) worth keeping: the first n, and the first row of each
 * service after them. A function of the rows' content alone, and a row it keeps from all rows it
 * also keeps from any subset holding it, so pruning partitions and then their merge keeps the
 * same rows as one pass over every line.
 */
export function pruneEvidence(sorted: readonly EvidenceRow[], n: number): EvidenceRow[] {
  const seen = new Set<string>();
  const out: EvidenceRow[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const first = r.service !== null && !seen.has(r.service);
    if (r.service !== null) seen.add(r.service);
    if (i < n || first) out.push(r);
  }
  return out;
}

/** Insert `row` into `kept` (sorted, pruned by pruneEvidence) when pruneEvidence would keep it. */
export function keepSmallest(kept: EvidenceRow[], row: EvidenceRow, n: number): void {
  let at = kept.length;
  while (at > 0 && evidenceOrder(row, kept[at - 1]!) < 0) at--;
  // past the first n, only as the first of its service
  if (at >= n && (row.service === null || kept.some((r, k) => k < at && r.service === row.service))) return;
  kept.splice(at, 0, row);
  if (kept.length > n) {
    const pruned = pruneEvidence(kept, n);
    kept.length = 0;
    kept.push(...pruned);
  }
}

const perGroup = (params: Record<string, unknown> | undefined): number => Number(params?.n ?? 5);

/** Per group, the `n` smallest rows in evidenceOrder and the first row of every service (pruneEvidence). */
export const evidence: Aggregate<EvidenceRow[]> = {
  kind: 'evidence',
  input: 'row',
  rowFields: ['timestamp', 'level', 'service', 'message'],
  map(spec): MapColumn {
    const n = perGroup(spec.params);
    const rows: EvidenceRow[][] = [];
    return {
      init: (k) => { while (rows.length < k) rows.push([]); },
      update: (g, _v, b?: Batch, i?: number) => {
        if (!b || i === undefined || n <= 0) return;
        const kept = rows[g]!;
        const raw = b.timestamp[i]!;
        const ts = raw === raw ? raw : null;
        const svc = b.service[i]!;
        const service = svc >= 0 ? b.dicts.service.values[svc]! : null;
        // a full group skips a later line of a service it holds an earlier line of without
        // building its message (most lines of a busy minute)
        const t = ts ?? Infinity;
        if (kept.length >= n && t > (kept[n - 1]!.timestamp ?? Infinity)
          && (service === null || kept.some((r) => r.service === service && (r.timestamp ?? Infinity) < t))) return;
        keepSmallest(kept, {
          timestamp: ts, level: LEVELS[b.level[i]!]!, service, message: (b.message(i) ?? '').slice(0, MAX_MESSAGE),
        }, n);
      },
      encode: (k) => rows.slice(0, k),
    };
  },
  decode: (enc, g) => (enc as EvidenceRow[][])[g]!,
  merge: (a, b, spec) => pruneEvidence([...a, ...b].sort(evidenceOrder), perGroup(spec.params)),
  finish: (r) => JSON.stringify(r),
  outputType: () => 'json',
  save: (r) => r,
  // checkpoints written before rows lost their file and offset: drop those fields, restore the order
  restore: (x) => (x as EvidenceRow[]).map((r) => ({ timestamp: r.timestamp, level: r.level, service: r.service, message: r.message })).sort(evidenceOrder),
};
