/**
 * Follow mode: after the initial scan, keep reading the inputs as they grow. Each poll turns the
 * new complete lines of every file into partitions on ONE long-lived engine, folds their partials
 * into the plan's running mergers, evaluates the alert rules, and saves the checkpoint (offsets +
 * aggregates + alert state, one atomic file). Reports are rebuilt with the batch job's own
 * functions every output.refresh. See README.md for the guarantees and the rotation cases.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { Engine, type ScanStats } from '../../engine/index.js';
import { GroupMerger } from '../../engine/merge.js';
import type { GroupPartial, QuerySpec, ScanSpec, TaskResult } from '../../engine/plan.js';
import type { Partition } from '../../partitions/plan.js';
import { effectivePartitionSize } from '../../partitions/plan.js';
import { getFormat } from '../../engine/formats/registry.js';
import type { Config } from '../config/types.js';
import { buildPlan, FAST_BUCKET_MS, type JobPlan } from '../analytics/plan.js';
import { collectResults, type JobResults } from '../analytics/results.js';
import { alertableAnomalies, anomalousLines, buildOutputs, detectOf, scanOf, writeOutputs, type JobOutputs } from '../run.js';
import type { AnomalyReport } from '../detect/lines/report.js';
import { alertCandidates, createAlerting, horizonOf, type AlertingOptions, type AlertManager } from '../alerts/index.js';
import { fastRateAlerts, RecentBuckets } from '../alerts/fast.js';
import { effectiveWindow } from '../alerts/rules.js';
import type { Detection } from '../detect/index.js';
import type { Dashboard } from '../dashboard/index.js';
import { CheckpointError, encodeCheckpoint, loadCheckpoint, planHash, saveCheckpointText, type Checkpoint, type Sample, type Totals } from './checkpoint.js';
import { relabelLineFindings, relabelPartials, relabelSamples, sampleOrder } from './relabel.js';
import { resolvePartialFindings } from '../detect/lines/findings.js';
import { FileTracker, type ReadRange, type SavedFile, type TrackedFile } from './tracker.js';
import { readAt } from './files.js';
import { collectGarbage } from '../../engine/memory.js';

/** Follow-mode knobs beyond the config (defaults in parentheses). */
export interface FollowOptions {
  /** Interval between polls of the inputs, ms (200). */
  pollMs?: number;
  /** A held-back multi-line record is processed once its file has been quiet this long, ms (5000). */
  multilineFlushMs?: number;
  /** A file renamed out of the globs or deleted is closed after this long without growth, ms (5000). */
  closeInactiveMs?: number;
  /** Wake up early when the inputs' directories change (fs.watch), instead of only polling (true). */
  watch?: boolean;
  /** Notable events: rotations, truncations, errors (default stderr). */
  log?: (line: string) => void;
  /** After every report refresh, with what was written (the dashboard's data). */
  onRefresh?: (outputs: JobOutputs) => void;
  /** After every poll that read bytes. */
  onCycle?: (info: CycleInfo) => void;
  /** Alert wiring beyond the config (tests inject channels and clocks). */
  alerting?: AlertingOptions;
  /**
   * A source feeding the inputs (broker ingestion) keeps its state in the checkpoint: called with
   * the offsets of each snapshot, its answer is saved with them; `onCheckpointSaved` gets it back
   * once that checkpoint is on disk (then what it covers may be acknowledged).
   */
  checkpointExtra?: (files: readonly SavedFile[]) => unknown;
  onCheckpointSaved?: (extra: unknown) => void;
  /**
   * The share of the time checkpoint snapshots may take (0.1). A source that acknowledges what a
   * checkpoint covers (broker ingestion) asks for more while its delivery window waits for them.
   */
  checkpointShare?: number | (() => number);
}

/** What one poll did. */
export interface CycleInfo {
  /** Bytes folded in. */
  bytes: number;
  lines: number;
  /** Wall time of the poll, ms. */
  ms: number;
  /** Alerts sent by this poll. */
  alerts: number;
}

