/**
 * The realtime producer (S0): appends generated log lines to a file at a steady rate, stamped
 * with the time they are written, and switches the model into an incident on cue. It says when
 * an incident's first line reached the file, so alert latency can be measured from there.
 */
import { closeSync, fstatSync, openSync, statSync, writeSync } from 'node:fs';
import { LogModel, type GenRecord } from '../generate/model.js';
import { injectIncident, type Incident, type IncidentType } from '../generate/incidents.js';
import { makeFormatter, type LineFormatter, type OutputFormat } from '../generate/formats.js';
import type { ServiceName } from '../generate/catalog.js';

/** An incident to inject: its kind, when it starts (ms since the epoch) and optional overrides. */
export interface IncidentCue {
  type: IncidentType;
  at: number;
  /** Default: drawn by the generator (5 to 20 minutes). */
  durationMs?: number;
  services?: readonly ServiceName[];
}

/** The first line an incident changed, and when it was in the file. */
export interface IncidentStart {
  incident: Incident;
  /** When the write holding that line returned (ms since the epoch). */
  writtenAt: number;
  /** Byte offset of the line in the file. */
  offset: number;
  line: string;
}

/** One write: the bytes [start, end) of the file went in at `at`. */
export interface WriteInfo {
  start: number;
  end: number;
  lines: number;
  at: number;
}

/** Producer settings. */
export interface ProducerOptions {
  out: string;
  format: OutputFormat;
  /** Lines per second. */
  rate: number;
  /** Model seed (default 42). */
  seed?: number;
  /** Interval between writes, ms (default 50): lines are batched, one write each. */
  batchMs?: number;
  /** Stop after this long, ms (default: until stop()). */
  durationMs?: number;
  incidents?: readonly IncidentCue[];
  /** An incident's first line is in the file. */
  onIncidentStart?: (s: IncidentStart) => void;
  /** After every write (benches map byte offsets to write times with it). */
  onWrite?: (w: WriteInfo) => void;
  /** Send each write's lines here instead of appending them to `out` (the broker publisher). */
  sink?: (lines: string[]) => void;
}

/** What a finished run wrote. */
export interface ProducerResult {
  lines: number;
  bytes: number;
  seconds: number;
  incidents: IncidentStart[];
}

/** Whether two records are the same (the shadow check for an incident's first line). */
function sameRecord(a: GenRecord, b: GenRecord): boolean {
  return a.timestamp === b.timestamp && a.level === b.level && a.service === b.service && a.message === b.message && a.ip === b.ip
    && a.endpoint === b.endpoint && a.status_code === b.status_code && a.response_time_ms === b.response_time_ms && a.bytes === b.bytes;
}

/**
 * Appends lines at `rate` per second until stopped. Timestamps are the write time (spread over
 * the batch interval, never going back). At each cue the producer switches to a fresh model
 * with the incident, run in lockstep with a twin without it: the first record where the two
 * differ is the incident's first line (exactly, not "some line after the start").
 */
export class Producer {
  private readonly formatter: LineFormatter;
  private model: LogModel;
  /** The twin without the pending incident, until the two diverge. */
  private shadow: { model: LogModel; incident: Incident } | null = null;
  private readonly cues: IncidentCue[];
  private readonly active: Incident[] = [];
  private fd: number;
  private fileId: string;
  private offset: number;
  private written = 0;
  private lastTs = 0;
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;
  private generation = 0;
  private readonly started: IncidentStart[] = [];
  private done: Promise<ProducerResult> | null = null;
  private finish: ((r: ProducerResult) => void) | null = null;

  constructor(private readonly opts: ProducerOptions) {
    if (!(opts.rate > 0)) throw new Error(`rate must be positive, got ${opts.rate}`);
    this.formatter = makeFormatter(opts.format, opts.seed ?? 42);
    this.model = new LogModel({ seed: opts.seed ?? 42 });
    this.cues = [...(opts.incidents ?? [])].sort((a, b) => a.at - b.at);
    if (opts.sink) ({ fd: this.fd, id: this.fileId, size: this.offset } = { fd: -1, id: '', size: 0 });
    else ({ fd: this.fd, id: this.fileId, size: this.offset } = this.open());
  }

  /** Start writing; resolves when durationMs has passed or stop() was called. */
  run(): Promise<ProducerResult> {
    this.done ??= new Promise((resolve) => {
      this.finish = resolve;
      this.t0 = Date.now();
      this.lastTs = this.t0;
      this.tick();
    });
    return this.done;
  }

  /** Stop after the current write. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.end();
  }

  private end(): void {
    if (!this.finish) return;
    const f = this.finish;
    this.finish = null;
    if (this.fd >= 0) closeSync(this.fd);
    f({ lines: this.written, bytes: this.offset, seconds: (Date.now() - this.t0) / 1000, incidents: this.started });
  }

  /** Open (or create) the output for appending; a new or emptied CSV file gets its header first. */
  private open(): { fd: number; id: string; size: number } {
    const fd = openSync(this.opts.out, 'a');
    const st = fstatSync(fd);
    let size = st.size;
    if (size === 0 && this.formatter.header !== null) size += writeSync(fd, `${this.formatter.header}\n`);
    return { fd, id: `${st.dev}:${st.ino}`, size };
  }

