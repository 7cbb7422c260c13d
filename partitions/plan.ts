/**
 * Partition planning: cut input files into byte ranges. A partition owns the lines
 * that start inside [start, end) (Hadoop's rule, see lines.ts), so any cut is exact.
 */
import { stat } from 'node:fs/promises';
import { glob, isDynamicPattern } from 'tinyglobby';
import path from 'node:path';

/** An input path that does not exist, matches nothing or is not a file: the user's to fix (CLI exit 2). */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export interface Partition {
  /** Position in the plan: file order, then byte order. Merges and line numbering follow it. */
  index: number;
  file: string;
  start: number;
  end: number;
  /** Streamed whole (gzip): start is 0 and end is the compressed size. */
  gzip: boolean;
  /** Index of this partition within its file (0 = first). */
  part: number;
}

export interface PlanOptions {
  /** Target partition size in bytes (default 32 MiB). */
  partitionSize?: number;
  /** Keep at least this many partitions per worker so the pool stays balanced (default 4); 0 disables. */
  workers?: number;
  /** Smallest partition the balancing may cut down to (default 1 MiB). */
  minPartitionSize?: number;
  /** Files that must not be split (e.g. CSV with quoted newlines). */
  splittable?: boolean;
}

export interface InputFile {
  file: string;
  size: number;
  gzip: boolean;
}

export const DEFAULT_PARTITION_SIZE = 32 * 1024 * 1024;

/** Expand paths and globs to a sorted, de-duplicated list of files with their sizes. */
export async function resolveInputs(patterns: string | string[], cwd = process.cwd()): Promise<InputFile[]> {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const files = new Set<string>();
  for (const p of list) {
    if (isDynamicPattern(p)) {
      const found = await glob(p, { cwd, absolute: true, onlyFiles: true, expandDirectories: false });
      if (found.length === 0) throw new InputError(`input '${p}' matches no files`);
      for (const f of found.sort()) files.add(path.normalize(f));
    } else {
      const abs = path.resolve(cwd, p);
      let st;
      try {
        st = await stat(abs);
      } catch {
        throw new InputError(`input file '${p}' does not exist (resolved to ${abs})`);
      }
      if (!st.isFile()) throw new InputError(`input '${p}' is not a regular file`);
      files.add(abs);
    }
  }
  const out: InputFile[] = [];
  for (const file of files) {
    const st = await stat(file);
    out.push({ file, size: st.size, gzip: file.endsWith('.gz') });
  }
  return out;
}

/** Cut files into partitions of about `partitionSize` bytes (smaller when needed to give each worker several). */
export function planPartitions(files: InputFile[], opts: PlanOptions = {}): Partition[] {
  const target = effectivePartitionSize(files, opts);
  const parts: Partition[] = [];
  for (const f of files) {
    if (f.gzip || opts.splittable === false || f.size === 0) {
      parts.push({ index: parts.length, file: f.file, start: 0, end: f.size, gzip: f.gzip, part: 0 });
      continue;
    }
    const n = Math.max(1, Math.ceil(f.size / target));
    for (let k = 0; k < n; k++) {
      const start = Math.floor((f.size * k) / n);
      const end = Math.floor((f.size * (k + 1)) / n);
      parts.push({ index: parts.length, file: f.file, start, end, gzip: false, part: k });
    }
  }
  return parts;
}

/** The partition size actually used: the target, cut down so there are >= 4 partitions per worker. */
export function effectivePartitionSize(files: InputFile[], opts: PlanOptions): number {
  const target = opts.partitionSize ?? DEFAULT_PARTITION_SIZE;
  const workers = opts.workers ?? 0;
  if (workers <= 1) return target;
  const total = files.reduce((s, f) => s + (f.gzip ? 0 : f.size), 0);
  const balanced = Math.ceil(total / (4 * workers));
  const floor = Math.min(target, opts.minPartitionSize ?? 1024 * 1024);
  return Math.max(floor, Math.min(target, balanced));
}
