/**
 * 'line_anomalies': the map side of the anomaly report (the line pass). Every line is checked
 * against the line model: error level, pattern rules, new error template, slow response, and the
 * line-level isolation forest; an anomalous line is counted under each of its types, and the
 * `limit` best (by score, ties broken on content, then file and offset) are kept with their file,
 * byte offset and partition-local line (turned into a file line number on the main thread).
 *
 * The forest's shortcut (measured in the README): the first `screenTrees` trees score every line;
 * only lines whose partial score reaches the screen cut, and lines already anomalous for another
 * reason, are scored by the whole forest.
 */
import type { Aggregate, MapColumn } from '../../../engine/aggregate/aggregate.js';
import type { Batch } from '../../../engine/batch.js';
import { LEVELS } from '../../../engine/schema.js';
import { TemplateSet } from '../templates/mine.js';
import { CompiledForest } from './compiled.js';
import { ContextIndex, messageFeatures, N_FEATURES, serviceCode } from './features.js';
import type { LineModelJSON } from './model.js';

/** One kept line. `line` is partition-local (0-based) until resolved. */
export interface AnomalyLine {
  file: string;
  offset: number;
  line: number;
  timestamp: number | null;
  level: string;
  service: string | null;
  /** Types joined by ';' (ERROR_LEVEL, PATTERN:<rule>, NEW_TEMPLATE, SLOW_RESPONSE, ML_DETECTED). */
  type: string;
  score: number;
  /** The forest's score (-1 when the line was not scored by the whole forest). */
  forest: number;
  message: string;
}

export interface LineAnomalies {
  rows: AnomalyLine[];
  /** Anomalous lines (each once). */
  total: number;
  /** Lines per type (a line counts under each of its types). */
  types: Record<string, number>;
  /** Lines the whole forest scored. */
  scored: number;
  /** The best lines by forest score alone: [score, file, offset] (only with model.forestTop > 0). */
  forestTop: [number, string, number][];
}

const MAX_MESSAGE = 2000;

/** How sure each kind of finding is, as a score in 0..1 (the ML score is the forest's own). */
export const TYPE_SCORES = { patternCritical: 0.95, patternError: 0.9, patternOther: 0.8, critical: 0.9, error: 0.8, newTemplate: 0.85, slow: 0.7 } as const;

const cmpStr = (a: string | null, b: string | null): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

/** Report order, best first: score, forest score, then time, service, message, file, offset (a total order). */
export function rowOrder(a: AnomalyLine, b: AnomalyLine): number {
  return b.score - a.score || b.forest - a.forest || (a.timestamp ?? Infinity) - (b.timestamp ?? Infinity)
    || cmpStr(a.service, b.service) || cmpStr(a.message, b.message) || cmpStr(a.file, b.file) || a.offset - b.offset;
}

const topOrder = (a: [number, string, number], b: [number, string, number]): number => b[0] - a[0] || cmpStr(a[1], b[1]) || a[2] - b[2];

function bestFirst<T>(rows: T[], n: number, order: (a: T, b: T) => number): T[] {
  rows.sort(order);
  if (rows.length > n) rows.length = n;
  return rows;
}

/** A model parsed once per worker (tasks of one run share it). */
class Model {
  readonly index: ContextIndex;
  readonly forest: CompiledForest | null;
  readonly isError: Uint8Array;
  readonly isCritical: Uint8Array;
  readonly anyRule: RegExp[];
  readonly rules: { name: string; re: RegExp; score: number }[];
  readonly newSet: TemplateSet | null;
  readonly newIds: Set<number>;

  constructor(readonly m: LineModelJSON) {
    this.index = new ContextIndex(m.context);
    this.forest = m.forest ? new CompiledForest(m.forest) : null;
    this.isError = new Uint8Array(LEVELS.length);
    this.isCritical = new Uint8Array(LEVELS.length);
    for (const l of m.errorLevels) this.isError[l] = 1;
    for (const l of m.criticalLevels) this.isCritical[l] = 1;
    this.rules = m.rules.map((r) => ({
      name: `PATTERN:${r.name}`, re: new RegExp(r.pattern, r.flags),
      // a rule without a level reports the record's own (-1: decided per line)
      score: r.level < 0 ? -1 : this.patternScore(r.level),
    }));
    // one alternation per flag set: most lines match no rule, and one test says so
    this.anyRule = [];
    for (const flags of new Set(m.rules.map((r) => r.flags))) {
      const group = m.rules.filter((r) => r.flags === flags);
      try {
        this.anyRule.push(new RegExp(group.map((r) => `(?:${r.pattern})`).join('|'), flags));
      } catch {
        // patterns that cannot be joined (duplicate group names): test each one
        for (const r of group) this.anyRule.push(new RegExp(r.pattern, r.flags));
      }
    }
    this.newSet = m.newTemplates ? TemplateSet.fromJSON(m.newTemplates.set) : null;
    this.newIds = new Set(m.newTemplates?.ids ?? []);
  }

  /** Score of a pattern match reported at `level`. */
  patternScore(level: number): number {
    return this.isCritical[level] ? TYPE_SCORES.patternCritical : this.isError[level] ? TYPE_SCORES.patternError : TYPE_SCORES.patternOther;
  }
}

let cached: { key: string; model: Model } | null = null;
function modelOf(json: string): Model {
  if (cached?.key !== json) cached = { key: json, model: new Model(JSON.parse(json) as LineModelJSON) };
  return cached.model;
}

