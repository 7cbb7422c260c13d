/**
 * The deterministic log generator: records over a time span shaped by the traffic profile,
 * optionally with planned incidents, and a fast writer for the four line formats.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { LogModel, type GenRecord } from './model.js';
import { labelsCsv, planIncidents, type Incident } from './incidents.js';
import { makeFormatter, OUTPUT_FORMATS, type OutputFormat } from './formats.js';
import { allocateLines, minuteWeights, MINUTE } from './traffic.js';
import { Rng } from './rng.js';

// The library surface in one place: records, the model and incident API for live producers, formatters.
export { LogModel, type GenRecord, type ModelOptions } from './model.js';
export { INCIDENT_TYPES, injectIncident, planIncidents, labelsCsv, type Incident, type IncidentOptions, type IncidentType } from './incidents.js';
export { makeFormatter, OUTPUT_FORMATS, CSV_HEADER, type LineFormatter, type OutputFormat } from './formats.js';

/** Generator options; see resolveGenOptions for the defaults. */
export interface GenOptions {
  /** Number of records (lines of data) to produce. */
  lines: number;
  /** PRNG seed, an unsigned 32-bit integer (default 42). */
  seed?: number;
  /** Start of the span: ISO 8601 string (UTC unless it has a zone) or ms since the epoch (default '2025-01-10T00:00:00Z'). */
  start?: string | number;
  /** Length of the span in days, fractions allowed (default 1). */
  days?: number;
  /** Inject planned incidents (default false). */
  incidents?: boolean;
}

/** Options with defaults applied and checked. */
export interface ResolvedGenOptions {
  lines: number;
  seed: number;
  start: number;
  days: number;
  incidents: boolean;
}

/** Options for writeLogFile: the generator's plus where and how to write. */
export interface WriteOptions extends GenOptions {
  out: string;
  format: OutputFormat;
}

/** What writeLogFile wrote. */
export interface WriteResult {
  file: string;
  format: OutputFormat;
  lines: number;
  bytes: number;
  seconds: number;
  /** The labels file, when incidents were injected. */
  labelsFile: string | null;
  incidents: readonly Incident[];
}

/** A bad generator option; the CLI turns it into exit code 2. */
export class GenOptionError extends Error {
  override readonly name = 'GenOptionError';
}

const MAX_DAYS = 3660;