const MINUTE = 60_000;
/** Shortest pause between two polls, ms. */
const MIN_GAP_MS = 20;
/** Most malformed-line samples kept (as the batch job keeps). */
const SAMPLE_LIMIT = 100;
/** The share of the time forced full collections may take (see collect()). */
const GC_SHARE = 0.02;

/**
 * When work that ran from `t0` (performance.now()) until now may run again, so that it takes at
 * most `share` of the time: checkpoints, detectors and the anomaly report's line pass are paced so.
 */
function nextAfter(t0: number, share = 0.1): number {
  const now = performance.now();
  return now + ((1 - share) / share) * (now - t0);
}

/** Swallows partials: the follower folds them itself once it knows the range they came from is valid. */
class Deferred extends GroupMerger {
  override add(): void {}
}

/** Follows the job's inputs; one instance per output directory. */
export class Follower {
  private readonly plan: JobPlan;
  private readonly scan: ScanSpec;
  private readonly hash: string;
  private readonly tracker: FileTracker;
  private readonly log: (line: string) => void;
  private readonly outDir: string;
  private readonly checkpointFile: string;
  private mergers: (GroupMerger | null)[];
  /** Empty mergers, one per query (what alertResults shows for the tables it leaves out). */
  private readonly empty: (GroupMerger | null)[];
  private totals: Totals = { lines: 0, parsed: 0, malformed: 0, blank: 0, bytes: 0, partitions: 0, retries: 0, alerts: 0 };
  private samples: Sample[] = [];
  private readonly startedAt = Date.now();
  /** Data changed since the reports were last written. */
  private dirty = true;
  private lastRefresh = 0;
  private detection: Detection | null = null;
  /** Newest minute seen: when it moves on, the minute before is closed and the detectors run again. */
  private openMinute = Number.NEGATIVE_INFINITY;
  private stopping = false;
  private wake: (() => void) | null = null;
  /** The inputs changed since the current poll began. */
  private woken = false;
  private watchers: FSWatcher[] = [];
  private readonly pollMs: number;
  private running: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  /** The report set being written, if any. */
  private writing: Promise<void> | null = null;
  /** The checkpoint being written, if any. */
  private saving: Promise<void> | null = null;
  /** State changed since the last snapshot. */
  private unsaved = false;
  /** performance.now() before which no snapshot is taken (see save()). */
  private nextSnapshot = 0;
  /** performance.now() before which the detectors are not run again (see evaluateAlerts()). */
  private nextDetect = 0;
  /** A minute closed but its detectors were put off. */
  private detectDeferred = false;
  /** The anomaly report's last line pass (undefined before the first) and when the next may run (performance.now()). */
  private lastLines: AnomalyReport | null | undefined = undefined;
  private nextLinePass = 0;
  /** The reports on disk carry an anomaly report from an earlier line pass: stop writes them again. */
  private linesStale = false;
  /** performance.now() before which no full collection is forced (see collect()). */
  private nextCollect = 0;
  /** Minutes that got lines since the alert rules last ran: only their windows can alert anew (see evaluateAlerts()). */
  private readonly touched = new Set<number>();
  /**
   * CSV files whose first line is not a usable header (`id` -> that line), said once each: their
   * ranges wait, unread, while every other input goes on (see readable()).
   */
  private readonly badHeaders = new Map<string, string>();
  /** The next evaluation looks at every window (the first one, after a start or resume). */
  private allWindows = true;
  /** The fast alert window's buckets (null when alerts.fast_window is 0). */
  private readonly recent: RecentBuckets | null;
  /** The source's state from the checkpoint resumed (see FollowOptions.checkpointExtra). */
  restoredExtra: unknown = undefined;

