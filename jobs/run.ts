/**
 * The log-analytics job: one pass of the engine over the inputs (every report's map side),
 * then mining, detection and the report set, written atomically.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Int32, Int64, Table, makeData, makeVector, tableToIPC, type Vector } from 'apache-arrow';
import { Engine, LazyFrame, type ExecuteResult, type ScanStats } from '../engine/index.js';
import { int64Values } from '../engine/arrow.js';
import type { ScanSpec } from '../engine/plan.js';
import type { Partition } from '../partitions/plan.js';
import type { Progress } from '../engine/scheduler.js';
import { LEVELS } from '../engine/schema.js';
import type { Config } from './config/types.js';
import { toFormatOptions } from './config/format-options.js';
import { buildPlan, type JobPlan } from './analytics/plan.js';
import { collectGarbage } from '../engine/memory.js';
import { anomalyReportOn } from './detect/lines/rules-config.js';
import { collectResults, type JobResults } from './analytics/results.js';
import { rate, severityTable, standardTables, type ErrorType } from './analytics/tables.js';
import { customTables } from './analytics/custom.js';
import { errorCorrelationsTable } from './analytics/correlations.js';
import { recommendations, type Recommendation } from './analytics/recommend.js';
import { activityHeatmap, levelsOverTime, minuteLevelServiceTable, responseTimeHistogram, trend } from './analytics/s4.js';
import { mineTemplates } from './detect/templates/mine.js';
import type { TemplateSketch } from './detect/templates/sketch.js';
import type { TemplateSet } from './detect/templates/mine.js';
import { errorTypes, newSince, templateCounts, templatesTable } from './detect/templates/report.js';
import type { ReportTable } from './report/table.js';
import { writeFileAtomic, removeStaleTemps } from './report/atomic.js';
import { inParallel, writeJsonFile, writeReport } from './report/write.js';
import './analytics/extensions.js';
import { detect, type AnomalyRow, type Detection } from './detect/index.js';
import { anomaliesTable, forestScoresTable, incidentsTable, newErrorTypes, newErrorTypesTable, topAnomaliesTable } from './analytics/detection-tables.js';
import { alertCandidates, checkAlertEnv, createAlerting, horizonOf } from './alerts/index.js';
import { patternHitsTable } from './detect/patterns.js';
import { anomalyReport, anomalyReportTable, typeBreakdown, type AnomalyReport } from './detect/lines/report.js';
import { LineResolver } from './detect/lines/rows.js';

export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  handleSigint?: boolean;
}

export interface Summary {
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  errors: number;
  critical: number;
  error_rate: number;
  levels: Record<string, number>;
  first_timestamp: string | null;
  last_timestamp: string | null;
  response_time_ms: { mean: number; p50: number; p95: number; p99: number } | null;
  /** Null when no line was parsed (nothing to judge). */
  health_score: number | null;
  health_status: string | null;
  /** IMPROVING / STABLE / DEGRADING: the slope of the daily error rate (see jobs/analytics/s4.ts). */
  trend: string;
  /** Error types first seen within detection.templates.new_window of the end of the data. */
  new_error_types: number;
  /** What to look at first, and why (S4), most urgent first (jobs/analytics/recommend.ts). */
  recommendations: Recommendation[];
  anomalies: number;
  incidents: number;
  alerts: number;
  /** Anomalous lines (csv/anomaly_report.csv keeps the best output.anomaly_report_limit); null when detection.lines is off. */
  anomalous_lines: number | null;
  /** Anomalous lines per type (a line counts under each of its types), most first. */
  anomaly_types: Record<string, number>;
  input: { files: number; bytes: number };
  workers: number;
  partitions: number;
  elapsed_ms: number;
  lines_per_sec: number;
  bytes_per_sec: number;
}