/** Apply defaults and validate once, at the edge, so the generator never re-checks. */
export function resolveGenOptions(o: GenOptions): ResolvedGenOptions {
  if (!Number.isSafeInteger(o.lines) || o.lines < 0) throw new GenOptionError(`lines must be a non-negative integer, got ${o.lines}`);
  const seed = o.seed ?? 42;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new GenOptionError(`seed must be an integer in 0..4294967295, got ${seed}`);
  const startRaw = o.start ?? '2025-01-10T00:00:00Z';
  const start = typeof startRaw === 'number' ? startRaw : parseIsoUtc(startRaw);
  if (!Number.isSafeInteger(start)) throw new GenOptionError(`start must be an ISO 8601 time such as 2025-01-10T00:00:00Z, got '${String(startRaw)}'`);
  const days = o.days ?? 1;
  if (!Number.isFinite(days) || days * 1440 < 1 || days > MAX_DAYS) throw new GenOptionError(`days must be between 1/1440 (one minute) and ${MAX_DAYS}, got ${days}`);
  return { lines: o.lines, seed, start, days, incidents: o.incidents ?? false };
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/;
/** ISO 8601 date or date-time; without a zone it is UTC (Date.parse would read a bare date-time as local time). */
function parseIsoUtc(s: string): number {
  const m = ISO.exec(s.trim());
  if (m === null) return Number.NaN;
  return Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`);
}

/** Everything a run is built from: the model (with its incidents) and the per-minute line counts. */
export interface GenPlan {
  options: ResolvedGenOptions;
  model: LogModel;
  incidents: readonly Incident[];
  /** Lines per minute from `options.start`; they sum to `options.lines`. */
  minuteCounts: Uint32Array;
}

/** Plan a run: build the model, plan incidents when asked, and split the lines over the minutes. */
export function planRun(opts: GenOptions): GenPlan {
  const options = resolveGenOptions(opts);
  const model = new LogModel({ seed: options.seed });
  const minutes = Math.max(1, Math.round(options.days * 1440));
  if (options.incidents) {
    try {
      for (const inc of planIncidents(options.start, options.start + minutes * MINUTE, options.seed)) model.addIncident(inc);
    } catch (e) {
      throw new GenOptionError((e as Error).message);
    }
  }
  const weights = minuteWeights(options.start, minutes, options.seed, (t) => model.volume(t));
  return { options, model, incidents: model.incidents, minuteCounts: allocateLines(weights, options.lines) };
}

/** Yield `opts.lines` records with non-decreasing timestamps over the span, identical for identical options. */
export function* generateRecords(opts: GenOptions): Generator<GenRecord> {
  yield* recordsOf(planRun(opts));
}

/** The records of a planned run. The plan's model carries PRNG state, so a plan is iterated once. */
export function* recordsOf(plan: GenPlan): Generator<GenRecord> {
  const { minuteCounts, model, options } = plan;
  // Timing has its own stream so changing what a record says never moves when it happens.
  const jitter = new Rng(options.seed, 0x71e);
  for (let m = 0; m < minuteCounts.length; m++) {
    const k = minuteCounts[m]!;
    const m0 = options.start + m * MINUTE;
    // Stratified jitter: the j-th of k lines lands at random inside the j-th k-th of the minute, so times never go back.
    for (let j = 0; j < k; j++) yield model.record(m0 + Math.floor(((j + jitter.next()) * MINUTE) / k));
  }
}

/** Flush threshold: lines are written into a ~1 MB buffer and the buffer goes to disk in one call. */
const CHUNK_BYTES = 1 << 20;
/** Longest line we expect; a longer one gets a one-off buffer of its own. */
const SLACK_BYTES = 64 << 10;

/** Write `lines` records to `out` in `format`, in ~1 MB chunks; with incidents also `<out>.labels.csv`. */
export function writeLogFile(opts: WriteOptions): WriteResult {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(opts.format)) throw new GenOptionError(`format must be one of ${OUTPUT_FORMATS.join(', ')}, got '${opts.format}'`);
  const t0 = performance.now();
  const plan = planRun(opts);
  const fmt = makeFormatter(opts.format, plan.options.seed);
  const fd = openSync(opts.out, 'w');
  let bytes = 0;
  try {
    // Each line is encoded straight into one reused Buffer: measured 2x faster than appending
    // lines to a 1 MB string, whose rope V8 must flatten (and then garbage-collect) before writing.
    const buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
    let off = 0;
    const put = (line: string): void => {
      if (line.length * 3 + 1 > SLACK_BYTES) {
        writeAll(fd, buf, off);
        writeAll(fd, Buffer.from(line + '\n', 'utf8'), -1);
        bytes += off + Buffer.byteLength(line) + 1;
        off = 0;
        return;
      }
      off += buf.write(line, off);
      buf[off++] = 10;
      if (off >= CHUNK_BYTES) {
        writeAll(fd, buf, off);
        bytes += off;
        off = 0;
      }
    };
    if (fmt.header !== null) put(fmt.header);
    for (const rec of recordsOf(plan)) put(fmt.line(rec));
    writeAll(fd, buf, off);
    bytes += off;
  } finally {
    closeSync(fd);
  }
  let labelsFile: string | null = null;
  if (plan.options.incidents) {
    labelsFile = `${opts.out}.labels.csv`;
    writeFileSync(labelsFile, labelsCsv(plan.incidents));
  }
  return { file: opts.out, format: opts.format, lines: plan.options.lines, bytes, seconds: (performance.now() - t0) / 1000, labelsFile, incidents: plan.incidents };
}

/** Write buf[0, len) (all of buf when len < 0), looping over short writes. */
function writeAll(fd: number, buf: Buffer, len: number): void {
  const n = len < 0 ? buf.length : len;
  let off = 0;
  while (off < n) off += writeSync(fd, buf, off, n - off);
}
