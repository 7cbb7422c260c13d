/**
 * 'line_findings': the anomaly report's share of the job's one pass. Every line is checked for the
 * findings that need no model (error level, pattern rules, slow response: jobs/detect/lines/rules.ts);
 * the lines with findings are counted per type and the best `limit` kept. Alongside, per file and
 * minute, the byte span of the minute's lines (first line's offset and line, last line's offset):
 * the line-level forest later reads only the spans of the minutes it has reason to look at.
 */
import type { Aggregate, MapColumn } from '../../../engine/aggregate/aggregate.js';
import type { Batch } from '../../../engine/batch.js';
import { LEVELS } from '../../../engine/schema.js';
import { checkerOf } from './rules.js';
import { addHits, emptyHits, mergeHits, type PatternHits } from '../patterns.js';
import { bestFirst, rowOrder, type AnomalyLine } from './rows.js';

/** The lines of one minute in one file: first line (offset, line), last line's offset. */
export interface MinuteSpan { file: string; minute: number; offset: number; line: number; resolved: boolean; last: number }

export interface LineFindings {
  rows: AnomalyLine[];
  /** Lines with at least one finding. */
  total: number;
  /** Lines per finding type. */
  types: Record<string, number>;
  spans: MinuteSpan[];
  /** Per rule, the lines it matched (params.patterns: the job's pattern_hits.csv, jobs/detect/patterns.ts). */
  patterns?: PatternHits;
}

const MAX_MESSAGE = 2000;
const MINUTE = 60_000;

export const emptyFindings = (): LineFindings => ({ rows: [], total: 0, types: {}, spans: [] });

function mergeSpans(a: MinuteSpan[], b: MinuteSpan[]): MinuteSpan[] {
  const by = new Map<string, MinuteSpan>();
  for (const s of [...a, ...b]) {
    const k = `${s.file}\u0000${s.minute}`;
    const cur = by.get(k);
    if (!cur) { by.set(k, { ...s }); continue; }
    if (s.offset < cur.offset) { cur.offset = s.offset; cur.line = s.line; cur.resolved = s.resolved; }
    if (s.last > cur.last) cur.last = s.last;
  }
  return [...by.values()].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.minute - y.minute));
}

/** Add b's counts into a. */
export function addTypes(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [t, n] of Object.entries(b)) out[t] = (out[t] ?? 0) + n;
  return out;
}

