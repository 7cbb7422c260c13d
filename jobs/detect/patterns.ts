/**
 * Pattern hits (S3's pattern rules, `csv/pattern_hits.csv`): per rule of `detection.rules`, how
 * many lines it matched, when first and last, and an example line. The map side runs the rules
 * over every line's message in the workers; states merge by summing counts and keeping the
 * earliest example (by timestamp, then message), so the table does not depend on how the input
 * was cut. When the anomaly report is on, its line findings test the same rules on every line and
 * fill this state as they go (jobs/detect/lines/findings.ts): the rules run once per line either way.
 */
import type { Aggregate, MapColumn } from '../../engine/aggregate/aggregate.js';
import type { Batch } from '../../engine/batch.js';
import type { Config } from '../config/types.js';
import type { ReportTable } from '../report/table.js';
import { checkerOf } from './lines/rules.js';
import { earlier } from './templates/sketch.js';

/** Per rule (in the config's order): plain arrays, so the state travels and checkpoints as it is. */
export interface PatternHits {
  count: number[];
  /** Epoch ms of the first and last matching line with a timestamp (null: none had one). */
  first: (number | null)[];
  last: (number | null)[];
  /** The earliest matching line's message (by timestamp, lines without one after; then by text). */
  example: (string | null)[];
  exampleTs: (number | null)[];
}

const MAX_EXAMPLE = 500;

export function emptyHits(rules: number): PatternHits {
  return {
    count: new Array<number>(rules).fill(0), first: new Array<number | null>(rules).fill(null), last: new Array<number | null>(rules).fill(null),
    example: new Array<string | null>(rules).fill(null), exampleTs: new Array<number | null>(rules).fill(null),
  };
}

/** Whether the example (ts, msg) comes before (ts0, msg0), none being no example yet: the order the template sketch keeps its examples in. */
function before(ts: number | null, msg: string, ts0: number | null, msg0: string | null): boolean {
  return msg0 === null || earlier(ts ?? NaN, msg, ts0 ?? NaN, msg0);
}

/** Count one line matched by rule `r`; `ts` is epoch ms or null. */
export function addHit(h: PatternHits, r: number, ts: number | null, message: string): void {
  h.count[r]!++;
  if (ts !== null) {
    if (h.first[r] === null || ts < h.first[r]!) h.first[r] = ts;
    if (h.last[r] === null || ts > h.last[r]!) h.last[r] = ts;
  }
  const msg = message.length > MAX_EXAMPLE ? message.slice(0, MAX_EXAMPLE) : message;
  if (before(ts, msg, h.exampleTs[r]!, h.example[r]!)) {
    h.example[r] = msg;
    h.exampleTs[r] = ts;
  }
}

/** Count one line matched by each rule in `rules` (then emptied); `ts` is epoch ms, NaN for none. */
export function addHits(h: PatternHits, rules: number[], ts: number, message: string): void {
  for (const r of rules) addHit(h, r, ts === ts ? ts : null, message);
  rules.length = 0;
}

/** b's hits folded into a (same rules); the result does not depend on the order of merges. */
export function mergeHits(a: PatternHits, b: PatternHits): PatternHits {
  for (let r = 0; r < a.count.length; r++) {
    a.count[r]! += b.count[r]!;
    const f = b.first[r]!, l = b.last[r]!;
    if (f !== null && (a.first[r] === null || f < a.first[r]!)) a.first[r] = f;
    if (l !== null && (a.last[r] === null || l > a.last[r]!)) a.last[r] = l;
    if (b.example[r] !== null && before(b.exampleTs[r]!, b.example[r]!, a.exampleTs[r]!, a.example[r]!)) {
      a.example[r] = b.example[r]!;
      a.exampleTs[r] = b.exampleTs[r]!;
    }
  }
  return a;
}

/** 'pattern_hits': the rules over every line, when the anomaly report (which would run them too) is off. */
export const patternHitsAggregate: Aggregate<PatternHits> = {
  kind: 'pattern_hits',
  input: 'row',
  rowFields: ['timestamp', 'message'],
  map(spec): MapColumn {
    const checker = checkerOf(String(spec.params?.rules));
    const state = emptyHits(checker.ruleCount);
    const matched: number[] = [];
    let may = new Uint8Array(0);
    const row = (b: Batch, i: number): void => {
      const msg = b.message(i);
      if (msg === null) return;
      if (checker.matchRules(msg, matched) > 0) addHits(state, matched, b.timestamp[i]!, msg);
    };
    return {
      init: () => {},
      update: (_g, _v, b?: Batch, i?: number) => {
        // a string only for lines whose bytes hold one of the rules' keywords
        if (b && i !== undefined && checker.mayMatch(b, i)) row(b, i);
      },
      updateMany: (gids, n, _input, where, b) => {
        if (may.length < n) may = new Uint8Array(b.capacity);
        checker.mayMatchRows(b, n, gids, where, may);
        for (let i = 0; i < n; i++) if (may[i] !== 0) row(b, i);
      },
      encode: () => [state],
    };
  },
  decode: (enc) => (enc as PatternHits[])[0]!,
  merge: (a, b) => mergeHits(a, b),
  finish: (r) => r.count.reduce((x, y) => x + y, 0),
  outputType: () => 'int',
  save: (r) => r,
  restore: (x) => x as PatternHits,
};

/** csv/pattern_hits.csv: one row per configured rule, most hits first (then by name); empty with detection off. */
export function patternHitsTable(config: Config, hits: PatternHits | null): ReportTable {
  const rules = config.detection.rules;
  const rows = hits === null ? [] : rules.map((r, k) => ({ r, k })).sort((x, y) => hits.count[y.k]! - hits.count[x.k]! || (x.r.name < y.r.name ? -1 : 1))
    .map(({ r, k }) => [r.name, r.category, r.level ?? '', hits.count[k]!, hits.first[k]!, hits.last[k]!, hits.example[k]!]);
  return {
    name: 'pattern_hits',
    columns: [
      { name: 'rule', type: 'string' }, { name: 'category', type: 'string' }, { name: 'level', type: 'string' }, { name: 'count', type: 'int' },
      { name: 'first_seen', type: 'timestamp' }, { name: 'last_seen', type: 'timestamp' }, { name: 'example', type: 'string' },
    ],
    rows,
  };
}
