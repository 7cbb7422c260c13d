/**
 * Line-exact reading of one partition. A partition [start, end) owns every line that
 * starts inside it: it skips the partial line at `start` (unless start is 0 or the
 * byte before it is a newline) and reads past `end` to finish its last line.
 * Lines end at '\n'; a trailing '\r' is dropped; the last line needs no newline.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Partition } from './plan.js';

export interface LineSink {
  /**
   * One physical line: buf[s, e) without its line end. `lineNo` is its 0-based index among
   * the lines this partition owns; `offset` its byte offset in the (uncompressed) file.
   * `owned` is false for lines past the partition's end, read only because the sink asked
   * to continue (multi-line records); return true to read another such line.
   */
  line(buf: Buffer, s: number, e: number, lineNo: number, offset: number, owned: boolean): boolean;
  /** The bytes of `buf` are about to be overwritten: finish anything that points into them. */
  flush(buf: Buffer): void;
}

export interface ReadStats {
  /** Physical lines owned (blank ones included). */
  lines: number;
  /** Bytes read from disk (compressed bytes for gzip). */
  bytesRead: number;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;
// One buffer per thread, reused task after task: memory does not grow with the file.
let shared: Buffer | null = null;

function takeBuffer(size: number): Buffer {
  if (!shared || shared.length < size) shared = Buffer.allocUnsafe(size);
  return shared;
}

/** State of the scan over the current buffer window. */
class Window {
  buf: Buffer;
  len = 0;
  /** File offset of buf[0]. */
  base: number;
  /** Position of the next line start in buf, or -1 while still looking for the first owned line. */
  pos = 0;
  lineNo = 0;
  pastEnd = false;
  done = false;
  /** The file starts with a byte order mark: its first line (still owned as the line at offset 0) starts 3 bytes in. */
  bom = false;

  constructor(buf: Buffer, base: number, readonly end: number, readonly sink: LineSink) {
    this.buf = buf;
    this.base = base;
  }

  /** Emit every complete line in buf[pos, len); at eof also the final unterminated line. */
  scan(eof: boolean): void {
    const buf = this.buf;
    const sink = this.sink;
    // inline the line loop for performance: one indexOf per line, no allocation
    while (!this.done) {
      const s = this.pos;
      if (s >= this.len) {
        if (eof) this.done = true;
        return;
      }
      const fileOff = this.base + s;
      if (fileOff >= this.end && !this.pastEnd) {
        // every owned line is read; continuation lines only if the sink asked
        this.pastEnd = true;
        this.wantMore = this.lastWant;
        if (!this.wantMore) { this.done = true; return; }
      }
      let nl = buf.indexOf(10, s);
      if (nl < 0 || nl >= this.len) {
        if (!eof) return;
        nl = this.len;
      }
      let e = nl;
      if (e > s && buf[e - 1] === 13) e--;
      if (this.pastEnd) {
        this.wantMore = sink.line(buf, s, e, this.lineNo, fileOff, false);
        if (!this.wantMore) { this.done = true; return; }
      } else {
        this.lastWant = sink.line(buf, fileOff === 0 && this.bom ? s + 3 : s, e, this.lineNo++, fileOff, true);
      }
      this.pos = nl + 1;
    }
  }

  lastWant = false;
  wantMore = false;

  /** Make room: keep the unfinished line, drop consumed bytes. */
  compact(minFree: number): void {
    this.sink.flush(this.buf);
    const keep = this.len - this.pos;
    if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.len);
      this.base += this.pos;
      this.len = keep;
      this.pos = 0;
    }
    if (this.buf.length - this.len < minFree) {
      // a line longer than the buffer: grow (it belongs to this partition whatever its length)
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + minFree));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
  }
}

/**
 * A UTF-8 byte order mark at the start of a file is not part of its first line (Windows tools
 * write one; left in, it would make the first line malformed or its first field `\uFEFF...`).
 * Called once, after the file's first bytes land in the window; the line at offset 0 keeps its
 * offset (so its partition still owns it), its text starts after the mark.
 */
function skipBom(w: Window): void {
  if (w.base === 0 && w.pos === 0 && w.len >= 3 && w.buf[0] === 0xef && w.buf[1] === 0xbb && w.buf[2] === 0xbf) w.bom = true;
}

/** Read the lines a partition owns, calling `sink` for each; synchronous, reused buffers. */
export function readPartition(part: Partition, sink: LineSink, chunkSize = DEFAULT_CHUNK): ReadStats {
  if (part.gzip) throw new Error('gzip partitions are streamed: use readGzipPartition');
  const fd = openSync(part.file, 'r');
  let bytesRead = 0;
  try {
    const buf = takeBuffer(chunkSize);
    // start one byte early: if that byte is a newline, a line starts exactly at `start`
    const from = part.start > 0 ? part.start - 1 : 0;
    const w = new Window(buf, from, part.end, sink);
    let filePos = from;
    let eof = false;
    let skipping = part.start > 0;
    while (!w.done) {
      if (w.buf.length - w.len < chunkSize / 4 || w.len === w.buf.length) w.compact(chunkSize / 4);
      const n = readSync(fd, w.buf, w.len, w.buf.length - w.len, filePos);
      if (n === 0) eof = true;
      filePos += n;
      bytesRead += n;
      w.len += n;
      if (from === 0 && bytesRead === n) skipBom(w);
      if (skipping) {
        const nl = w.buf.indexOf(10, 0);
        if (nl < 0 || nl >= w.len) {
          if (eof) break; // the partition holds only the tail of a line owned by its predecessor
          w.pos = w.len; // keep looking in the next read
          continue;
        }
        w.pos = nl + 1;
        skipping = false;
      }
      w.scan(eof);
      if (eof) break;
    }
    sink.flush(w.buf);
    if (w.buf !== buf) shared = w.buf;
    return { lines: w.lineNo, bytesRead };
  } finally {
    closeSync(fd);
  }
}

/** Stream a gzip file (one unsplittable partition) through the same line scanner. */
export async function readGzipPartition(part: Partition, sink: LineSink, chunkSize = DEFAULT_CHUNK): Promise<ReadStats> {
  const buf = takeBuffer(chunkSize);
  const w = new Window(buf, 0, Number.POSITIVE_INFINITY, sink);
  const raw = createReadStream(part.file, { highWaterMark: 1024 * 1024 });
  let bytesRead = 0;
  raw.on('data', (c) => (bytesRead += c.length));
  const stream = raw.pipe(createGunzip({ chunkSize: 256 * 1024 }));
  let bomChecked = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let off = 0;
    while (off < chunk.length) {
      if (w.buf.length - w.len < Math.min(chunk.length - off, chunkSize / 4)) w.compact(chunkSize / 4);
      const n = Math.min(chunk.length - off, w.buf.length - w.len);
      chunk.copy(w.buf, w.len, off, off + n);
      w.len += n;
      off += n;
      if (!bomChecked && w.len >= 3) { skipBom(w); bomChecked = true; }
      w.scan(false);
    }
  }
  w.scan(true);
  sink.flush(w.buf);
  if (w.buf !== buf) shared = w.buf;
  return { lines: w.lineNo, bytesRead };
}