/** The line pass's aggregation (one group: the query has no group keys). */
export const lineAnomalies: Aggregate<LineAnomalies> = {
  kind: 'line_anomalies',
  input: 'row',
  map(spec): MapColumn {
    const model = modelOf(String(spec.params?.model));
    const m = model.m;
    const forest = model.forest;
    const exact = spec.params?.exact === true;
    const screen = exact || !forest ? 0 : m.screenTrees;
    const limit = m.limit;
    const state: LineAnomalies = { rows: [], total: 0, types: {}, scored: 0, forestTop: [] };
    const x = new Float64Array(N_FEATURES);
    const services = m.context.services;
    const codes: number[] = [];
    const since = m.newTemplates?.since ?? Infinity;
    // the worst row still kept once `rows` was last cut to `limit`: lines below it are skipped early
    let floor = Number.NEGATIVE_INFINITY;
    let floorForest = Number.NEGATIVE_INFINITY;
    let topFloor = Number.NEGATIVE_INFINITY;
    const types: string[] = [];
    const count = (t: string): void => { types.push(t); state.types[t] = (state.types[t] ?? 0) + 1; };
    return {
      init: () => {},
      update: (_g, _v, b?: Batch, i?: number) => {
        if (!b || i === undefined) return;
        const level = b.level[i]!;
        const ts0 = b.timestamp[i]!;
        const ts = ts0 === ts0 ? ts0 : null;
        const rt0 = b.response_time_ms[i]!;
        const rt = rt0 === rt0 ? rt0 : null;
        const dc = b.service[i]!;
        let svc = services.length;
        if (dc >= 0) {
          svc = codes[dc] ?? -1;
          if (svc < 0) svc = codes[dc] = serviceCode(services, b.dicts.service.values[dc]!);
        }
        const msg = b.message(i) ?? '';
        types.length = 0;
        let score = 0;
        if (model.isError[level]) {
          count('ERROR_LEVEL');
          score = model.isCritical[level] ? TYPE_SCORES.critical : TYPE_SCORES.error;
        }
        for (const any of model.anyRule) {
          if (!any.test(msg)) continue;
          for (const r of model.rules) {
            if (!r.re.test(msg) || types.includes(r.name)) continue;
            count(r.name);
            const rs = r.score >= 0 ? r.score : model.patternScore(level);
            if (rs > score) score = rs;
          }
          break;
        }
        if (model.newSet && model.isError[level] && ts !== null && ts >= since && model.newIds.has(model.newSet.assign(msg))) {
          count('NEW_TEMPLATE');
          if (TYPE_SCORES.newTemplate > score) score = TYPE_SCORES.newTemplate;
        }
        const slowAt = m.slow[svc]!;
        if (rt !== null && slowAt >= 0 && rt > slowAt) {
          count('SLOW_RESPONSE');
          if (TYPE_SCORES.slow > score) score = TYPE_SCORES.slow;
        }
        let s = -1;
        if (forest) {
          model.index.fill({ timestamp: ts, level, service: svc, rt }, x, 0);
          messageFeatures(msg, x, 7);
          const partial = screen > 0 ? forest.pathSum(x, 0, screen) : 0;
          if (types.length > 0 || screen === 0 || forest.scoreOf(partial, screen) >= m.screenCut) {
            s = forest.scoreOf(partial + forest.pathSum(x, screen, forest.trees), forest.trees);
            state.scored++;
            if (s >= m.mlCut) {
              count('ML_DETECTED');
              if (s > score) score = s;
            }
            if (m.forestTop > 0 && s >= topFloor) {
              state.forestTop.push([s, b.file, b.offset[i]!]);
              if (state.forestTop.length >= 2 * m.forestTop) topFloor = bestFirst(state.forestTop, m.forestTop, topOrder)[m.forestTop - 1]![0];
            }
          }
        }
        if (types.length === 0) return;
        state.total++;
        if (score < floor || (score === floor && s < floorForest)) return;
        const svcName = dc >= 0 ? b.dicts.service.values[dc]! : null;
        state.rows.push({
          file: b.file, offset: b.offset[i]!, line: b.line[i]!, timestamp: ts, level: LEVELS[level]!, service: svcName,
          type: types.join(';'), score, forest: s, message: msg.length > MAX_MESSAGE ? msg.slice(0, MAX_MESSAGE) : msg,
        });
        if (limit > 0 && state.rows.length >= 2 * limit) {
          const last = bestFirst(state.rows, limit, rowOrder)[limit - 1]!;
          floor = last.score;
          floorForest = last.forest;
        } else if (limit === 0) {
          state.rows.length = 0;
        }
      },
      encode: () => {
        bestFirst(state.rows, limit, rowOrder);
        bestFirst(state.forestTop, m.forestTop, topOrder);
        return [state];
      },
    };
  },
  decode: (enc) => (enc as LineAnomalies[])[0]!,
  merge(a, b, spec) {
    const m = modelOf(String(spec.params?.model)).m;
    const types = { ...a.types };
    for (const [t, n] of Object.entries(b.types)) types[t] = (types[t] ?? 0) + n;
    return {
      rows: bestFirst([...a.rows, ...b.rows], m.limit, rowOrder),
      total: a.total + b.total,
      types,
      scored: a.scored + b.scored,
      forestTop: bestFirst([...a.forestTop, ...b.forestTop], m.forestTop, topOrder),
    };
  },
  finish: (r) => r.total,
  outputType: () => 'int',
  save: (r) => r,
  restore: (x) => x as LineAnomalies,
};
