/**
 * The merged results of the job's one pass, as plain typed data: what the reports,
 * the detectors and the summary read. Built from the engine's group mergers.
 */
import type { DDSketch } from '@datadog/sketches-js';
import { getAggregate } from '../../engine/aggregate/registry.js';
import { mergeSketch, sketchOf, type QuantileState } from '../../engine/aggregate/quantile.js';
import { fsumMerge, fsumValue } from '../../engine/aggregate/fsum.js';
import type { GroupMerger } from '../../engine/merge.js';
import type { Scalar } from '../../engine/expr.js';
import type { JobPlan, StandardQuery } from './plan.js';
import type { EvidenceRow } from './evidence.js';
import type { SampleRow } from '../detect/lines/sample.js';
import type { LineFindings } from '../detect/lines/findings.js';
import type { PatternHits } from '../detect/patterns.js';

export interface MinuteRow { minute: number; total: number; errors: number; rtMean: number | null; rtP95: number | null; ips: number }
export interface MinuteServiceRow {
  minute: number; service: string | null; total: number; errors: number; critical: number; rtMean: number | null;
  /** The exact latency sum and count behind rtMean. */
  rtSum: number; rtCount: number;
}
export interface ServiceRow {
  service: string | null; total: number; errors: number; rtMean: number | null; rtP95: number | null; rtP99: number | null;
  withStatus: number; okStatus: number;
}
export interface KeyedCount { key: string | null; total: number; errors: number }

export interface JobResults {
  levels: Map<string, number>;
  minutes: MinuteRow[];
  minuteLevels: { minute: number; level: string; count: number }[];
  minuteServices: MinuteServiceRow[];
  /** Every non-empty minute x level x service cell (the dashboard filters on it). */
  minuteLevelService: MinuteLevelServiceCells;
  services: ServiceRow[];
  ips: KeyedCount[];
  endpoints: KeyedCount[];
  latency: { mean: number; p50: number; p95: number; p99: number } | null;
  /** The latency sketch over every record (merged from the per-service sketches), null without latencies. */
  latencySketch: DDSketch | null;
  /** Exact per-minute latency sums (fsum partials and counts), to re-bucket means by hour or day. */
  minuteLatencySums: Map<number, { parts: number[]; n: number }>;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  /** Merged state of the 'templates' aggregation (null when there were no error lines). */
  templates: unknown;
  evidence: Map<number, EvidenceRow[]>;
  /** Finished rows of each custom aggregation, keyed by name. */
  custom: Map<string, Scalar[][]>;
  /** The line forest's training sample (jobs/detect/lines/sample.ts); empty when the plan has none. */
  lineSample?: SampleRow[];
  /** The anomaly report's model-free findings and minute spans (jobs/detect/lines/findings.ts); absent when the plan has none. */
  lineFindings?: LineFindings;
  /** Per pattern rule, the lines it matched (pattern_hits.csv); null with detection off. */
  patternHits?: PatternHits | null;
}

const num = (v: Scalar): number => (typeof v === 'number' ? v : Number(v ?? 0));
const numOrNull = (v: Scalar): number | null => (v === null ? null : num(v));
const str = (v: Scalar): string | null => (v === null ? null : String(v));

/**
 * Latency over all records, merged from the per-service states: sketches and exact sums merge
 * without loss, so this equals one sketch over every row (null-service rows are a group too).
 */
function overallLatency(service: GroupMerger): { latency: JobResults['latency']; sketch: DDSketch | null } {
  const sumAgg = getAggregate('mean');
  const spec = { kind: 'mean', name: 'rt_mean' };
  let sum: unknown = null;
  let sketch: DDSketch | null = null;
  for (const e of service.entries()) {
    // aggregations: total, errors, rt_mean, rt_p95 (its sketch is shared with rt_p99), ...
    const s = cloneSum(service.stateOf(e, 2) as { parts: number[]; n: number });
    sum = sum === null ? s : sumAgg.merge(sum, s, spec);
    const own = service.stateOf(e, 3) as QuantileState;
    if (own === null) continue;
    if (sketch === null) sketch = sketchOf(own);
    else mergeSketch(sketch, sketchOf(own));
  }
  const mean = sum === null ? null : sumAgg.finish(sum, spec);
  if (mean === null || sketch === null || sketch.count === 0) return { latency: null, sketch: null };
  const merged = sketch;
  const at = (q: number): number => merged.getValueAtQuantile(q);
  return { latency: { mean: Number(mean), p50: at(0.5), p95: at(0.95), p99: at(0.99) }, sketch: merged };
}

function cloneSum(s: { parts: number[]; n: number }): { parts: number[]; n: number } {
  return { parts: [...s.parts], n: s.n };
}

/**
 * Every non-empty minute x level x service cell, sorted by minute, level, service, as columns.
 * There are ~80k cells on a two-day log: as one object per cell (six boxed numbers each) they
 * were the largest part of the results' heap (~15 MB of 42) while the anomaly report's line pass
 * runs; as typed arrays they take about 5 MB (64 bytes a cell).
 */