  private constructor(
    private readonly config: Config,
    private readonly engine: Engine,
    private readonly alerts: AlertManager,
    private readonly opts: FollowOptions,
  ) {
    this.plan = buildPlan(config, { follow: true });
    this.recent = this.plan.recent === undefined ? null : new RecentBuckets(config.alerts.fast_window, FAST_BUCKET_MS);
    this.scan = scanOf(config);
    this.hash = planHash(this.scan, this.plan.queries);
    this.log = opts.log ?? ((line) => process.stderr.write(`logframe follow: ${line}\n`));
    this.outDir = path.resolve(config.output.dir);
    this.checkpointFile = config.input.checkpoint ?? path.join(this.outDir, 'checkpoint.json');
    this.pollMs = opts.pollMs ?? 200;
    this.mergers = this.plan.queries.map((q) => (q.select ? null : new GroupMerger(q)));
    this.empty = this.plan.queries.map((q) => (q.select ? null : new GroupMerger(q)));
    const format = getFormat(this.scan.format);
    const multiline = Boolean(this.scan.multiline) || Boolean(format.multilineRecords?.(this.scan.options));
    this.tracker = new FileTracker({
      patterns: config.input.paths,
      recordStart: multiline ? recordStartOf(this.scan) : null,
      multilineFlushMs: opts.multilineFlushMs ?? 5_000,
      closeInactiveMs: opts.closeInactiveMs ?? 5_000,
      // every CSV file begins with the same header line: it alone cannot tell two files apart
      minFingerprintLines: format.needsHeader ? 2 : 1,
      log: this.log,
    });
  }

  /** Start following: the engine's workers, the alert channels, and the checkpoint if there is one. */
  static async start(config: Config, opts: FollowOptions = {}): Promise<Follower> {
    // Alerting first: a webhook variable that is not set fails before any worker starts.
    const alerts = createAlerting(config.alerts, path.resolve(config.output.dir), { ...opts.alerting, fresh: false });
    const engine = await Engine.start({ workers: config.engine.workers }).catch(async (err: unknown) => {
      await alerts.close();
      throw err;
    });
    const f = new Follower(config, engine, alerts, opts);
    try {
      f.resume();
    } catch (err) {
      await alerts.close();
      await engine.close();
      throw err;
    }
    return f;
  }

  /** The checkpoint in use. */
  get checkpointPath(): string {
    return this.checkpointFile;
  }

  /** Take a checkpoint at the next poll even if no bytes were read (a source's own state changed). */
  requestCheckpoint(): void {
    this.unsaved = true;
  }

