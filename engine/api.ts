/**
 * The library API: a lazy plan built from serializable expressions, run by the engine in
 * one pass over the bytes however many queries share a scan.
 */
import { resolveInputs, planPartitions, type Partition } from '../partitions/plan.js';
import { parseSize } from '../partitions/size.js';
import type { AggSpec } from './aggregate/aggregate.js';
import { ExprBuilder, and as andExpr, checkExpr, named, type Expr, type NamedExpr, type Scalar } from './expr.js';
import type { FormatOptions } from './formats/format.js';
import { getFormat } from './formats/registry.js';
import { GroupMerger, mergeRows } from './merge.js';
import type { GroupPartial, MalformedSample, QuerySpec, RowsPartial, ScanSpec, TaskResult, TaskSpec } from './plan.js';
import { schedule, type Progress } from './scheduler.js';
import type { Executor } from './executors/executor.js';
import { LocalExecutor } from './executors/local.js';
import { InlineExecutor } from './executors/inline.js';
import { asResult, type ResultTable } from './frame.js';
import { AbortedError } from './errors.js';

export interface EngineOptions {
  /** Worker threads for the local executor (default os.availableParallelism()). */
  workers?: number;
  /** 'local' (Piscina threads, default), 'inline' (this thread), 'cluster' (BullMQ on Redis), or an Executor of your own. */
  executor?: 'local' | 'inline' | 'cluster' | Executor;
  /** executor 'cluster': the queue's Redis URL. `workers` is then the task slots across the cluster. */
  redis?: string;
  /** executor 'cluster': the BullMQ queue (default logframe-tasks). */
  queue?: string;
}

export interface ScanOptions extends FormatOptions {
  format?: string;
  /** '32MB', '512KB' or bytes (default 32 MiB). */
  partitionSize?: string | number;
  multiline?: boolean | { start: string };
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Modules workers import first (custom aggregations register themselves there). */
  extensions?: string[];
  handleSigint?: boolean;
  /** Fault drill for tests: make tasks die. */
  fault?: TaskSpec['fault'];
  /** Called with every raw task result as it lands (follow mode, custom reducers). */
  onTaskResult?: (r: TaskResult) => void;
  /** Called once the partitions are planned, before any task runs. */
  onPlan?: (parts: Partition[]) => void;
  /** Run exactly these partitions instead of planning the scan's paths (follow mode, retries of a range). */
  partitions?: Partition[];
  /** Merge into these (running) mergers instead of new ones, one per query (null for row queries). */
  mergers?: (GroupMerger | null)[];
  /** Physical lines already read before each partition's file start (default 0): keeps line numbers file-absolute. */
  lineBase?: (file: string) => number;
}

export interface ScanStats {
  files: number;
  bytes: number;
  partitions: number;
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  elapsedMs: number;
  retries: number;
  /** First malformed lines across the run, in file order, with file-absolute line numbers (1-based). */
  malformedSamples: (MalformedSample & { file: string })[];
}

export interface ExecuteResult {
  /** One table per query, built on first read (callers that only want merged states never pay for it). */
  readonly tables: ResultTable[];
  /** Group mergers by query (null for row queries), for callers that want merged states. */
  mergers: (GroupMerger | null)[];
  stats: ScanStats;
}

/** An aggregation under construction. */
export class AggBuilder {
  constructor(readonly spec: AggSpec) {}
  /** Name the output column. */
  as(name: string): AggBuilder { return new AggBuilder({ ...this.spec, name }); }
  /** Only aggregate rows where the condition holds. */
  where(cond: ExprBuilder | Expr): AggBuilder {
    return new AggBuilder({ ...this.spec, where: cond instanceof ExprBuilder ? cond.node : cond });
  }
}

function inputOf(x: string | ExprBuilder): { expr: Expr; label: string } {
  const n = named(x);
  return { expr: n.expr, label: n.name };
}

