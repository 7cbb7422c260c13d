/**
 * File identity for follow mode: which files the globs match now, a file's device+inode, and
 * a fingerprint of its first bytes, so a file keeps its read offset across renames and a copy
 * (copytruncate) can be told from a new file.
 */
import { closeSync, fstatSync, openSync, readlinkSync, readSync, statSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** Bytes of a file's head that identify it (Vector and Filebeat use up to a few KiB). */
export const FINGERPRINT_BYTES = 4096;

/** A file's first bytes (up to FINGERPRINT_BYTES, only bytes already processed); `lines` counts the newlines in them. */
export interface Fingerprint {
  head: Buffer;
  lines: number;
}

/** No fingerprint yet: the file had no complete line when last seen. */
export const NO_FINGERPRINT: Fingerprint = { head: Buffer.alloc(0), lines: 0 };

/** What stat says about one file: its identity (`dev:ino`, as text since either may exceed 2^53) and size. */
export interface FileStat {
  id: string;
  size: number;
}

/** The identity and size of a stat result. */
export function fileStatOf(st: BigIntStats): FileStat {
  return { id: `${st.dev}:${st.ino}`, size: Number(st.size) };
}

/** stat a path; null when it is gone or not a regular file. */
export function statPath(file: string): FileStat | null {
  try {
    const st = statSync(file, { bigint: true });
    return st.isFile() ? fileStatOf(st) : null;
  } catch {
    return null;
  }
}

/** fstat an open file. */
export function statFd(fd: number): FileStat {
  return fileStatOf(fstatSync(fd, { bigint: true }));
}

/** Open `file` for reading if it is still the file `id`; null when it is gone or was swapped since its stat. */
export function openVerified(file: string, id: string): number | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  if (statFd(fd).id === id) return fd;
  closeSync(fd);
  return null;
}

/**
 * The regular files the patterns match now, sorted, each once. Unlike the batch job's
 * resolveInputs, a pattern that matches nothing is not an error: in follow mode the file may
 * not exist yet (the writer creates it later) or may be between a rotation's rename and create.
 */
export async function listInputs(patterns: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const out = new Set<string>();
  for (const p of patterns) {
    if (isDynamicPattern(p)) {
      const found = await glob(p, { cwd, absolute: true, onlyFiles: true, expandDirectories: false });
      for (const f of found.sort()) out.add(path.normalize(f));
    } else {
      out.add(path.resolve(cwd, p));
    }
  }
  return [...out];
}

/** Read up to `length` bytes at `position`; fewer at end of file. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(Math.max(0, length));
  let n = 0;
  while (n < length) {
    const k = readSync(fd, buf, n, length - n, position + n);
    if (k === 0) break;
    n += k;
  }
  return buf.subarray(0, n);
}

/** The fingerprint of the first min(processed, FINGERPRINT_BYTES) bytes of an open file. */
export function fingerprintOf(fd: number, processed: number): Fingerprint {
  const head = readAt(fd, 0, Math.min(processed, FINGERPRINT_BYTES));
  let lines = 0;
  for (let i = head.indexOf(10); i >= 0; i = head.indexOf(10, i + 1)) lines++;
  return { head: Buffer.from(head), lines };
}

/** Whether the open file still starts with the fingerprint's bytes (an empty fingerprint matches anything). */
export function startsWith(fd: number, fp: Fingerprint): boolean {
  if (fp.head.length === 0) return true;
  return readAt(fd, 0, fp.head.length).equals(fp.head);
}

/**
 * How an open file's head compares with a fingerprint: 'same' (it starts with those bytes),
 * 'prefix' (it is shorter, and all it has so far agrees: maybe a copy still being written),
 * or 'different'.
 */
export function compareHead(fd: number, size: number, fp: Fingerprint): 'same' | 'prefix' | 'different' {
  const n = Math.min(size, fp.head.length);
  const head = readAt(fd, 0, n);
  if (!head.equals(fp.head.subarray(0, head.length))) return 'different';
  return head.length === fp.head.length ? 'same' : 'prefix';
}

/** The path through which any thread of this process can read open descriptor `fd` (Linux only). */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

/** Whether other threads can open this process's descriptors by path (/proc/self/fd, Linux). */
export const CAN_READ_BY_FD = process.platform === 'linux';

/**
 * Where an open file lives now (Linux: readlink of its descriptor), or null when it was deleted
 * or the platform cannot tell. Verified: the path must stat to the same identity.
 */
export function currentPath(fd: number, id: string): string | null {
  if (!CAN_READ_BY_FD) return null;
  let target: string;
  try {
    target = readlinkSync(fdPath(fd));
  } catch {
    return null;
  }
  if (target.endsWith(' (deleted)')) return null;
  return statPath(target)?.id === id ? target : null;
}

/**
 * Offset just past the last newline in [from, size) of an open file, or `from` when there is
 * none (a partial line waits for its end). Reads backwards from the end in chunks.
 */
export function lastLineEnd(fd: number, from: number, size: number): number {
  const CHUNK = 64 * 1024;
  let end = size;
  while (end > from) {
    const start = Math.max(from, end - CHUNK);
    const buf = readAt(fd, start, end - start);
    const nl = buf.lastIndexOf(10);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return from;
}

/**
 * Offset of the start of the last record in [from, end) (multi-line mode), where `from` is a
 * record start and `end` a line end; `from` when no later line starts a record (the record at
 * `from` may still grow). `startsRecord` gets one line without its line end.
 */
export function lastRecordStart(fd: number, from: number, end: number, startsRecord: (line: Buffer) => boolean): number {
  const CHUNK = 256 * 1024;
  // buf holds [lo, lineEnd): the loaded chunk, cut back to the line being examined, so memory stays bounded
  let lo = end;
  let buf: Buffer = Buffer.alloc(0);
  // absolute position of the '\n' that ends the line examined next: the last line first
  let lineEnd = end - 1;
  while (lineEnd > from) {
    const nl = lineEnd - lo > 0 ? buf.lastIndexOf(10, lineEnd - lo - 1) : -1;
    if (nl >= 0) {
      if (isRecordLine(buf, nl + 1, lineEnd - lo, startsRecord)) return lo + nl + 1;
      lineEnd = lo + nl;
      continue;
    }
    if (lo === from) return from; // the line at `from` starts the record already held
    const newLo = Math.max(from, lo - CHUNK);
    buf = Buffer.concat([readAt(fd, newLo, lo - newLo), buf.subarray(0, Math.max(0, lineEnd - lo))]);
    lo = newLo;
  }
  return from;
}

function isRecordLine(buf: Buffer, s: number, e: number, startsRecord: (line: Buffer) => boolean): boolean {
  let end = e;
  if (end > s && buf[end - 1] === 13) end--;
  for (let i = s; i < end; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9) return startsRecord(buf.subarray(s, end));
  }
  return false;
}