export interface JobOutcome {
  summary: Summary;
  outDir: string;
  results: JobResults;
  tables: ReportTable[];
  errorTypes: ErrorType[];
  stats: ScanStats;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const mined = new WeakMap<JobResults, { set: TemplateSet | null; types: ErrorType[] }>();

/** Templates mined from the merged sketch of error lines, and the error types they define (mined once per results). */
export function errorTypesOf(results: JobResults, config: Config): { set: TemplateSet | null; types: ErrorType[] } {
  const known = mined.get(results);
  if (known) return known;
  const sketch = results.templates as TemplateSketch | null;
  if (!sketch || !config.detection.templates.enabled) return { set: null, types: [] };
  const set = mineTemplates(sketch, { similarity: config.detection.templates.similarity, depth: config.detection.templates.depth });
  const out = { set, types: errorTypes(set) };
  mined.set(results, out);
  return out;
}

/**
 * The anomaly report on a running engine after the job's pass: the forest's line pass over the
 * spans of unusual minutes, combined with the pass's findings (jobs/detect/lines); null when off.
 * The findings' line numbers must be resolved already (the pass's partitions know them).
 */
export async function anomalousLines(
  engine: Engine, config: Config, results: JobResults,
  opts: { gzip?: ReadonlyMap<string, number>; signal?: AbortSignal; whileReading?: () => void } = {},
): Promise<AnomalyReport | null> {
  const mined = (): { set: TemplateSet | null; newTypes: ErrorType[] } => {
    const { set, types } = errorTypesOf(results, config);
    return { set, newTypes: newErrorTypes(types, results.lastTimestamp, config.detection.templates.new_window) };
  };
  return anomalyReport(engine, scanOf(config), config, results, buildPlan(config).extensions, {
    mined, whileReading: opts.whileReading, gzip: opts.gzip, signal: opts.signal,
  });
}

/** The scan the job runs over: its inputs, format, multi-line rule and partition size. */
export function scanOf(config: Config): ScanSpec {
  return {
    paths: config.input.paths,
    format: config.input.format,
    options: toFormatOptions(config.input),
    multiline: config.input.multiline === false ? false : config.input.multiline.start ? { start: config.input.multiline.start } : true,
    partitionSize: config.engine.partition_size,
  };
}

/** The engine the config asks for: worker threads here, or tasks through Redis (engine.executor: cluster). */
export function startEngine(config: Config): Promise<Engine> {
  return Engine.start({ workers: config.engine.workers, executor: config.engine.executor, redis: config.engine.redis, queue: config.engine.queue });
}

/** One engine pass of the plan over the job's inputs, on an engine of its own (closed afterwards). */
export async function executePass(config: Config, plan: JobPlan, opts: JobOptions = {}): Promise<ExecuteResult> {
  const engine = await startEngine(config);
  try {
    return await engine.execute(scanOf(config), plan.queries, {
      extensions: plan.extensions, signal: opts.signal, onProgress: opts.onProgress, handleSigint: opts.handleSigint,
    });
  } finally {
    await engine.close();
  }
}

/**
 * What the detectors find in merged results (the job's reports and alerts read it). The window
 * forest also reads the mined templates: distinct and new error templates per minute.
 */
export function detectOf(config: Config, results: JobResults): Detection {
  const { set } = errorTypesOf(results, config);
  const sketch = results.templates as TemplateSketch | null;
  const counts = set && sketch ? templateCounts(sketch, set, results.firstTimestamp, config.detection.templates.new_window) : {};
  return detect(results, config.detection, { topAnomalies: 20, ...counts });
}

/** What a run reports, built from its merged results. */
export interface JobOutputs {
  summary: Summary;
  results: JobResults;
  tables: ReportTable[];
  errorTypes: ErrorType[];
  /** The mined templates the error types come from (null when mining is off or nothing failed). */
  templateSet: TemplateSet | null;
  /** What the detectors found (anomalies, incidents, health); alerts are raised from it. */
  detection: Detection;
}

/**
 * The report set of merged results: tables and summary. Shared by the batch job and the
 * follower (jobs/follow), so whatever runs here (mining, detection) runs in follow mode too.
 * `startedAt` (ms since the epoch) is when the run began: the summary's rates divide by the time since.
 */
export function buildOutputs(
  config: Config, results: JobResults, stats: ScanStats, startedAt: number, lines: AnomalyReport | null = null, detected: Detection | null = null,
): JobOutputs {
  const { set, types } = errorTypesOf(results, config);
  const detection = detected ?? detectOf(config, results);
  const newTypes = newErrorTypes(types, results.lastTimestamp, config.detection.templates.new_window);
  const trendOf = trend(results);
  const tables = [
    anomaliesTable(detection.anomalies), incidentsTable(detection.incidents), forestScoresTable(detection.forestScores),
    topAnomaliesTable(detection.topAnomalies), newErrorTypesTable(newTypes), patternHitsTable(config, results.patternHits ?? null),
    ...standardTables(results, types, config.analytics.top_n),
    // written empty when nothing was mined, so no earlier run's copy survives beside this run's reports
    templatesTable(set, newSince(results.lastTimestamp, config.detection.templates.new_window)),
    errorCorrelationsTable(results, set, config.detection),
    levelsOverTime(results), activityHeatmap(results), minuteLevelServiceTable(results),
    responseTimeHistogram(results.latencySketch, results.latency?.p95 ?? null), trendOf.table,
    ...customTables(config, results),
    anomalyReportTable(config.detection.lines.enabled ? lines : null),
  ];
  // from the level counts: records without a timestamp count here though the time tables omit them
  const errors = linesAt(results, config.levels.error);
  const critical = linesAt(results, config.levels.critical);
  const elapsedMs = Date.now() - startedAt;
  const summary: Summary = {
    lines: stats.lines, parsed: stats.parsed, malformed: stats.malformed, blank: stats.blank,
    errors, critical, error_rate: rate(errors, stats.parsed),
    levels: Object.fromEntries(LEVELS.filter((l) => results.levels.has(l)).map((l) => [l, results.levels.get(l)!])),
    first_timestamp: iso(results.firstTimestamp), last_timestamp: iso(results.lastTimestamp),
    response_time_ms: results.latency,
    // no line parsed: no score, rather than a perfect one
    health_score: stats.parsed > 0 ? detection.health.score : null, health_status: stats.parsed > 0 ? detection.health.status : null,
    anomalies: detection.anomalies.length, incidents: detection.incidents.length, alerts: 0,
    anomalous_lines: lines ? lines.total : null, anomaly_types: typeBreakdown(lines),
    trend: trendOf.verdict,
    new_error_types: newTypes.length,
    recommendations: recommendations({
      results, parsed: stats.parsed, errors, errorRate: rate(errors, stats.parsed), health: detection.health, healthInputs: detection.healthInputs,
      incidents: detection.incidents, errorTypes: types, newErrorTypes: newTypes, trend: trendOf.verdict,
    }),
    input: { files: stats.files, bytes: stats.bytes },
    workers: config.engine.workers, partitions: stats.partitions,
    elapsed_ms: elapsedMs,
    lines_per_sec: elapsedMs > 0 ? Math.round((stats.lines * 1000) / elapsedMs) : 0,
    bytes_per_sec: elapsedMs > 0 ? Math.round((stats.bytes * 1000) / elapsedMs) : 0,
  };
  return { summary, results, tables, errorTypes: types, templateSet: set, detection };
}

/**
 * The job's pass over its inputs on `engine`: the merged results, with the anomaly report's
 * findings (named by partition and line within it) resolved to file lines by the partitions' line
 * counts. The engine's group mergers are let go once the results are read from them: they are
 * the biggest thing on the main heap after a pass (~51 MB at the end of the scan of the 5M-line
 * benchmark file) and nothing after the pass reads them.
 * `onScanned` runs once the scan is done, before the results are read (the job closes its pool there).
 */
export async function jobPass(
  engine: Engine, config: Config, plan: JobPlan, opts: JobOptions & { onScanned?: () => Promise<void> } = {},
): Promise<{ stats: ScanStats; results: JobResults; parts: Partition[] }> {
  let parts: Partition[] = [];
  const physical = new Map<number, number>();
  const { mergers, stats } = await engine.execute(scanOf(config), plan.queries, {
    extensions: plan.extensions, signal: opts.signal, onProgress: opts.onProgress, handleSigint: opts.handleSigint,
    onPlan: (p) => { parts = p; }, onTaskResult: (r) => physical.set(r.partition, r.physicalLines),
  });
  await opts.onScanned?.();
  const results = collectResults(plan, mergers);
  const resolver = new LineResolver(parts, physical);
  for (const x of [...(results.lineFindings?.rows ?? []), ...(results.lineFindings?.spans ?? [])]) resolver.resolve(x);
  return { stats, results, parts };
}

/** Run the job described by a validated config. */
export async function runJob(config: Config, opts: JobOptions = {}): Promise<JobOutcome> {
  const started = Date.now();
  const plan: JobPlan = buildPlan(config);
  // Memory: the pool is closed as soon as the scan is done, before the results are read from the
  // merged states (reading them is the main thread's busiest moment), and the anomaly report's
  // line pass gets a fresh pool, started then so that its threads load while the results are
  // read. The scan leaves each worker at about 50 MB on the 5M-line benchmark file (native memory
  // mostly: its V8 heap holds ~7 MB, so a collection in the worker does not give it back); the
  // line pass reads ~5% of the bytes and needs far less.
  const linePass = anomalyReportOn(config);
  checkAlertEnv(config.alerts);
  const engine = await startEngine(config);
  const next: { engine: Promise<Engine> | null } = { engine: null };
  let stats: ScanStats;
  let results: JobResults;
  let parts: Partition[];
  try {
    ({ stats, results, parts } = await jobPass(engine, config, plan, {
      ...opts,
      onScanned: async () => {
        await engine.close();
        if (linePass) next.engine = startEngine(config);
      },
    }));
  } catch (err) {
    await next.engine?.then((e) => e.close(), () => undefined);
    throw err;
  } finally {
    await engine.close();
  }
  collectGarbage(); // the merge's garbage, before the line pass's workers grow (engine/memory.ts)
  let lines: AnomalyReport | null = null;
  let detected: Detection | null = null;
  if (next.engine !== null) {
    const gzip = new Map(parts.filter((p) => p.gzip).map((p) => [p.file, p.end]));
    const lineEngine = await next.engine;
    try {
      // the templates and the detectors need nothing from the line pass: the main thread runs
      // them while the workers read (on two cores, one core would otherwise wait for the other)
      const whileReading = (): void => {
        errorTypesOf(results, config);
        detected = detectOf(config, results);
        // their garbage, collected while the workers read rather than kept beside them at the peak
        collectGarbage();
      };
      lines = await anomalousLines(lineEngine, config, results, { gzip, signal: opts.signal, whileReading });
    } finally {
      await lineEngine.close();
    }
  }
  const { summary, tables, errorTypes: types, templateSet: set, detection } = buildOutputs(config, results, stats, started, lines, detected);
  collectGarbage(); // the detectors' garbage, before the reports are encoded
  const outDir = path.resolve(config.output.dir);
  summary.alerts = await sendAlerts(config, outDir, results, detection);
  await writeOutputs(outDir, config, tables, results, summary, stats);
  if (config.output.parsed) await writeParsed(config, outDir, set);
  return { summary, outDir, results, tables, errorTypes: types, stats };
}

const PARSED_COLUMNS = ['timestamp', 'level', 'service', 'message', 'ip', 'endpoint', 'method', 'status_code', 'response_time_ms', 'bytes', 'file', 'line'];
/** Columns of parsed.arrow that the record schema (DESIGN.md, Records) makes integers. */
const PARSED_INT_COLUMNS = ['status_code', 'bytes', 'line'];

/** A numeric column as Int64 (nulls and NaN as null; a fraction, which no integer field has, truncated). */
function int64Of(column: Vector): Vector {
  const n = column.length;
  const whole = new Float64Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = column.get(i) as number | null;
    if (v === null || !Number.isFinite(v)) {
      whole[i] = NaN;
      nulls++;
      continue;
    }
    whole[i] = Math.trunc(v);
    valid[i >> 3]! |= 1 << (i & 7);
  }
  const data = int64Values(n, (i) => whole[i]!);
  return makeVector(makeData({ type: new Int64(), length: n, data, nullBitmap: valid, nullCount: nulls }));
}