/** Rows counted. */
export function count(): AggBuilder { return new AggBuilder({ kind: 'count', name: 'count' }); }
/** Exact sum of a numeric column. */
export function sum(x: string | ExprBuilder): AggBuilder { const i = inputOf(x); return new AggBuilder({ kind: 'sum', name: `sum_${i.label}`, input: i.expr }); }
/** Mean of a numeric column (nulls skipped). */
export function mean(x: string | ExprBuilder): AggBuilder { const i = inputOf(x); return new AggBuilder({ kind: 'mean', name: `mean_${i.label}`, input: i.expr }); }
/** Smallest value. */
export function min(x: string | ExprBuilder): AggBuilder { const i = inputOf(x); return new AggBuilder({ kind: 'min', name: `min_${i.label}`, input: i.expr }); }
/** Largest value. */
export function max(x: string | ExprBuilder): AggBuilder { const i = inputOf(x); return new AggBuilder({ kind: 'max', name: `max_${i.label}`, input: i.expr }); }
/** Exact number of distinct values. */
export function countDistinct(x: string | ExprBuilder): AggBuilder { const i = inputOf(x); return new AggBuilder({ kind: 'count_distinct', name: `distinct_${i.label}`, input: i.expr }); }
/** Quantile q in [0, 1] from a DDSketch (1% relative error). */
export function quantile(x: string | ExprBuilder, q: number): AggBuilder {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is outside [0, 1]`);
  const i = inputOf(x);
  return new AggBuilder({ kind: 'quantile', name: `p${+(q * 100).toFixed(3)}_${i.label}`, input: i.expr, params: { q } });
}
/** Approximate distinct count (HyperLogLog, 2^p registers; p = 10: ~3% standard error). */
export function approxCountDistinct(x: string | ExprBuilder, p = 10): AggBuilder {
  if (!(Number.isInteger(p) && p >= 4 && p <= 16)) throw new Error(`approxCountDistinct precision p=${p} must be an integer in 4..16`);
  const i = inputOf(x);
  return new AggBuilder({ kind: 'approx_count_distinct', name: `approx_distinct_${i.label}`, input: i.expr, params: { p } });
}
/** The k most frequent values with counts (a JSON object's text, most frequent first; ties by value). */
export function topK(x: string | ExprBuilder, k = 10): AggBuilder {
  // k = -1 would slice off the least frequent value and keep the rest
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`topK k=${k} must be a whole number of values, at least 1`);
  const i = inputOf(x);
  return new AggBuilder({ kind: 'top_k', name: `top${k}_${i.label}`, input: i.expr, params: { k } });
}
/** Any registered aggregation by kind. */
export function aggregate(kind: string, name: string, input?: string | ExprBuilder, params?: Record<string, Scalar>): AggBuilder {
  return new AggBuilder({ kind, name, input: input === undefined ? undefined : inputOf(input).expr, params });
}

interface LogicalPlan {
  filter?: Expr;
  derived: Record<string, Expr>;
  select?: NamedExpr[];
  groupBy?: NamedExpr[];
  aggs?: AggSpec[];
}

/** Replace references to derived columns with their expressions. */
function resolve(e: Expr, derived: Record<string, Expr>): Expr {
  const r = (x: Expr): Expr => resolve(x, derived);
  switch (e.op) {
    case 'col': return derived[e.name] ?? e;
    case 'lit': return e;
    case 'cmp': return { ...e, left: r(e.left), right: r(e.right) };
    case 'arith': return { ...e, left: r(e.left), right: r(e.right) };
    case 'in': return { ...e, expr: r(e.expr) };
    case 'and': case 'or': return { ...e, args: e.args.map(r) };
    case 'not': return { ...e, arg: r(e.arg) };
    case 'isNull': return { ...e, arg: r(e.arg) };
    case 'matches': return { ...e, expr: r(e.expr) };
    case 'bucket': return { ...e, expr: r(e.expr) };
  }
}

type ExprInput = ExprBuilder | Expr;
const toNode = (x: ExprInput): Expr => (x instanceof ExprBuilder ? x.node : x);

/** A lazy query over a scan. Nothing runs until collect(). */
export class LazyFrame {
  constructor(readonly engine: Engine, readonly scan: ScanSpec, private readonly plan: LogicalPlan = { derived: {} }) {}

  private with(p: Partial<LogicalPlan>): LazyFrame {
    return new LazyFrame(this.engine, this.scan, { ...this.plan, ...p });
  }

  /** Keep rows where the condition holds (combined with earlier filters by and). */
  where(cond: ExprInput): LazyFrame {
    const c = resolve(toNode(cond), this.plan.derived);
    return this.with({ filter: this.plan.filter ? andExpr(this.plan.filter, c).node : c });
  }

  /** Add a computed column usable by later steps. */
  withColumn(name: string, e: ExprInput): LazyFrame {
    return this.with({ derived: { ...this.plan.derived, [name]: resolve(toNode(e), this.plan.derived) } });
  }

  /** Output these columns, row by row (Arrow, in file order). */
  select(...cols: (string | ExprBuilder | NamedExpr)[]): LazyFrame {
    return this.with({ select: cols.map((c) => this.resolveNamed(named(c))) });
  }

  /** Group by columns or expressions; follow with agg(). */
  groupBy(...keys: (string | ExprBuilder | NamedExpr)[]): GroupedFrame {
    return new GroupedFrame(this, keys.map((k) => this.resolveNamed(named(k))));
  }

  /** Aggregate the whole scan into one row. */
  agg(...aggs: AggBuilder[]): LazyFrame {
    return this.groupBy().agg(...aggs);
  }

  /** @internal */
  withAggs(groupBy: NamedExpr[], aggs: AggSpec[]): LazyFrame {
    return this.with({ groupBy, aggs });
  }

  resolveNamed(n: NamedExpr): NamedExpr {
    return { name: n.name, expr: resolve(n.expr, this.plan.derived) };
  }

  resolveExpr(e: Expr): Expr {
    return resolve(e, this.plan.derived);
  }

  /** The physical query this frame runs. */
  toQuery(): QuerySpec {
    if (this.plan.aggs) return { filter: this.plan.filter, groupBy: this.plan.groupBy ?? [], aggs: this.plan.aggs };
    const select = this.plan.select ?? ['timestamp', 'level', 'service', 'message'].map((c) => named(c));
    return { filter: this.plan.filter, groupBy: [], aggs: [], select };
  }

  /** Run this query. */
  collect(opts?: RunOptions): Promise<ResultTable> {
    return this.engine.collect(this, opts);
  }
}

export class GroupedFrame {
  constructor(private readonly frame: LazyFrame, private readonly keys: NamedExpr[]) {}
  /** The aggregations per group. */
  agg(...aggs: AggBuilder[]): LazyFrame {
    const specs = aggs.map((a) => ({
      ...a.spec,
      input: a.spec.input ? this.frame.resolveExpr(a.spec.input) : undefined,
      where: a.spec.where ? this.frame.resolveExpr(a.spec.where) : undefined,
    }));
    const names = new Set<string>();
    for (const n of [...this.keys.map((k) => k.name), ...specs.map((s) => s.name)]) {
      if (names.has(n)) throw new Error(`output column '${n}' appears twice: name one with .as('...')`);
      names.add(n);
    }
    return this.frame.withAggs(this.keys, specs);
  }
}

/** The engine: owns the executor (a Piscina pool by default) and runs plans. */
export class Engine {
  private closed = false;

  private constructor(readonly executor: Executor) {}

  /** Start an engine (and its worker pool). */
  static async start(opts: EngineOptions = {}): Promise<Engine> {
    if (opts.executor === 'cluster') {
      if (!opts.redis) throw new Error(`executor 'cluster' needs a Redis URL (redis: 'redis://host:6379')`);
      // loaded on demand: local runs do not pay for bullmq
      const { ClusterExecutor } = await import('./executors/cluster.js');
      return new Engine(await ClusterExecutor.connect({ redis: opts.redis, queue: opts.queue, slots: opts.workers }));
    }
    const ex = opts.executor === 'inline' ? new InlineExecutor()
      : typeof opts.executor === 'object' ? opts.executor
        : new LocalExecutor({ workers: opts.workers });
    return new Engine(ex);
  }

  /** A lazy scan of files or globs. */
  scan(paths: string | string[], opts: ScanOptions = {}): LazyFrame {
    const { format = 'text', partitionSize, multiline, ...options } = opts;
    getFormat(format); // fail early on an unknown format
    return new LazyFrame(this, {
      paths: Array.isArray(paths) ? paths : [paths],
      format,
      options,
      multiline,
      partitionSize: partitionSize === undefined ? undefined : parseSize(partitionSize),
    });
  }

  /** Run one query. */
  async collect(frame: LazyFrame, opts?: RunOptions): Promise<ResultTable> {
    const [t] = await this.collectAll([frame], opts);
    return t!;
  }

  /** Run several queries; those over the same scan share ONE pass over the bytes. */
  async collectAll(frames: LazyFrame[], opts: RunOptions = {}): Promise<ResultTable[]> {
    const out = new Array<ResultTable>(frames.length);
    const groups = new Map<string, number[]>();
    frames.forEach((f, i) => {
      const key = JSON.stringify(f.scan);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const idx of groups.values()) {
      const res = await this.execute(frames[idx[0]!]!.scan, idx.map((i) => frames[i]!.toQuery()), opts);
      idx.forEach((i, k) => { out[i] = res.tables[k]!; });
    }
    return out;
  }

  /** Low level: run queries over one scan in one pass; returns tables, merged states and scan statistics. */
  async execute(scan: ScanSpec, queries: QuerySpec[], opts: RunOptions = {}): Promise<ExecuteResult> {
    if (this.closed) throw new Error('the engine is closed: start a new one with Engine.start()');
    for (const q of queries) checkQuery(q);
    const started = Date.now();
    const format = getFormat(scan.format);
    const files = opts.partitions ? [] : await resolveInputs(scan.paths);
    const parts = opts.partitions ?? planPartitions(files, {
      partitionSize: scan.partitionSize,
      workers: this.executor.concurrency,
      splittable: format.splittable ? format.splittable(scan.options) : true,
    });
    opts.onPlan?.(parts);
    const mergers = opts.mergers ?? queries.map((q) => (q.select ? null : new GroupMerger(q)));
    const rowParts: { partition: number; partial: RowsPartial }[] = [];
    const summaries: { partition: number; physicalLines: number; samples: MalformedSample[] }[] = [];
    const stats: ScanStats = {
      files: opts.partitions ? new Set(parts.map((p) => p.file)).size : files.length,
      bytes: opts.partitions ? parts.reduce((s, p) => s + p.end - p.start, 0) : files.reduce((s, f) => s + f.size, 0),
      partitions: parts.length,
      lines: 0, parsed: 0, malformed: 0, blank: 0, elapsedMs: 0, retries: 0, malformedSamples: [],
    };
    const taskScan = { format: scan.format, options: scan.options, multiline: scan.multiline };
    try {
      const progress = await schedule(
        this.executor,
        parts,
        (p) => ({ partition: p, scan: taskScan, queries, extensions: opts.extensions, fault: opts.fault }),
        (r) => {
          stats.lines += r.lines;
          stats.parsed += r.parsed;
          stats.malformed += r.malformed;
          stats.blank += r.blank;
          summaries.push({ partition: r.partition, physicalLines: r.physicalLines, samples: r.malformedSamples });
          r.queries.forEach((qp, k) => {
            if (qp.kind === 'group') mergers[k]!.add(qp as GroupPartial);
            else rowParts.push({ partition: r.partition, partial: qp });
          });
          opts.onTaskResult?.(r);
        },
        { signal: opts.signal, onProgress: opts.onProgress, handleSigint: opts.handleSigint },
      );
      stats.retries = progress.retries;
    } catch (err) {
      if (err instanceof AbortedError) {
        // an aborted run leaves no worker behind
        await this.close();
      }
      throw err;
    }
    // line numbers: lines owned by earlier partitions of the same file
    const lineBase = new Map<number, number>();
    const byIndex = new Map(summaries.map((s) => [s.partition, s]));
    let base = 0;
    let file = '';
    for (const p of parts) {
      if (p.file !== file) { file = p.file; base = opts.lineBase?.(p.file) ?? 0; }
      lineBase.set(p.index, base);
      base += byIndex.get(p.index)?.physicalLines ?? 0;
    }
    for (const p of parts) {
      for (const s of byIndex.get(p.index)?.samples ?? []) {
        if (stats.malformedSamples.length >= 100) break;
        stats.malformedSamples.push({ ...s, file: p.file, line: lineBase.get(p.index)! + s.line + 1 });
      }
    }
    const build = (): ResultTable[] => queries.map((q, k) => {
      if (!q.select) return asResult(mergers[k]!.toTable());
      const rowsOfQuery = collectRowsFor(k, queries, rowParts);
      return asResult(mergeRows(rowsOfQuery.sort((a, b) => a.partition - b.partition).map((r) => ({ partial: r.partial, lineBase: lineBase.get(r.partition)! }))));
    });
    stats.elapsedMs = Date.now() - started;
    let tables: ResultTable[] | null = null;
    return { get tables() { return (tables ??= build()); }, mergers, stats };
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.executor.close();
  }
}

/** Fail on a bad column or regular expression here, not once per partition in the workers. */
function checkQuery(q: QuerySpec): void {
  for (const e of [q.filter, ...q.groupBy.map((g) => g.expr), ...q.aggs.flatMap((a) => [a.input, a.where]), ...(q.select ?? []).map((s) => s.expr)]) {
    if (e) checkExpr(e);
  }
}

/** The row partials of query k: each task result lists its row partials in query order. */
function collectRowsFor(k: number, queries: QuerySpec[], rowParts: { partition: number; partial: RowsPartial }[]): { partition: number; partial: RowsPartial }[] {
  const rowQueries = queries.map((q, i) => (q.select ? i : -1)).filter((i) => i >= 0);
  const slot = rowQueries.indexOf(k);
  const per = rowQueries.length;
  return rowParts.filter((_, i) => i % per === slot);
}