  /** Follow a rotation the way a logger with a watched file handler does: the path is another file now, so reopen it. */
  private reopenIfRotated(): void {
    if (this.opts.sink) return;
    let id: string | null = null;
    try {
      const st = statSync(this.opts.out);
      id = `${st.dev}:${st.ino}`;
    } catch {
      id = null;
    }
    if (id === this.fileId) {
      // copytruncate: the same file, emptied; O_APPEND writes go to its new end
      const size = fstatSync(this.fd).size;
      if (size < this.offset) this.offset = size === 0 && this.formatter.header !== null ? size + writeSync(this.fd, `${this.formatter.header}\n`) : size;
      return;
    }
    closeSync(this.fd);
    ({ fd: this.fd, id: this.fileId, size: this.offset } = this.open());
  }

  private tick(): void {
    const now = Date.now();
    const limit = this.opts.durationMs;
    const upTo = limit !== undefined ? Math.min(now, this.t0 + limit) : now;
    this.reopenIfRotated();
    this.writeUntil(upTo);
    if (limit !== undefined && now >= this.t0 + limit) {
      this.end();
      return;
    }
    // drift-free schedule: the next tick is due at the next multiple of batchMs since the start
    const every = this.opts.batchMs ?? 50;
    const next = this.t0 + (Math.floor((Date.now() - this.t0) / every) + 1) * every;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - Date.now()));
  }

  /** Write the lines due by `until`: rate * elapsed minus those already written, in one write. */
  private writeUntil(until: number): void {
    const due = Math.floor(((until - this.t0) * this.opts.rate) / 1000) - this.written;
    if (due <= 0) return;
    const from = this.lastTs;
    const parts: string[] = [];
    let firstOfIncident: { incident: Incident; index: number; line: string } | null = null;
    let bytesBefore = 0;
    for (let i = 0; i < due; i++) {
      // stratified over (from, until]: times never go back and end at the write time
      const t = Math.max(this.lastTs, from + Math.floor(((i + 1) * (until - from)) / due));
      this.switchIfCued(t);
      const rec = this.model.record(t);
      if (this.shadow) {
        const twin = this.shadow.model.record(t);
        if (!sameRecord(rec, twin)) {
          firstOfIncident ??= { incident: this.shadow.incident, index: i, line: '' };
          this.shadow = null;
        }
      }
      const line = `${this.formatter.line(rec)}\n`;
      if (firstOfIncident && firstOfIncident.index === i) {
        firstOfIncident.line = line.slice(0, -1);
        bytesBefore = parts.reduce((s, p) => s + Buffer.byteLength(p), 0);
      }
      parts.push(line);
      this.lastTs = t;
    }
    const start = this.offset;
    let buf: { length: number };
    if (this.opts.sink) {
      this.opts.sink(parts);
      buf = { length: parts.reduce((s, p) => s + Buffer.byteLength(p), 0) };
    } else {
      const b = Buffer.from(parts.join(''), 'utf8');
      let off = 0;
      while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
      buf = b;
    }
    const at = Date.now();
    this.offset += buf.length;
    this.written += due;
    this.opts.onWrite?.({ start, end: this.offset, lines: due, at });
    if (firstOfIncident) {
      const s: IncidentStart = { incident: firstOfIncident.incident, writtenAt: at, offset: start + bytesBefore, line: firstOfIncident.line };
      this.started.push(s);
      this.opts.onIncidentStart?.(s);
    }
  }

  /**
   * At a cue's time: a fresh model with every incident still running plus the new one, and its
   * twin without it. The seed stays: it also fixes the system's population (clients, users), which
   * must not change because an incident began.
   */
  private switchIfCued(t: number): void {
    while (this.cues.length > 0 && this.cues[0]!.at <= t) {
      const cue = this.cues.shift()!;
      const seed = this.opts.seed ?? 42;
      const inc = injectIncident(cue.type, cue.at, { seed: (seed + ++this.generation * 0x9e37) >>> 0, durationMs: cue.durationMs, services: cue.services });
      const live = this.active.filter((i) => i.end > t);
      this.active.length = 0;
      this.active.push(...live, inc);
      this.model = new LogModel({ seed });
      const twin = new LogModel({ seed });
      for (const i of live) { this.model.addIncident(i); twin.addIncident(i); }
      this.model.addIncident(inc);
      this.shadow = { model: twin, incident: inc };
    }
  }
}

/** Parse a rate: '20000', '20000/s', '20k/s', '1.5k'. */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*(?:\/\s*s(?:ec)?)?\s*$/.exec(text);
  if (!m) throw new Error(`--rate must look like 20000/s or 20k/s, got '${text}'`);
  const n = Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6);
  if (!(n > 0)) throw new Error(`--rate must be positive, got '${text}'`);
  return n;
}

/** Parse a cue time: seconds after `start` ('90', '1.5') or an ISO 8601 time. */
export function parseAt(text: string, start: number): number {
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(text)) return start + Math.round(Number(text) * 1000);
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new Error(`--at must be seconds from the start or an ISO time, got '${text}'`);
  return t;
}
