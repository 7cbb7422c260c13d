/**
 * The follower's view of its input files, one poll at a time: which file is which (device+inode
 * plus a fingerprint of the first bytes), what each has had processed, and which byte ranges are
 * ready to read now. Rotation and truncation are decided here; see README.md for the cases.
 */
import { closeSync } from 'node:fs';
import {
  CAN_READ_BY_FD, NO_FINGERPRINT, compareHead, currentPath, fdPath, fingerprintOf, lastLineEnd, lastRecordStart,
  listInputs, openVerified, readAt, startsWith, statFd, statPath, FINGERPRINT_BYTES, type Fingerprint,
} from './files.js';

/** One file the follower reads. */
export interface TrackedFile {
  /** `dev:ino`. */
  id: string;
  /** Where the file is: the name its lines are reported under (what a batch run would call it). */
  path: string;
  fp: Fingerprint;
  /** Bytes fully processed; always a line start (a record start in multi-line mode). */
  offset: number;
  /** Physical lines in [0, offset): keeps line numbers file-absolute. */
  lines: number;
  /** Open descriptor: the file stays readable after a rename or delete. Null until re-found after a restart. */
  fd: number | null;
  /** No longer matched by the globs (renamed away or deleted): read to its end through fd, then closed. */
  detached: boolean;
  /** Size at the last poll: a file that shrinks was truncated. */
  lastSize: number;
  /** When (ms) the size last changed. */
  grewAt: number;
  /** Restored from a checkpoint and not found under any name the inputs match since then (ms). */
  missingSince?: number;
}

/**
 * How long (ms) a file restored from a checkpoint may go unfound before it counts as gone. The
 * inputs are listed, then each name is stat'ed: a rotation that shifts app.log.N to app.log.N+1
 * in between hides a file from one poll (its old name now holds the previous file, its new name
 * was not listed). Declared gone at once, it was forgotten, then found at the next poll as a new
 * file and read again from its start: lines counted twice (seen in exactly-once.test.ts,
 * copytruncate, under load).
 */
const MISSING_GRACE_MS = 5_000;

/** Looks at the inputs per poll before giving up until the next one: renames kept landing in between. */
const LOOK_ATTEMPTS = 5;

/** One look at where the files are (see FileTracker.look). */
interface Look {
  /** Identity -> name and size, for every file the inputs match. */
  seen: Map<string, { path: string; size: number }>;
  /** Identity -> where its descriptor says it is (null: deleted), for open tracked files not in `seen`. */
  moved: Map<string, string | null>;
}

/** Whether two looks give every identity the same name (sizes may differ: files grow). */
function sameNames(a: Look, b: Look): boolean {
  if (a.seen.size !== b.seen.size || a.moved.size !== b.moved.size) return false;
  for (const [id, s] of a.seen) if (b.seen.get(id)?.path !== s.path) return false;
  for (const [id, p] of a.moved) if (!b.moved.has(id) || b.moved.get(id) !== p) return false;
  return true;
}

/** Whether no name is given to two files (names in `seen` are distinct: one stat per name). */
function oneFilePerName(l: Look): boolean {
  const names = new Set([...l.seen.values()].map((s) => s.path));
  for (const p of l.moved.values()) {
    if (p === null) continue;
    if (names.has(p)) return false;
    names.add(p);
  }
  return true;
}

/** A tracked file as the checkpoint stores it. */
export interface SavedFile {
  id: string;
  path: string;
  /** The fingerprint's bytes, base64. */
  head: string;
  offset: number;
  lines: number;
  detached: boolean;
}

/** Bytes ready to process: [start, end) of `file`, opened by workers at `readPath`. */
export interface ReadRange {
  file: TrackedFile;
  start: number;
  end: number;
  /** The file's path, or /proc/self/fd/N for a detached file (renamed away or deleted). */
  readPath: string;
  /**
   * The file's fingerprint once the range is processed, taken when the range was planned: it is
   * of the bytes read, not of whatever the file holds by the time the pass ends.
   */
  fp: Fingerprint;
}

/** Tuning and hooks of the tracker. */
export interface TrackerOptions {
  /** Files or globs. */
  patterns: readonly string[];
  cwd?: string;
  /** Multi-line records: the test for a line that starts one, per file; null for one record per line. */
  recordStart: ((file: TrackedFile) => (line: Buffer) => boolean) | null;
  /** A held-back multi-line record is processed after its file has not grown for this long (ms). */
  multilineFlushMs: number;
  /** A detached file is closed after it has not grown for this long (ms). */
  closeInactiveMs: number;
  /** Complete lines a fingerprint needs before it can recognise a copy (2 when a header line is the same in every file). */
  minFingerprintLines: number;
  /** One line per notable event (rotation, truncation, lost data). */
  log: (line: string) => void;
  now?: () => number;
}

