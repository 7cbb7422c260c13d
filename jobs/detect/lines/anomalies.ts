/**
 * 'line_anomalies': the line-level isolation forest's pass (the line pass). It reads the minute
 * spans of the candidate contexts only (or everything, `exact`), scores each line of a candidate
 * (minute, service) with the compiled forest, and flags it ML_DETECTED when its score reaches the
 * cut and would not in its service's usual context (see model.ts). Flagged lines also get the
 * model-free findings, so their row is complete; the best `limit` are kept.
 */
import type { Aggregate, MapColumn } from '../../../engine/aggregate/aggregate.js';
import type { Batch } from '../../../engine/batch.js';
import { LEVELS } from '../../../engine/schema.js';
import { CompiledForest } from './compiled.js';
import { ContextIndex, messageFeatures, N_FEATURES, serviceCode } from './features.js';
import type { LineModelJSON } from './model.js';
import { checkerOf } from './rules.js';
import { bestFirst, rowOrder, type AnomalyLine } from './rows.js';

export interface LineAnomalies {
  rows: AnomalyLine[];
  /** ML_DETECTED lines, and those of them with no other finding. */
  ml: number;
  mlOnly: number;
  /** Lines the forest scored. */
  scored: number;
  /** The best ML lines by forest score alone: [score, file, offset] (only with model.forestTop > 0). */
  forestTop: [number, string, number][];
}

const MAX_MESSAGE = 2000;
const MINUTE = 60_000;

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const topOrder = (a: [number, string, number], b: [number, string, number]): number => b[0] - a[0] || cmpStr(a[1], b[1]) || a[2] - b[2];

/** A model parsed once per worker (tasks of one run share it). */
class Model {
  readonly index: ContextIndex;
  readonly forest: CompiledForest;
  readonly candidates: Set<number>;
  constructor(readonly m: LineModelJSON) {
    this.index = new ContextIndex(m.context);
    this.forest = new CompiledForest(m.forest);
    this.candidates = new Set(m.candidates);
  }
}

let cached: { key: string; model: Model } | null = null;
function modelOf(json: string): Model {
  if (cached?.key !== json) cached = { key: json, model: new Model(JSON.parse(json) as LineModelJSON) };
  return cached.model;
}

export const lineAnomalies: Aggregate<LineAnomalies> = {
  kind: 'line_anomalies',
  // the default state key stringifies the params, which hold the whole model (hundreds of KB) and
  // were stringified again for every task of the line pass; one such aggregation per name
  stateKey: (spec) => `line_anomalies:${spec.name}`,
  input: 'row',
  map(spec): MapColumn {
    const model = modelOf(String(spec.params?.model));
    const checker = checkerOf(String(spec.params?.rules));
    const exact = spec.params?.exact === true;
    const { m, forest, index, candidates } = model;
    const state: LineAnomalies = { rows: [], ml: 0, mlOnly: 0, scored: 0, forestTop: [] };
    const x = new Float64Array(N_FEATURES);
    const services = m.context.services;
    const width = services.length + 1;
    const codes: number[] = [];
    const types: string[] = [];
    let floor = Number.NEGATIVE_INFINITY;
    let topFloor = Number.NEGATIVE_INFINITY;
    return {
      init: () => {},
      update: (_g, _v, b?: Batch, i?: number) => {
        if (!b || i === undefined) return;
        const ts = b.timestamp[i]!;
        if (ts !== ts) return; // no time, no context: the forest has nothing to say
        const dc = b.service[i]!;
        let svc = services.length;
        if (dc >= 0) {
          svc = codes[dc] ?? -1;
          if (svc < 0) svc = codes[dc] = serviceCode(services, b.dicts.service.values[dc]!);
        }
        if (!exact && !candidates.has(Math.floor(ts / MINUTE) * width + svc)) return;
        const level = b.level[i]!;
        const rt0 = b.response_time_ms[i]!;
        const rt = rt0 === rt0 ? rt0 : null;
        const msg = b.message(i) ?? '';
        index.fill({ timestamp: ts, level, service: svc, rt }, x, 0);
        messageFeatures(msg, x, 7);
        const s = forest.scoreAtLeast(x, m.cut);
        state.scored++;
        if (s < m.cut) return;
        // contextual: the moment must lift the score by m.lift over the same line in its service's usual context
        const err = x[4]!;
        const rtm = x[5]!;
        const u = m.usual[svc]!;
        x[4] = u[0];
        x[5] = u[1];
        const usual = forest.score(x);
        x[4] = err;
        x[5] = rtm;
        if (s - usual < m.lift) return;
        state.ml++;
        if (m.forestTop > 0 && s >= topFloor) {
          state.forestTop.push([s, b.file, b.offset[i]!]);
          if (state.forestTop.length >= 2 * m.forestTop) topFloor = bestFirst(state.forestTop, m.forestTop, topOrder)[m.forestTop - 1]![0];
        }
        types.length = 0;
        const keep = checker.check(level, msg, rt, types);
        if (types.length === 0) state.mlOnly++;
        types.push('ML_DETECTED');
        const score = 1 - keep * (1 - s);
        if (score < floor || m.limit === 0) return;
        state.rows.push({
          file: b.file, offset: b.offset[i]!, line: b.line[i]!, resolved: false, timestamp: ts, level: LEVELS[level]!,
          service: dc >= 0 ? b.dicts.service.values[dc]! : null, type: types.join(';'), score,
          message: msg.length > MAX_MESSAGE ? msg.slice(0, MAX_MESSAGE) : msg,
        });
        if (state.rows.length >= 2 * m.limit) floor = bestFirst(state.rows, m.limit, rowOrder)[m.limit - 1]!.score;
      },
      encode: () => {
        bestFirst(state.rows, m.limit, rowOrder);
        bestFirst(state.forestTop, m.forestTop, topOrder);
        return [state];
      },
    };
  },
  decode: (enc) => (enc as LineAnomalies[])[0]!,
  merge(a, b, spec) {
    const m = modelOf(String(spec.params?.model)).m;
    return {
      rows: bestFirst([...a.rows, ...b.rows], m.limit, rowOrder),
      ml: a.ml + b.ml,
      mlOnly: a.mlOnly + b.mlOnly,
      scored: a.scored + b.scored,
      forestTop: bestFirst([...a.forestTop, ...b.forestTop], m.forestTop, topOrder),
    };
  },
  finish: (r) => r.ml,
  outputType: () => 'int',
  save: (r) => r,
  restore: (x) => x as LineAnomalies,
};