  /** Read what is there, then keep following until stop(). */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Finish the current poll, read what is complete, write the reports and the checkpoint, release everything. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.poke();
    await this.running;
    for (const w of this.watchers) w.close();
    try {
      // one last poll: lines completed since are not left for the next start to find
      await this.cycle();
      await this.writing;
      if (this.dirty || this.linesStale) this.refresh();
      await this.writing;
      await this.saving;
      if (this.unsaved) this.save(true);
      await this.saving;
    } finally {
      await this.alerts.close();
      await this.engine.close();
      this.tracker.close();
    }
  }

  /** One poll: read what grew, fold it in, alert, checkpoint; refresh the reports when due. Exposed for tests. */
  async cycle(): Promise<CycleInfo> {
    const t0 = performance.now();
    const poll = await this.tracker.poll();
    if (poll.changed) this.unsaved = true;
    if (poll.relabels.size > 0) this.relabel(poll.relabels);
    const read = poll.ranges.length > 0 ? await this.process(poll.ranges) : { bytes: 0, lines: 0 };
    let sent = 0;
    if (read.bytes > 0) this.dirty = true;
    // the last poll also runs detectors that were put off (see evaluateAlerts())
    if (read.bytes > 0 || (this.stopping && this.detectDeferred)) sent = this.evaluateAlerts();
    if (read.bytes > 0) this.unsaved = true;
    // the snapshot is encoded now, between polls, so offsets and aggregates are of one moment
    if (this.unsaved) this.save();
    const due = Date.now() - this.lastRefresh >= this.config.output.refresh;
    // an anomaly report left from an earlier line pass catches up once its pace allows, new lines
    // or not: a file that stopped growing must not keep a stale report (NEW_TEMPLATE, top rows)
    const linesDue = this.linesStale && performance.now() >= this.nextLinePass;
    if ((this.dirty && (due || this.lastRefresh === 0)) || linesDue) this.refresh();
    return { ...read, ms: performance.now() - t0, alerts: sent };
  }

  private async loop(): Promise<void> {
    if (this.opts.watch !== false) this.watchInputs();
    while (!this.stopping) {
      const t0 = Date.now();
      this.woken = false;
      try {
        const info = await this.cycle();
        if (info.bytes > 0) this.opts.onCycle?.(info);
      } catch (err) {
        // a failed poll changes nothing (partials are folded only after a whole pass): try again next time
        this.log(`poll failed, retrying: ${(err as Error).stack ?? String(err)}`);
      }
      // a short pause even when woken: a writer flushing every millisecond must not make polls back to back
      await new Promise((r) => setTimeout(r, MIN_GAP_MS));
      const wait = this.pollMs - (Date.now() - t0);
      // a change seen during the poll is not lost: poll again at once
      if (wait > 0 && !this.woken && !this.stopping) await this.sleep(wait);
    }
  }

  /** A hint that the inputs changed: poll now, or right after the current poll. */
  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** fs.watch the inputs' folders as a hint to poll now (polling stays the source of truth: watches miss events across rotation). */
  private watchInputs(): void {
    const dirs = new Set(this.config.input.paths.map((p) => staticDir(p)));
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, () => this.poke());
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // no such folder yet, or no inotify watches left: polling alone still works
      }
    }
  }

  /** Take over the checkpoint: offsets, aggregates, samples, alert state. */
  private resume(): void {
    const ck = loadCheckpoint(this.checkpointFile);
    if (!ck) return;
    if (ck.plan !== this.hash) {
      throw new CheckpointError(`${this.checkpointFile} was written for other inputs or reports (the format or a query changed): `
        + 'its aggregates cannot be continued. Move it away to start over from the beginning of the files.');
    }
    if (ck.mergers.length !== this.plan.queries.length) throw new CheckpointError(`${this.checkpointFile}: ${ck.mergers.length} aggregates for ${this.plan.queries.length} queries`);
    this.mergers = this.plan.queries.map((q: QuerySpec, k) => (q.select ? null : GroupMerger.restore(q, ck.mergers[k] ?? [])));
    this.tracker.restore(ck.files);
    this.totals = { ...ck.totals };
    this.samples = ck.samples;
    this.restoredExtra = ck.extra;
    if (ck.alerts !== null && ck.alerts !== undefined) {
      try {
        this.alerts.fromJSON(ck.alerts);
      } catch (err) {
        this.log(`ignoring the checkpoint's alert state (${(err as Error).message}): some alerts may repeat`);
      }
    }
    const read = ck.files.reduce((s, f) => s + f.offset, 0);
    this.log(`resuming from ${this.checkpointFile} (saved ${ck.savedAt}): ${ck.files.length} file(s), ${read} bytes already read`);
  }

  /** Run the ranges as partitions on the engine; fold the partials of each range that is still valid. */
  private async process(all: ReadRange[]): Promise<{ bytes: number; lines: number }> {
    const ranges = all.filter((r) => this.readable(r.file));
    if (ranges.length === 0) return { bytes: 0, lines: 0 };
    const splittable = getFormat(this.scan.format).splittable?.(this.scan.options) ?? true;
    const target = effectivePartitionSize(
      ranges.map((r) => ({ file: r.readPath, size: r.end - r.start, gzip: false })),
      { partitionSize: this.scan.partitionSize, workers: this.engine.executor.concurrency },
    );
    const parts: Partition[] = [];
    const partsOf = new Map<ReadRange, Partition[]>();
    for (const r of ranges) {
      // the batch job's cutting rule; every cut is exact (a partition owns the lines starting in it)
      const n = splittable ? Math.max(1, Math.ceil((r.end - r.start) / target)) : 1;
      const mine: Partition[] = [];
      for (let k = 0; k < n; k++) {
        const start = r.start + Math.floor(((r.end - r.start) * k) / n);
        const end = r.start + Math.floor(((r.end - r.start) * (k + 1)) / n);
        const p: Partition = { index: parts.length, file: r.readPath, start, end, gzip: false, part: k };
        parts.push(p);
        mine.push(p);
      }
      partsOf.set(r, mine);
    }
    const results = new Map<number, TaskResult>();
    const res = await this.engine.execute(this.scan, this.queriesNow(), {
      partitions: parts,
      mergers: this.plan.queries.map((q) => (q.select ? null : new Deferred(q))),
      extensions: this.plan.extensions,
      onTaskResult: (r) => results.set(r.partition, r),
    });
    this.totals.retries += res.stats.retries;
    let bytes = 0;
    let lines = 0;
    const recentPoll = this.plan.recent === undefined ? null : new GroupMerger(this.plan.queries[this.plan.recent]!);
    for (const r of ranges) {
      const f = r.file;
      if (!this.tracker.stillValid(r)) {
        // rotated or truncated during the pass: its partials may hold other bytes; the next poll plans it again
        this.log(`${f.path} changed while being read (rotation or truncation): reading that range again`);
        continue;
      }
      let physical = 0;
      for (const p of partsOf.get(r)!) {
        const t = results.get(p.index)!;
        const findings = this.plan.index.lineFindings;
        if (r.readPath !== f.path) relabelPartials(t.queries, r.readPath, f.path, findings);
        // the anomaly report's lines: this partition starts after the file's lines read so far
        if (findings >= 0) resolvePartialFindings((t.queries[findings] as GroupPartial).aggs[0], f.lines + physical);
        t.queries.forEach((q, k) => {
          if (q.kind !== 'group') return;
          if (k === this.plan.index.minute) for (const m of q.keys[0] ?? []) if (typeof m === 'number') this.touched.add(m);
          // the fast window's partials feed its ring, not the running aggregates
          if (k === this.plan.recent) recentPoll?.add(q);
          else this.mergers[k]!.add(q);
        });
        this.totals.lines += t.lines;
        this.totals.parsed += t.parsed;
        this.totals.malformed += t.malformed;
        this.totals.blank += t.blank;
        this.totals.partitions++;
        for (const s of t.malformedSamples) {
          this.samples.push({ file: f.path, line: f.lines + physical + s.line + 1, offset: s.offset, reason: s.reason, text: s.text });
        }
        physical += t.physicalLines;
        lines += t.lines;
      }
      bytes += r.end - r.start;
      this.totals.bytes += r.end - r.start;
      this.tracker.commit(r, physical);
    }
    if (recentPoll) this.recent?.add(recentPoll.rows());
    // the first samples in file order, as the batch job keeps them
    this.samples.sort(sampleOrder);
    if (this.samples.length > SAMPLE_LIMIT) this.samples.length = SAMPLE_LIMIT;
    return { bytes, lines };
  }

  /**
   * Whether a file can be parsed: a CSV file must start with a header naming the required
   * columns. One that does not (a CSV log emptied by copytruncate, then appended rows without a
   * header) would fail every partition of every poll, and so stop the whole run; its ranges
   * wait unread instead, the other inputs go on, and the reason is logged once (again if the
   * first line changes). Its bytes are left for the next poll: a header written later, or a
   * rotation that brings a new file, lets them in.
   */
  private readable(file: TrackedFile): boolean {
    const format = getFormat(this.scan.format);
    if (!format.needsHeader) return true;
    const header = headerOf(file);
    try {
      format.create({ file: file.path, options: this.scan.options, header });
      this.badHeaders.delete(file.id);
      return true;
    } catch (err) {
      if (this.badHeaders.get(file.id) !== header) {
        this.badHeaders.set(file.id, header);
        this.log(`not reading ${file.path} until it starts with a CSV header; the other inputs go on: ${(err as Error).message}`);
      }
      return false;
    }
  }

  private relabel(names: ReadonlyMap<string, string>): void {
    if (this.plan.index.lineFindings >= 0) relabelLineFindings(this.mergers[this.plan.index.lineFindings]!, names);
    relabelSamples(this.samples, names);
    this.dirty = true;
  }

  /**
   * The plan's queries for this poll: the fast window's query only counts lines that can still
   * fall in the window (from the newest bucket seen, or from the follower's start while none has:
   * a first catch-up over a big file does not count its history in 100 ms buckets).
   */
  private queriesNow(): QuerySpec[] {
    const k = this.plan.recent;
    if (k === undefined || this.recent === null) return this.plan.queries;
    const newest = this.recent.latest();
    const cutoff = Number.isFinite(newest) ? newest - this.recent.span : this.startedAt - this.recent.span - MINUTE;
    const q = this.plan.queries[k]!;
    const recentOnly: QuerySpec = {
      ...q,
      filter: { op: 'cmp', cmp: '>', left: { op: 'col', name: 'timestamp' }, right: { op: 'lit', value: cutoff } },
    };
    return this.plan.queries.map((x, i) => (i === k ? recentOnly : x));
  }

  /** The merged results now (the batch job's collectResults over the running mergers). */
  private results(): JobResults {
    return collectResults(this.plan, this.mergers);
  }

  /**
   * The results the alert rules and detectors read: the same, minus the tables they never look at
   * (per IP, per endpoint, custom), whose rows grow with the traffic's variety and would make every
   * poll slower as the hours go by. With `keep`, the per-minute tables hold only the minutes it
   * keeps (a view, nothing copied): what the threshold rules read at a poll, so that a poll's work
   * and garbage do not grow with the minutes followed.
   */
  private alertResults(keep: ((minute: number) => boolean) | null = null): JobResults {
    const { ip, endpoint, minute, minuteLevelService, evidence } = this.plan.index;
    const skip = new Set([ip, endpoint, ...Object.values(this.plan.custom)]);
    const perMinute = new Set([minute, minuteLevelService, evidence]);
    return collectResults(this.plan, this.mergers.map((m, k) => {
      if (skip.has(k)) return this.empty[k]!;
      if (keep === null || m === null || !perMinute.has(k)) return m;
      return m.filtered((keys) => typeof keys[0] === 'number' && keep(keys[0]));
    }));
  }

  /**
   * Threshold rules on every poll (a count that crossed cannot uncross, so the open minute alerts
   * at once); the detectors when a minute closes, on the closed minutes only.
   */
  private evaluateAlerts(): number {
    // a window whose minutes got no lines since the last evaluation gives the same candidates as
    // then, which the manager has already decided (it drops windows older than a key's last one
    // and repeats of it): the threshold rules read only the windows with new lines, so a poll's
    // work and garbage stay the same as the minutes followed add up
    const w = effectiveWindow(this.config.alerts.window);
    const windows = new Set([...this.touched].map((m) => Math.floor(m / w) * w));
    const all = this.allWindows;
    const results = this.alertResults(all ? null : (m) => windows.has(Math.floor(m / w) * w));
    const last = results.lastTimestamp;
    const minute = last === null ? Number.NEGATIVE_INFINITY : Math.floor(last / MINUTE) * MINUTE;
    // the detectors cost time in proportion to the minutes held: when minutes close at every poll
    // (a backlog being caught up), at most a tenth of the time goes to them; the closed minutes
    // wait for the next run (nothing is skipped, it alerts a little later), the last poll runs them
    const due = this.stopping || performance.now() >= this.nextDetect;
    if (this.detection === null || (minute > this.openMinute && due)) {
      const t0 = performance.now();
      this.openMinute = Math.max(this.openMinute, minute);
      this.detection = detectOf(this.config, all ? results : this.alertResults());
      this.nextDetect = nextAfter(t0);
      this.detectDeferred = false;
    } else if (minute > this.openMinute) {
      this.detectDeferred = true;
    }
    const closed = (t: number): boolean => t < this.openMinute;
    // the batch job's choice of what pages a human: a forest window only with a z-score spike in its minute
    const anomalies = alertableAnomalies(this.detection.anomalies).filter((a) => closed(a.timestamp));
    const incidents = this.detection.incidents.filter((i) => closed(Number(i.start)));
    const candidates = alertCandidates(results, this.config.alerts, this.config.levels, { anomalies, incidents });
    if (this.recent) candidates.push(...fastRateAlerts(this.recent.window(), this.config.alerts.rules));
    // data time, as the batch job: an episode resolves when later lines show it gone, not because lines stopped coming
    const sent = this.alerts.evaluate(candidates, horizonOf(results) ?? Date.now()).length;
    // decided: a poll that failed before this point reads these windows again next time
    this.touched.clear();
    this.allWindows = false;
    this.totals.alerts += sent;
    return sent;
  }

  /**
   * Rebuild the reports with the batch job's functions now, and write them (every file atomically)
   * in the background: the writes are mostly fsync waits, and polls go on meanwhile.
   */
  private refresh(): void {
    if (this.writing) return; // the last set is still being written: the next poll tries again
    const results = this.results();
    const stats = this.stats();
    this.dirty = false;
    this.lastRefresh = Date.now();
    // the anomaly report's line pass reads the spans of unusual minutes again (jobs/detect/lines):
    // the report set is written once it is done, so summary and report always agree
    let outputs: JobOutputs;
    // the line pass re-reads bytes on the workers the polls need: it runs at most a tenth of the
    // time (then the last report is written again with the new totals), and always at stop
    const due = this.stopping || this.lastLines === undefined || performance.now() >= this.nextLinePass;
    const t0 = performance.now();
    const pass = due
      ? anomalousLines(this.engine, this.config, results).then((lines) => {
        this.lastLines = lines;
        this.nextLinePass = nextAfter(t0);
        return lines;
      })
      : Promise.resolve(this.lastLines ?? null);
    this.linesStale = !due;
    this.writing = pass
      .then(async (lines) => {
        outputs = buildOutputs(this.config, results, stats, this.startedAt, lines);
        outputs.summary.alerts = this.totals.alerts;
        await writeOutputs(this.outDir, this.config, outputs.tables, results, outputs.summary, stats);
      })
      .then(() => {
        this.opts.onRefresh?.(outputs);
        this.collect();
      })
      .catch((err: unknown) => {
        this.dirty = true;
        this.log(`writing the reports failed, retrying at the next refresh: ${(err as Error).message}`);
      })
      .finally(() => { this.writing = null; });
  }

  /**
   * A full collection once a report set is written, when its garbage and the polls' (results
   * rebuilt at every poll, the checkpoint text) are done with. V8 sizes the heap by allocation,
   * not by what is alive: without this the main heap held 90 to 108 MB for about 22 MB alive and
   * grew over a 10-minute run (see README.md, Measured). At most GC_SHARE of the time.
   */
  private collect(): void {
    if (performance.now() < this.nextCollect) return;
    const t0 = performance.now();
    collectGarbage();
    this.nextCollect = nextAfter(t0, GC_SHARE);
  }

  /** Totals so far in the engine's ScanStats shape (what the summary and malformed.log read). */
  private stats(): ScanStats {
    const t = this.totals;
    return {
      files: this.tracker.tracked.filter((f) => !f.detached).length, bytes: t.bytes, partitions: t.partitions,
      lines: t.lines, parsed: t.parsed, malformed: t.malformed, blank: t.blank, elapsedMs: Date.now() - this.startedAt,
      retries: t.retries, malformedSamples: this.samples.map((s) => ({ file: s.file, line: s.line, offset: s.offset, reason: s.reason, text: s.text })),
    };
  }

  /**
   * Snapshot offsets, aggregates, samples and alert state now, and replace the checkpoint with it
   * (one file, atomically) in the background. While a write is in flight, or when snapshots are
   * taking more than a tenth of the time (checkpointShare), the snapshot waits for a later poll: saving less often
   * never breaks exactly-once, it only means more to read again after a crash.
   */
  private save(force = false): void {
    if (this.saving) return;
    // a snapshot costs time in proportion to the state: at most a tenth of the time (checkpointShare) goes to them
    if (!force && performance.now() < this.nextSnapshot) return;
    const t0 = performance.now();
    const snap = this.snapshot();
    const text = encodeCheckpoint(snap);
    const asked = this.opts.checkpointShare;
    const share = Math.min(Math.max((typeof asked === 'function' ? asked() : asked) ?? 0.1, 0.01), 1);
    this.nextSnapshot = nextAfter(t0, share);
    this.unsaved = false;
    this.saving = saveCheckpointText(this.checkpointFile, text)
      .then(() => this.opts.onCheckpointSaved?.(snap.extra))
      .catch((err: unknown) => {
        this.unsaved = true;
        this.log(`saving the checkpoint failed, retrying: ${(err as Error).message}`);
      })
      .finally(() => { this.saving = null; });
  }

  private snapshot(): Checkpoint {
    const files = this.tracker.save();
    return {
      version: 1,
      plan: this.hash,
      savedAt: new Date().toISOString(),
      files,
      ...(this.opts.checkpointExtra ? { extra: this.opts.checkpointExtra(files) } : {}),
      totals: { ...this.totals },
      samples: this.samples,
      mergers: this.mergers.map((m) => m?.save() ?? null),
      alerts: this.alerts.toJSON(),
    };
  }
}