/** What one poll found. */
export interface PollResult {
  ranges: ReadRange[];
  /** Renames of data already processed (old name -> new), applied all at once. */
  relabels: Map<string, string>;
  /** The tracked set changed (a checkpoint is due even with no new bytes). */
  changed: boolean;
}

/** Tracks the input files across polls. */
export class FileTracker {
  private files: TrackedFile[] = [];
  /** Files whose content is a copy of a tracked file's (same fingerprint, other inode): not read, by id -> id of the original. */
  private readonly duplicates = new Map<string, string>();
  private readonly now: () => number;
  /** Compressed files already reported as skipped. */
  private readonly skipped = new Set<string>();

  constructor(private readonly opts: TrackerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The tracked files. */
  get tracked(): readonly TrackedFile[] {
    return this.files;
  }

  /** Take over the files of a checkpoint; they are re-found (or found gone) at the next poll. */
  restore(saved: readonly SavedFile[]): void {
    const now = this.now();
    this.files = saved.map((s) => {
      const head = Buffer.from(s.head, 'base64');
      let lines = 0;
      for (let i = head.indexOf(10); i >= 0; i = head.indexOf(10, i + 1)) lines++;
      return { id: s.id, path: s.path, fp: { head, lines }, offset: s.offset, lines: s.lines, fd: null, detached: s.detached, lastSize: s.offset, grewAt: now };
    });
  }

  /** The tracked files as the checkpoint stores them. */
  save(): SavedFile[] {
    const ids = new Set(this.files.map((f) => f.id));
    if (ids.size !== this.files.length) throw new Error(`internal: a file is tracked twice (${this.files.map((f) => `${f.id} ${f.path}`).join(', ')})`);
    return this.files.map((f) => ({ id: f.id, path: f.path, head: f.fp.head.toString('base64'), offset: f.offset, lines: f.lines, detached: f.detached }));
  }

  /**
   * Whether a range read by the engine is good: the file still holds all of it and still starts
   * with the bytes it started with when the range was planned. A truncation (copytruncate) during
   * the pass fails this, and so does a rename when the range was read by name (the name may have
   * led the workers to the new file): the range is then planned again at the next poll.
   */
  stillValid(r: ReadRange): boolean {
    const f = r.file;
    if (f.fd === null) return false;
    if (statFd(f.fd).size < r.end || readAt(f.fd, r.end - 1, 1)[0] !== 10 || !startsWith(f.fd, r.fp)) return false;
    return r.readPath !== f.path || statPath(f.path)?.id === f.id;
  }

  /** Record that range `r` was processed: `lines` physical lines. */
  commit(r: ReadRange, lines: number): void {
    r.file.offset = r.end;
    r.file.lines += lines;
    r.file.fp = r.fp;
  }

  /**
   * Where every file is now: each identity the inputs match, with its name and size, and for each
   * open tracked file they do not match, where its descriptor says it is. Listing and stat'ing
   * are not one atomic step: a rotation that renames app.log.N to app.log.N+1 while the names are
   * stat'ed (in listing order, app.log.10 before app.log.2) can leave a file under its old name
   * while another is found under that same name, and two files under one name is data merged
   * under one label for good (seen in exactly-once.test.ts, rename). So the inputs are looked at
   * until two looks in a row agree on every name, and a look that gives one name to two files is
   * never used. Null when the files kept moving (the next poll looks again).
   */
  private async look(): Promise<Look | null> {
    let last: Look | null = null;
    for (let attempt = 0; attempt < LOOK_ATTEMPTS; attempt++) {
      const seen = new Map<string, { path: string; size: number }>();
      for (const p of await listInputs(this.opts.patterns, this.opts.cwd)) {
        if (p.endsWith('.gz')) {
          // a compressed rotation holds lines already read from the plain file before it was compressed
          if (!this.skipped.has(p)) this.opts.log(`skipping ${p}: follow mode reads plain files (a compressed rotation's lines were read before it was compressed)`);
          this.skipped.add(p);
          continue;
        }
        const st = statPath(p);
        // hard links: one identity, read once, under its first name
        if (st && !seen.has(st.id)) seen.set(st.id, { path: p, size: st.size });
      }
      const moved = new Map<string, string | null>();
      for (const f of this.files) if (f.fd !== null && !seen.has(f.id)) moved.set(f.id, currentPath(f.fd, f.id));
      const look: Look = { seen, moved };
      if (last !== null && sameNames(last, look) && oneFilePerName(look)) return look;
      last = look;
    }
    return null;
  }

  /** Look at the files: identities, rotations, truncations, and the byte ranges ready to read. */
  async poll(): Promise<PollResult> {
    const now = this.now();
    const look = await this.look();
    if (look === null) return { ranges: [], relabels: new Map(), changed: false };
    const { seen } = look;
    const labelAtStart = new Map(this.files.map((f) => [f, f.path]));
    const relabels = new Map<string, string>();
    let changed = false;
    const truncated: { file: TrackedFile; why: string }[] = [];
    const lost: TrackedFile[] = [];
    for (const f of this.files) {
      const at = seen.get(f.id);
      if (f.fd === null) {
        // restored from a checkpoint: re-open it where it is now, if it is still the same file
        // (same inode, other content: truncated while stopped, handled as any truncation below)
        const where = at?.path ?? f.path;
        const fd = openVerified(where, f.id);
        if (fd === null) {
          // look again at the next polls before calling it gone (see MISSING_GRACE_MS)
          f.missingSince ??= now;
          if (now - f.missingSince >= MISSING_GRACE_MS) lost.push(f);
          continue;
        }
        f.missingSince = undefined;
        f.fd = fd;
        f.detached = !at;
        f.path = where;
      }
      const size = statFd(f.fd).size;
      if (size < f.lastSize || !startsWith(f.fd, f.fp)) {
        truncated.push({ file: f, why: size < f.lastSize ? `it shrank from ${f.lastSize} to ${size} bytes` : 'its first bytes changed' });
        continue;
      }
      if (size !== f.lastSize) { f.lastSize = size; f.grewAt = now; }
      if (at) {
        f.detached = false;
        f.path = at.path;
      } else if (!f.detached) {
        f.detached = true;
        changed = true;
        const moved = look.moved.get(f.id) ?? null;
        f.path = moved ?? `${f.path} (deleted)`;
        this.opts.log(moved
          ? `${labelAtStart.get(f)} was renamed to ${moved}, which the inputs do not match: reading it to its end, then closing it`
          : `${labelAtStart.get(f)} was deleted: reading what is left of it through its open descriptor, then closing it`);
      }
    }

    const claimed = new Set(this.files.map((f) => f.id));
    const unknown = [...seen].filter(([id]) => !claimed.has(id));
    /** A file among the unknown ones holding `f`'s content under another inode (a copy), if any. */
    const copyOf = (f: TrackedFile): { id: string; path: string; size: number } | null => {
      if (f.fp.lines < this.opts.minFingerprintLines) return null;
      for (const [id, c] of unknown) {
        if (claimed.has(id)) continue;
        const fd = openVerified(c.path, id);
        if (fd === null) continue;
        try {
          if (compareHead(fd, c.size, f.fp) === 'same') return { id, ...c };
        } finally {
          closeSync(fd);
        }
      }
      return null;
    };
    const adopt = (from: TrackedFile, c: { id: string; path: string; size: number }, why: string): void => {
      const fd = openVerified(c.path, c.id);
      if (fd === null) return;
      claimed.add(c.id);
      this.duplicates.delete(c.id);
      // the copy's bytes up to the offset are the ones already processed: go on from there
      this.files.push({ id: c.id, path: c.path, fp: from.fp, offset: from.offset, lines: from.lines, fd, detached: false, lastSize: c.size, grewAt: now });
      relabels.set(labelAtStart.get(from) ?? from.path, c.path);
      this.opts.log(`${why}: ${c.path} has its content (same first ${from.fp.head.length} bytes); going on from byte ${from.offset} of it`);
    };

    for (const { file: f, why } of truncated) {
      changed = true;
      const c = copyOf(f);
      if (c) adopt(f, c, `${f.path} was truncated (copytruncate: ${why})`);
      else if (f.offset > 0) this.opts.log(`${f.path} was truncated or replaced in place (${why}): reading it again from the start (the ${f.offset} bytes read before stay counted)`);
      const size = statFd(f.fd!).size;
      Object.assign(f, { fp: NO_FINGERPRINT, offset: 0, lines: 0, lastSize: size, grewAt: now });
    }
    for (const f of lost) {
      changed = true;
      const c = copyOf(f);
      if (c) adopt(f, c, `${f.path} moved while logframe was stopped`);
      else this.opts.log(`${f.path} (read up to byte ${f.offset}) is gone since the checkpoint: bytes written to it after that, if any, were not read`);
    }
    this.files = this.files.filter((f) => !lost.includes(f));

    // files seen for the first time: a copy of a tracked file (ignored), or new (read from the start)
    for (const [id, c] of unknown) {
      if (claimed.has(id)) continue;
      const fd = openVerified(c.path, id);
      if (fd === null) continue;
      let verdict: 'new' | 'copy' | 'wait' = 'new';
      let original: TrackedFile | null = null;
      for (const f of this.files) {
        if (f.fp.head.length === 0) continue;
        const cmp = compareHead(fd, c.size, f.fp);
        // a shorter file that agrees so far may be a copy still being written: decide when it is longer
        if (cmp === 'prefix') verdict = 'wait';
        if (cmp === 'same' && f.fp.lines >= this.opts.minFingerprintLines) { verdict = 'copy'; original = f; break; }
      }
      if (verdict === 'new') {
        claimed.add(id);
        this.duplicates.delete(id);
        this.files.push({ id, path: c.path, fp: NO_FINGERPRINT, offset: 0, lines: 0, fd, detached: false, lastSize: c.size, grewAt: now });
        changed = true;
        continue;
      }
      closeSync(fd);
      if (verdict === 'copy' && this.duplicates.get(id) !== original!.id) {
        this.duplicates.set(id, original!.id);
        this.opts.log(`${c.path} is a copy of ${original!.path} (same first ${original!.fp.head.length} bytes): not read while the original is followed`);
      }
    }

    // renames of files already read: their data takes the new name
    for (const f of this.files) {
      const was = labelAtStart.get(f);
      if (was !== undefined && was !== f.path && !relabels.has(was)) {
        relabels.set(was, f.path);
        changed = true;
        if (!f.detached) this.opts.log(`${was} was renamed to ${f.path}: reading on from byte ${f.offset}`);
      }
    }

    const ranges: ReadRange[] = [];
    const closing: TrackedFile[] = [];
    for (const f of this.files) {
      if (f.fd === null) continue;
      const size = f.lastSize;
      let end = size > f.offset ? lastLineEnd(f.fd, f.offset, size) : f.offset;
      const rec = this.opts.recordStart;
      if (rec && end > f.offset && now - f.grewAt < this.opts.multilineFlushMs) {
        // the last record may go on in bytes not written yet: hold it back until the next one starts
        end = lastRecordStart(f.fd, f.offset, end, rec(f));
      }
      if (end > f.offset) {
        if (f.detached && !CAN_READ_BY_FD) {
          this.opts.log(`${f.path}: cannot read a file renamed away on ${process.platform}; ${end - f.offset} bytes skipped`);
          closing.push(f);
          continue;
        }
        const fp = f.fp.head.length < FINGERPRINT_BYTES ? fingerprintOf(f.fd, end) : f.fp;
        // truncated since the check above: the next poll sees it
        if (!fp.head.subarray(0, f.fp.head.length).equals(f.fp.head)) continue;
        ranges.push({ file: f, start: f.offset, end, readPath: f.detached ? fdPath(f.fd) : f.path, fp });
      } else if (f.detached && now - f.grewAt >= this.opts.closeInactiveMs) {
        closing.push(f);
      }
    }
    for (const f of closing) {
      changed = true;
      closeSync(f.fd!);
      f.fd = null;
      this.files = this.files.filter((x) => x !== f);
      const partial = f.lastSize - f.offset;
      this.opts.log(`closed ${f.path} after ${Math.round(this.opts.closeInactiveMs / 1000)} s without growth${partial > 0 ? `; its last ${partial} bytes have no line end and were not read` : ''}`);
      // a copy of it (ignored so far) now carries its content: it goes on from the same offset
      for (const [dup, orig] of this.duplicates) {
        if (orig !== f.id || claimed.has(dup)) continue;
        const st = seen.get(dup);
        if (st) adopt(f, { id: dup, ...st }, `${f.path} was closed`);
      }
    }
    for (const [dup, orig] of this.duplicates) if (!this.files.some((f) => f.id === orig) || !seen.has(dup)) this.duplicates.delete(dup);
    return { ranges, relabels, changed };
  }

  /** Close every descriptor. */
  close(): void {
    for (const f of this.files) {
      if (f.fd !== null) closeSync(f.fd);
      f.fd = null;
    }
  }
}