export const lineFindings: Aggregate<LineFindings> = {
  kind: 'line_findings',
  input: 'row',
  // what update reads (offset, line and file are the batch's own): the parser skips the rest
  rowFields: ['timestamp', 'level', 'service', 'response_time_ms', 'message'],
  map(spec): MapColumn {
    const checker = checkerOf(String(spec.params?.rules));
    const limit = Number(spec.params?.limit ?? 1000);
    const off = spec.params?.off === true;
    const state = emptyFindings();
    if (spec.params?.patterns === true) state.patterns = emptyHits(checker.ruleCount);
    const matched: number[] = [];
    const spans = new Map<number, MinuteSpan>();
    let span: MinuteSpan | null = null;
    // the limit-th best row kept so far: a line that sorts after it cannot make the report
    let cut: AnomalyLine | null = null;
    const types: string[] = [];
    let mayRows = new Uint8Array(0);
    /** One row; `may`: whether it may match a rule (RuleChecker.mayMatch). */
    const row = (b: Batch, i: number, may: boolean): void => {
      const ts = b.timestamp[i]!;
      const offset = b.offset[i]!;
      if (ts === ts) {
        const minute = Math.floor(ts / MINUTE) * MINUTE;
        // lines come in time order mostly: the previous line's minute is the usual hit
        if (span === null || span.minute !== minute) {
          span = spans.get(minute) ?? null;
          if (span === null) spans.set(minute, (span = { file: b.file, minute, offset, line: b.line[i]!, resolved: false, last: offset }));
        }
        if (offset > span.last) span.last = offset;
      }
      const level = b.level[i]!;
      const rt0 = b.response_time_ms[i]!;
      // a string only for lines that may match a rule (their bytes hold a rule's keyword) or are kept
      let msg = may ? b.message(i) ?? '' : null;
      if (types.length > 0) types.length = 0;
      const keep = checker.check(level, msg, rt0 === rt0 ? rt0 : null, types, matched);
      if (matched.length > 0) {
        if (state.patterns !== undefined) addHits(state.patterns, matched, ts, msg!);
        else matched.length = 0;
      }
      if (types.length === 0) return;
      state.total++;
      for (const t of types) state.types[t] = (state.types[t] ?? 0) + 1;
      const score = 1 - keep;
      if (limit === 0) return;
      // rowOrder's first two keys, before the row (and its message string) is built: most lines
      // with findings tie on score (ERROR_LEVEL alone), and a partition's lines come in time order
      if (cut !== null && (score < cut.score || (score === cut.score && (ts === ts ? ts : Infinity) > (cut.timestamp ?? Infinity)))) return;
      const svc = b.service[i]!;
      msg ??= b.message(i) ?? '';
      state.rows.push({
        file: b.file, offset, line: b.line[i]!, resolved: false, timestamp: ts === ts ? ts : null, level: LEVELS[level]!,
        service: svc >= 0 ? b.dicts.service.values[svc]! : null, type: types.join(';'), score,
        message: msg.length > MAX_MESSAGE ? msg.slice(0, MAX_MESSAGE) : msg,
      });
      if (state.rows.length >= 2 * limit) cut = bestFirst(state.rows, limit, rowOrder)[limit - 1]!;
    };
    return {
      init: () => {},
      update: (_g, _v, b?: Batch, i?: number) => {
        if (b && i !== undefined && !off) row(b, i, checker.mayMatch(b, i));
      },
      updateMany: (gids, n, _input, where, b) => {
        if (off) return;
        if (mayRows.length < n) mayRows = new Uint8Array(b.capacity);
        checker.mayMatchRows(b, n, gids, where, mayRows);
        for (let i = 0; i < n; i++) if (gids[i]! >= 0 && (where === null || where[i] !== 0)) row(b, i, mayRows[i] !== 0);
      },
      encode: () => {
        bestFirst(state.rows, limit, rowOrder);
        state.spans = [...spans.values()];
        return [state];
      },
    };
  },
  decode: (enc) => (enc as LineFindings[])[0]!,
  merge: (a, b, spec) => {
    // a side without them (a follower's checkpoint from before pattern_hits.csv) keeps the other's
    const patterns = a.patterns && b.patterns ? mergeHits(a.patterns, b.patterns) : a.patterns ?? b.patterns;
    return {
      rows: bestFirst([...a.rows, ...b.rows], Number(spec.params?.limit ?? 1000), rowOrder),
      total: a.total + b.total,
      types: addTypes(a.types, b.types),
      spans: mergeSpans(a.spans, b.spans),
      ...(patterns ? { patterns } : {}),
    };
  },
  finish: (r) => r.total,
  outputType: () => 'int',
  save: (r) => r,
  restore: (x) => x as LineFindings,
};

/** Make a task's findings file-absolute: its partition's first line is line `base` + 1 of the file (follow mode). */
export function resolvePartialFindings(encoded: unknown, base: number): void {
  for (const f of encoded as LineFindings[]) {
    for (const x of [...f.rows, ...f.spans]) {
      if (x.resolved) continue;
      x.line = base + x.line + 1;
      x.resolved = true;
    }
  }
}

/** Rename files in findings (old name -> new, at once), restoring their orders. */
export function relabelFindings(f: LineFindings, names: ReadonlyMap<string, string>): void {
  let touched = false;
  for (const x of [...f.rows, ...f.spans]) {
    const to = names.get(x.file);
    if (to !== undefined) { x.file = to; touched = true; }
  }
  if (!touched) return;
  f.rows.sort(rowOrder);
  f.spans = mergeSpans(f.spans, []);
}