/** The folder a path or glob watches: everything before its first glob character. */
function staticDir(pattern: string): string {
  const abs = path.resolve(pattern);
  const parts = abs.split(path.sep);
  const i = parts.findIndex((p) => /[*?[\]{}!()]/.test(p));
  return i < 0 ? path.dirname(abs) : parts.slice(0, i).join(path.sep) || path.sep;
}

/** Multi-line mode: the test for a line that starts a record (the config's regex, else the format's own). */
function recordStartOf(scan: ScanSpec): (file: TrackedFile) => (line: Buffer) => boolean {
  if (typeof scan.multiline === 'object') {
    const re = new RegExp(scan.multiline.start);
    return () => (line) => re.test(line.toString('utf8'));
  }
  const format = getFormat(scan.format);
  return (file) => {
    const parser = format.create({ file: file.path, options: scan.options, header: format.needsHeader ? headerOf(file) : undefined });
    return (line) => parser.startsRecord(line, 0, line.length);
  };
}

/** The first line of a tracked file (CSV header), read through its descriptor. */
function headerOf(file: TrackedFile): string {
  const head = file.fd === null ? file.fp.head : readAt(file.fd, 0, 64 * 1024);
  const nl = head.indexOf(10);
  const line = nl >= 0 ? head.subarray(0, nl) : head;
  return line.toString('utf8').replace(/\r$/, '').replace(/^\uFEFF/, '');
}