/**
 * parsed.arrow (output.parsed: true): every parsed record in file order, with the template id of
 * error lines. A second pass that holds the rows in memory: meant for inspection-sized inputs.
 */
async function writeParsed(config: Config, outDir: string, set: TemplateSet | null): Promise<void> {
  const engine = await Engine.start({ workers: config.engine.workers });
  let table;
  try {
    table = await new LazyFrame(engine, scanOf(config)).select(...PARSED_COLUMNS).collect();
  } finally {
    await engine.close();
  }
  const errors = new Set<string>(config.levels.error);
  const level = table.getChild('level')!;
  const message = table.getChild('message')!;
  const ids = new Int32Array(table.numRows);
  const valid = new Uint8Array((table.numRows + 7) >> 3);
  for (let i = 0; i < table.numRows; i++) {
    const msg = message.get(i) as string | null;
    if (set && msg !== null && errors.has(String(level.get(i)))) {
      ids[i] = set.assign(msg);
      valid[i >> 3]! |= 1 << (i & 7);
    }
  }
  // the engine carries every number as Float64 (NaN as null); the record schema's integers are written as such
  const ints = Object.fromEntries(PARSED_INT_COLUMNS.map((c) => [c, int64Of(table.getChild(c)!)]));
  const withIds = table.assign(new Table({ ...ints, template_id: makeVector(makeData({ type: new Int32(), length: ids.length, data: ids, nullBitmap: valid })) }));
  await writeFileAtomic(path.join(outDir, 'parsed.arrow'), tableToIPC(withIds, 'file'));
}