export class MinuteLevelServiceCells {
  constructor(
    readonly length: number,
    readonly minute: Float64Array,
    /** Index into levelNames (sorted). */
    readonly levelCode: Int32Array,
    /** Index into serviceNames (sorted, null last). */
    readonly serviceCode: Int32Array,
    readonly count: Float64Array,
    readonly rtSum: Float64Array,
    readonly rtCount: Float64Array,
    readonly okCount: Float64Array,
    readonly statusCount: Float64Array,
    readonly levelNames: readonly string[],
    readonly serviceNames: readonly (string | null)[],
  ) {}

  static empty(): MinuteLevelServiceCells {
    const f = new Float64Array(0);
    const i = new Int32Array(0);
    return new MinuteLevelServiceCells(0, f, i, i, f, f, f, f, f, [], []);
  }

  level(i: number): string {
    return this.levelNames[this.levelCode[i]!]!;
  }

  service(i: number): string | null {
    return this.serviceNames[this.serviceCode[i]!] ?? null;
  }
}

/**
 * The minute x level x service cells, and minute x level and minute x service summed exactly
 * from them. The cells are sorted once (by minute, level, service, on integer ranks) and both
 * roll-ups are read off in one pass over them: no string keys and no object per cell.
 */
function fromMinuteLevelService(merger: GroupMerger, levels: JobPlan['levels']): {
  cells: MinuteLevelServiceCells; minuteLevels: JobResults['minuteLevels']; minuteServices: MinuteServiceRow[];
} {
  // the cells in merge order, in one pass over the merged groups
  const size = merger.size;
  const minute = new Float64Array(size);
  const count = new Float64Array(size);
  const ok = new Float64Array(size);
  const status = new Float64Array(size);
  const sums: { parts: number[]; n: number }[] = new Array(size);
  const levelOf: string[] = [];
  const serviceOf: (string | null)[] = [];
  let n = 0;
  for (const e of merger.entries()) {
    if (e.keys[0] === null) continue;
    minute[n] = num(e.keys[0]!);
    levelOf.push(String(e.keys[1]));
    serviceOf.push(str(e.keys[2]!));
    count[n] = merger.stateOf(e, 0) as number;
    sums[n] = merger.stateOf(e, 1) as { parts: number[]; n: number };
    ok[n] = merger.stateOf(e, 2) as number;
    status[n] = merger.stateOf(e, 3) as number;
    n++;
  }
  // level and service codes are their names' ranks
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  const levelNames = [...new Set(levelOf)].sort(cmp);
  const serviceNames = [...new Set(serviceOf)].sort((x, y) => cmp(x ?? '\uffff', y ?? '\uffff'));
  const levelRank = new Map(levelNames.map((l, i) => [l, i]));
  const serviceRank = new Map(serviceNames.map((v, i) => [v, i]));
  const lr = Int32Array.from(levelOf, (l) => levelRank.get(l)!);
  const sr = Int32Array.from(serviceOf, (v) => serviceRank.get(v)!);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => minute[x]! - minute[y]! || lr[x]! - lr[y]! || sr[x]! - sr[y]!);
  const cells = new MinuteLevelServiceCells(
    n, new Float64Array(n), new Int32Array(n), new Int32Array(n), new Float64Array(n), new Float64Array(n),
    new Float64Array(n), new Float64Array(n), new Float64Array(n), levelNames, serviceNames,
  );

  const isError = levelNames.map((l) => levels.error.includes(l));
  const isCritical = levelNames.map((l) => levels.critical.includes(l));
  const minuteLevels: JobResults['minuteLevels'] = [];
  const minuteServices: MinuteServiceRow[] = [];
  // one minute's services, by rank: filled while the minute's cells go by, emitted when it ends
  const acc: ({ row: MinuteServiceRow; parts: number[] } | undefined)[] = new Array(serviceNames.length);
  const flush = (): void => {
    for (let j = 0; j < acc.length; j++) {
      const a = acc[j];
      if (!a) continue;
      a.row.rtSum = fsumValue(a.parts);
      a.row.rtMean = a.row.rtCount > 0 ? a.row.rtSum / a.row.rtCount : null;
      minuteServices.push(a.row);
      acc[j] = undefined;
    }
  };
  let lastLevel: { minute: number; level: string; count: number } | null = null;
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    const m = minute[i]!;
    const level = lr[i]!;
    const c = count[i]!;
    const sum = sums[i]!;
    cells.minute[j] = m;
    cells.levelCode[j] = level;
    cells.serviceCode[j] = sr[i]!;
    cells.count[j] = c;
    cells.rtSum[j] = fsumValue(sum.parts);
    cells.rtCount[j] = sum.n;
    cells.okCount[j] = ok[i]!;
    cells.statusCount[j] = status[i]!;
    if (lastLevel === null || lastLevel.minute !== m) {
      flush();
      lastLevel = null;
    }
    if (lastLevel !== null && lastLevel.level === levelNames[level]) lastLevel.count += c;
    else minuteLevels.push((lastLevel = { minute: m, level: levelNames[level]!, count: c }));
    let a = acc[sr[i]!];
    if (!a) {
      acc[sr[i]!] = a = { row: { minute: m, service: serviceNames[sr[i]!] ?? null, total: 0, errors: 0, critical: 0, rtMean: null, rtSum: 0, rtCount: 0 }, parts: [] };
    }
    a.row.total += c;
    if (isError[level]) a.row.errors += c;
    if (isCritical[level]) a.row.critical += c;
    fsumMerge(a.parts, sum.parts);
    a.row.rtCount += sum.n;
  }
  flush();
  return { cells, minuteLevels, minuteServices };
}

