/**
 * The line pass: the forest's pass over the bytes, which must follow the job's pass because a
 * line's features (its service's rolling error rate and latency) and the forest itself exist only
 * once that pass has merged. It reads only the byte spans of the minutes with candidate contexts
 * (the job's pass recorded each minute's span per file), cut into pieces for the workers; each
 * piece starts at a known line, so rows get their file line numbers without another read.
 */
import { existsSync } from 'node:fs';
import type { Engine } from '../../../engine/index.js';
import type { ScanSpec, TaskResult } from '../../../engine/plan.js';
import type { Partition } from '../../../partitions/plan.js';
import type { LineAnomalies } from './anomalies.js';
import type { MinuteSpan } from './findings.js';
import type { LineModelJSON } from './model.js';
import { LineResolver } from './rows.js';

const MINUTE = 60_000;
/** Largest piece of a span one task reads. */
const PIECE = 8 << 20;
/** Spans closer than this are read as one. */
const GAP = 1 << 20;

export interface LinePassOptions {
  extensions: string[];
  /** The model-free checks (RuleSpec as JSON), to complete flagged rows. */
  rules: string;
  /** Files read as one gzip stream (no byte ranges), with their sizes. */
  gzip?: ReadonlyMap<string, number>;
  /** Score every line of every file (no candidate spans): the exact reference. */
  exact?: boolean;
  signal?: AbortSignal;
}

type Piece = Partition & { firstLine?: number };

/** The pieces to read: the spans of candidate minutes, merged where they touch, cut at PIECE bytes. */
export function piecesOf(spans: readonly MinuteSpan[], model: LineModelJSON, gzip: ReadonlyMap<string, number>): Piece[] {
  const width = model.context.services.length + 1;
  const minutes = new Set(model.candidates.map((k) => Math.floor(k / width) * MINUTE));
  const byFile = new Map<string, MinuteSpan[]>();
  // a file gone since (follow mode: deleted after rotation) is left out rather than failing the report
  for (const s of spans) if (minutes.has(s.minute) && existsSync(s.file)) {
    const list = byFile.get(s.file);
    if (list) list.push(s); else byFile.set(s.file, [s]);
  }
  const pieces: Piece[] = [];
  for (const file of [...byFile.keys()].sort()) {
    if (gzip.has(file)) {
      pieces.push({ index: pieces.length, file, start: 0, end: gzip.get(file)!, gzip: true, part: 0, firstLine: 0 });
      continue;
    }
    const list = byFile.get(file)!.sort((a, b) => a.offset - b.offset);
    let part = 0;
    for (let k = 0; k < list.length;) {
      const first = list[k]!;
      let end = first.last + 1;
      // spans close together are read as one: the lines between cost less than a task of their own
      for (k++; k < list.length && list[k]!.offset <= end + GAP; k++) end = Math.max(end, list[k]!.last + 1);
      for (let start = first.offset; start < end; start += PIECE) {
        pieces.push({ index: pieces.length, file, start, end: Math.min(end, start + PIECE), gzip: false, part: part++, ...(start === first.offset ? { firstLine: first.line - 1 } : {}) });
      }
    }
  }
  return pieces;
}

/** Run the forest's line pass; rows come back with file line numbers. */
export async function runLinePass(engine: Engine, scan: ScanSpec, model: LineModelJSON, spans: readonly MinuteSpan[], opts: LinePassOptions): Promise<LineAnomalies> {
  const empty: LineAnomalies = { rows: [], ml: 0, mlOnly: 0, scored: 0, forestTop: [] };
  let parts: Piece[] = opts.exact ? [] : piecesOf(spans, model, opts.gzip ?? new Map());
  if (!opts.exact && parts.length === 0) return empty;
  const physical = new Map<number, number>();
  const res = await engine.execute(scan, [{
    groupBy: [],
    aggs: [{ kind: 'line_anomalies', name: 'ml_lines', params: { model: JSON.stringify(model), rules: opts.rules, exact: opts.exact ?? false } }],
  }], {
    extensions: opts.extensions, partitions: opts.exact ? undefined : parts, signal: opts.signal,
    onPlan: (p) => { if (opts.exact) parts = p; },
    onTaskResult: (r: TaskResult) => physical.set(r.partition, r.physicalLines),
  });
  const merger = res.mergers[0]!;
  const entry = [...merger.entries()][0];
  const state = entry ? (merger.stateOf(entry, 0) as LineAnomalies) : empty;
  const resolver = new LineResolver(parts, physical);
  for (const r of state.rows) resolver.resolve(r);
  return state;
}