/**
 * Which anomalies page a human: every z-score spike, and a forest window only when a z-score
 * spike corroborates it in the same minute. The forest flags its contamination share of windows
 * by design (2% of every scope's minutes); those stay in anomalies.csv and the dashboard.
 */
export function alertableAnomalies(anomalies: readonly AnomalyRow[]): AnomalyRow[] {
  const spiked = new Set(anomalies.filter((a) => a.detector === 'zscore').map((a) => a.timestamp));
  return anomalies.filter((a) => a.detector === 'zscore' || spiked.has(a.timestamp));
}

/** Batch runs alert once, at the end: thresholds per window, every anomaly and incident. Returns messages sent. */
async function sendAlerts(config: Config, outDir: string, results: JobResults, detection: Detection): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const manager = createAlerting(config.alerts, outDir, { fresh: true });
  const candidates = alertCandidates(results, config.alerts, config.levels, { anomalies: alertableAnomalies(detection.anomalies), incidents: detection.incidents });
  manager.evaluate(candidates, horizonOf(results) ?? Date.now());
  await manager.close();
  const s = manager.stats();
  return s.fired + s.resolved;
}

/** Records at any of these levels. */
function linesAt(results: JobResults, levels: readonly string[]): number {
  return levels.reduce((s, l) => s + (results.levels.get(l) ?? 0), 0);
}