/** Collect the merged results of a run of `plan`. */
export function collectResults(plan: JobPlan, mergers: (GroupMerger | null)[]): JobResults {
  const m = (k: StandardQuery): GroupMerger => mergers[plan.index[k]]!;
  const planned = (k: StandardQuery): boolean => plan.index[k] >= 0;
  const rows = (k: StandardQuery): Scalar[][] => m(k).rows();
  const overall = rows('overall')[0];
  const minutes = rows('minute').filter((r) => r[0] !== null);
  const templatesEntry = planned('templates') ? [...m('templates').entries()][0] : undefined;
  const templatesState = templatesEntry ? m('templates').stateOf(templatesEntry, 0) : null;
  const evidence = new Map<number, EvidenceRow[]>();
  if (planned('evidence')) for (const e of m('evidence').entries()) if (e.keys[0] !== null) evidence.set(num(e.keys[0]!), m('evidence').stateOf(e, 0) as EvidenceRow[]);
  const custom = new Map<string, Scalar[][]>();
  for (const [name, idx] of Object.entries(plan.custom)) custom.set(name, mergers[idx]!.rows());
  const { latency, sketch: latencySketch } = overallLatency(m('service'));
  const derived = fromMinuteLevelService(m('minuteLevelService'), plan.levels);
  const minuteLatencySums = new Map<number, { parts: number[]; n: number }>();
  for (const e of m('minute').entries()) if (e.keys[0] !== null) minuteLatencySums.set(num(e.keys[0]!), m('minute').stateOf(e, 2) as { parts: number[]; n: number });
  return {
    levels: new Map(rows('levels').map((r) => [String(r[0]), num(r[1]!)])),
    minutes: minutes.map((r) => ({ minute: num(r[0]!), total: num(r[1]!), errors: num(r[2]!), rtMean: numOrNull(r[3]!), rtP95: numOrNull(r[4]!), ips: num(r[5]!) })),
    minuteLevels: derived.minuteLevels,
    minuteServices: derived.minuteServices,
    minuteLevelService: derived.cells,
    services: rows('service').map((r) => ({
      service: str(r[0]!), total: num(r[1]!), errors: num(r[2]!), rtMean: numOrNull(r[3]!), rtP95: numOrNull(r[4]!), rtP99: numOrNull(r[5]!),
      withStatus: num(r[6]!), okStatus: num(r[7]!),
    })),
    ips: rows('ip').map((r) => ({ key: str(r[0]!), total: num(r[1]!), errors: num(r[2]!) })),
    endpoints: rows('endpoint').map((r) => ({ key: str(r[0]!), total: num(r[1]!), errors: num(r[2]!) })),
    latency,
    latencySketch,
    minuteLatencySums,
    firstTimestamp: overall ? numOrNull(overall[0]!) : null,
    lastTimestamp: overall ? numOrNull(overall[1]!) : null,
    templates: templatesState,
    evidence,
    custom,
    lineSample: planned('lineSample') ? lineSampleOf(m('lineSample')) : [],
    lineFindings: planned('lineFindings') ? lineFindingsOf(m('lineFindings')) : { rows: [], total: 0, types: {}, spans: [] },
    patternHits: patternHitsOf(plan, mergers),
  };
}

/** The rules' hits: from the anomaly report's line findings when it ran (it tests the rules), else from their own query. */
function patternHitsOf(plan: JobPlan, mergers: (GroupMerger | null)[]): PatternHits | null {
  if (plan.index.lineFindings >= 0) return lineFindingsOf(mergers[plan.index.lineFindings]!).patterns ?? null;
  if (plan.index.patternHits < 0) return null;
  const merger = mergers[plan.index.patternHits]!;
  const e = [...merger.entries()][0];
  return e ? (merger.stateOf(e, 0) as PatternHits) : null;
}

function lineFindingsOf(merger: GroupMerger): LineFindings {
  const e = [...merger.entries()][0];
  return e ? (merger.stateOf(e, 0) as LineFindings) : { rows: [], total: 0, types: {}, spans: [] };
}

function lineSampleOf(merger: GroupMerger): SampleRow[] {
  const e = [...merger.entries()][0];
  return e ? (merger.stateOf(e, 0) as SampleRow[]) : [];
}
