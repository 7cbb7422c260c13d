/**
 * The merged results of the job's one pass, as plain typed data: what the reports,
 * the detectors and the summary read. Built from the engine's group mergers.
 */
import { DDSketch } from '@datadog/sketches-js';
import { getAggregate } from '../../engine/aggregate/registry.js';
import { fsumMerge, fsumValue } from '../../engine/aggregate/fsum.js';
import type { GroupMerger } from '../../engine/merge.js';
import type { Scalar } from '../../engine/expr.js';
import type { JobPlan, StandardQuery } from './plan.js';
import type { EvidenceRow } from './evidence.js';
import type { SampleRow } from '../detect/lines/sample.js';
import type { LineFindings } from '../detect/lines/findings.js';

export interface MinuteRow { minute: number; total: number; errors: number; rtMean: number | null; rtP95: number | null; ips: number }
export interface MinuteServiceRow { minute: number; service: string | null; total: number; errors: number; critical: number; rtMean: number | null }
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
  minuteLevelService: MinuteLevelServiceRow[];
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
  const qAgg = getAggregate('quantile');
  const spec = { kind: 'quantile', name: 'q' };
  let sum: unknown = null;
  let sketch: unknown = null;
  for (const e of service.entries()) {
    // aggregations: total, errors, rt_mean, rt_p95 (its sketch is shared with rt_p99), ...
    const s = cloneSum(service.stateOf(e, 2) as { parts: number[]; n: number });
    sum = sum === null ? s : sumAgg.merge(sum, s, spec);
    const own = service.stateOf(e, 3) as DDSketch;
    const k = DDSketch.fromProto(own.toProto());
    k.min = own.min;
    k.max = own.max;
    sketch = sketch === null ? k : qAgg.merge(sketch, k, spec);
  }
  const mean = sum === null ? null : sumAgg.finish(sum, spec);
  if (mean === null || sketch === null || (sketch as DDSketch).count === 0) return { latency: null, sketch: null };
  const at = (q: number): number => Number(qAgg.finish(sketch, { ...spec, params: { q } }));
  return { latency: { mean: Number(mean), p50: at(0.5), p95: at(0.95), p99: at(0.99) }, sketch: sketch as DDSketch };
}

function cloneSum(s: { parts: number[]; n: number }): { parts: number[]; n: number } {
  return { parts: [...s.parts], n: s.n };
}

/** One cell of the minute x level x service grouping. */
export interface MinuteLevelServiceRow {
  minute: number; level: string; service: string | null; count: number; rtSum: number; rtCount: number; okCount: number; statusCount: number;
}

/** Minute x level and minute x service, summed exactly from the minute x level x service cells. */
function fromMinuteLevelService(merger: GroupMerger, levels: JobPlan['levels']): {
  cells: MinuteLevelServiceRow[]; minuteLevels: JobResults['minuteLevels']; minuteServices: MinuteServiceRow[];
} {
  const errors = new Set(levels.error);
  const critical = new Set(levels.critical);
  const cells: MinuteLevelServiceRow[] = [];
  const byMinuteLevel = new Map<string, { minute: number; level: string; count: number }>();
  const byMinuteService = new Map<string, { row: MinuteServiceRow; sum: { parts: number[]; n: number } }>();
  for (const e of merger.entries()) {
    if (e.keys[0] === null) continue;
    const minute = num(e.keys[0]!);
    const level = String(e.keys[1]);
    const service = str(e.keys[2]!);
    const n = merger.stateOf(e, 0) as number;
    const sum = merger.stateOf(e, 1) as { parts: number[]; n: number };
    cells.push({ minute, level, service, count: n, rtSum: fsumValue(sum.parts), rtCount: sum.n, okCount: merger.stateOf(e, 2) as number, statusCount: merger.stateOf(e, 3) as number });
    const ml = `${minute}|${level}`;
    const a = byMinuteLevel.get(ml);
    if (a) a.count += n; else byMinuteLevel.set(ml, { minute, level, count: n });
    const ms = `${minute}|${service}`;
    let b = byMinuteService.get(ms);
    if (!b) byMinuteService.set(ms, (b = { row: { minute, service, total: 0, errors: 0, critical: 0, rtMean: null }, sum: { parts: [], n: 0 } }));
    b.row.total += n;
    if (errors.has(level)) b.row.errors += n;
    if (critical.has(level)) b.row.critical += n;
    fsumMerge(b.sum.parts, sum.parts);
    b.sum.n += sum.n;
  }
  const byKey = <T extends { minute: number }>(x: T, y: T, k: (t: T) => string): number => x.minute - y.minute || (k(x) < k(y) ? -1 : k(x) > k(y) ? 1 : 0);
  const minuteServices = [...byMinuteService.values()].map(({ row, sum }) => ({ ...row, rtMean: sum.n > 0 ? fsumValue(sum.parts) / sum.n : null }));
  minuteServices.sort((x, y) => byKey(x, y, (t) => t.service ?? '\uffff'));
  const minuteLevels = [...byMinuteLevel.values()].sort((x, y) => byKey(x, y, (t) => t.level));
  cells.sort((x, y) => x.minute - y.minute || (x.level < y.level ? -1 : x.level > y.level ? 1 : 0) || ((x.service ?? '\uffff') < (y.service ?? '\uffff') ? -1 : (x.service ?? '\uffff') > (y.service ?? '\uffff') ? 1 : 0));
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
  };
}

function lineFindingsOf(merger: GroupMerger): LineFindings {
  const e = [...merger.entries()][0];
  return e ? (merger.stateOf(e, 0) as LineFindings) : { rows: [], total: 0, types: {}, spans: [] };
}

function lineSampleOf(merger: GroupMerger): SampleRow[] {
  const e = [...merger.entries()][0];
  return e ? (merger.stateOf(e, 0) as SampleRow[]) : [];
}