/** The folders writeReport writes formats into (jobs/report). */
const REPORT_DIRS = ['csv', 'json', 'arrow'];

/** Report files written at once. */
const WRITES_AT_ONCE = 8;

/** Write the whole report set; each file atomically (temp file, then rename). */
export async function writeOutputs(outDir: string, config: Config, tables: ReportTable[], results: JobResults, summary: Summary, stats: ScanStats): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  // the temp files of a writer that died mid-write, in the report folders too
  for (const sub of ['', ...REPORT_DIRS]) await removeStaleTemps(path.join(outDir, sub));
  const formats = config.output.formats;
  // every format of a table in one call, so its cells are checked and rounded once; the JSON
  // reports S1 users know: trends by hour (errors_by_hour's JSON), errors by day, counts by severity
  const writes: (() => Promise<unknown>)[] = tables.map((t) => () => writeReport(outDir, t, formats, t.name === 'errors_by_hour' ? { jsonName: 'error_trends' } : {}));
  if (formats.includes('json')) writes.push(() => writeReport(outDir, severityTable(results), ['json']));
  const malformed = stats.malformedSamples.map((s) => `${s.file}:${s.line}\t${s.reason}\t${s.text.replace(/[\r\n\t]/g, ' ')}`).join('\n');
  writes.push(() => writeFileAtomic(path.join(outDir, 'malformed.log'), malformed.length ? malformed + '\n' : ''));
  // Each file is fsynced before its rename, so one at a time the writes wait on the disk more than
  // they work (0.31 s for the report set of the 5M-line benchmark file); a few at once overlap the waits.
  await inParallel(writes, WRITES_AT_ONCE);
  // the summary last: a reader that sees the new summary.json sees the whole new set
  await writeJsonFile(path.join(outDir, 'summary.json'), summary);
}