/**
 * The dashboard a live run serves when `dashboard.enabled` (null otherwise). Loaded only when
 * wanted: the server and its page cost start-up time. If it cannot start, `stop` stops the run
 * first, so nothing is left running behind the error.
 */
export async function liveDashboard(config: Config, log: (line: string) => void, stop: () => Promise<void>): Promise<Dashboard | null> {
  if (!config.dashboard.enabled) return null;
  try {
    return await (await import('../dashboard/index.js')).dashboardFromConfig(config, log);
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Run the follower for `config` until SIGINT or SIGTERM, then stop cleanly (a second signal exits
 * at once). With `dashboard.enabled` the dashboard serves the output folder meanwhile: it watches
 * the reports the follower rewrites.
 */
export async function followJob(config: Config, opts: FollowOptions & { quiet?: boolean } = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`logframe follow: ${line}\n`));
  const follower = await Follower.start(config, opts);
  const dashboard = await liveDashboard(config, log, () => follower.stop());
  if (dashboard && !opts.quiet) log(`dashboard at ${dashboard.url}`);
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(130);
    if (!opts.quiet) log(`${sig}: finishing the current poll, writing reports and checkpoint`);
    void follower.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (!opts.quiet) {
    log(`following ${config.input.paths.join(', ')}; reports in ${path.resolve(config.output.dir)} every ${config.output.refresh / 1000} s; `
      + `checkpoint ${follower.checkpointPath}; Ctrl-C to stop`);
  }
  try {
    await follower.run();
    await follower.stop();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await dashboard?.close();
  }
}
