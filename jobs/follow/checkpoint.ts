/**
 * The follower's checkpoint: read offsets, merged aggregates and alert state in ONE file,
 * replaced atomically after every merge, so after a crash the offsets and the aggregates they
 * produced always agree (a line is never counted twice nor skipped).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Scalar } from '../../engine/expr.js';
import type { QuerySpec, ScanSpec } from '../../engine/plan.js';
import { writeFileAtomic } from '../report/atomic.js';
import type { SavedFile } from './tracker.js';

/** Running totals of the scan (what the summary reports). */
export interface Totals {
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  bytes: number;
  partitions: number;
  retries: number;
  /** Alert messages sent (firing and resolved). */
  alerts: number;
}

/** A malformed line kept as a sample, with its file and 1-based line number. */
export interface Sample {
  file: string;
  line: number;
  offset: number;
  reason: string;
  text: string;
}

/** One query's merged groups as GroupMerger.save() writes them. */
export type SavedGroups = { keys: Scalar[]; states: unknown[] }[];

/** Everything a restarted follower needs. */
export interface Checkpoint {
  version: 1;
  /** Hash of the scan and queries: aggregates of another plan cannot be resumed. */
  plan: string;
  savedAt: string;
  files: SavedFile[];
  totals: Totals;
  samples: Sample[];
  /** Per query, its saved groups (null for row queries). */
  mergers: (SavedGroups | null)[];
  /** The alert manager's state (AlertManager.toJSON()), null when none was saved. */
  alerts: unknown;
  /** What the source of the lines keeps with the offsets (broker ingestion: the messages applied). */
  extra?: unknown;
}

const savedFile = z.object({ id: z.string(), path: z.string(), head: z.string(), offset: z.number().int().nonnegative(), lines: z.number().int().nonnegative(), detached: z.boolean() });
const count = z.number().nonnegative();
const schema = z.object({
  version: z.literal(1),
  plan: z.string(),
  savedAt: z.string(),
  files: z.array(savedFile),
  totals: z.object({ lines: count, parsed: count, malformed: count, blank: count, bytes: count, partitions: count, retries: count, alerts: count }),
  samples: z.array(z.object({ file: z.string(), line: z.number(), offset: z.number(), reason: z.string(), text: z.string() })),
  mergers: z.array(z.array(z.object({ keys: z.array(z.union([z.string(), z.number(), z.null()])), states: z.array(z.unknown()) })).nullable()),
  alerts: z.unknown(),
  extra: z.unknown().optional(),
});

/** A checkpoint that cannot be used: unreadable, corrupt, or written for another plan. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** The plan identity a checkpoint is valid for: what is read and how, and every query. */
export function planHash(scan: Omit<ScanSpec, 'paths' | 'partitionSize'>, queries: readonly QuerySpec[]): string {
  const { format, options, multiline } = scan;
  return createHash('sha1').update(JSON.stringify({ format, options, multiline: multiline ?? false, queries })).digest('hex');
}

// Saved states hold typed arrays (sketches, HLL registers) and +-Infinity (empty min/max): JSON keeps neither.
type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;
const CTORS: Record<string, (b: Buffer) => TypedArray> = {
  Float64Array: (b) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Float32Array: (b) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Int32Array: (b) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Uint32Array: (b) => new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Int16Array: (b) => new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Uint16Array: (b) => new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Int8Array: (b) => new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  Uint8Array: (b) => new Uint8Array(b),
};

/** JSON text of a checkpoint: typed arrays as {$ta, b64}, non-finite numbers as {$num}. */
export function encodeCheckpoint(ck: Checkpoint): string {
  return JSON.stringify(ck, function (this: Record<string, unknown>, k: string, v: unknown) {
    // the holder's raw value: JSON.stringify has already applied Buffer's toJSON to `v`
    const raw = this[k];
    if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
      const name = Buffer.isBuffer(raw) ? 'Uint8Array' : raw.constructor.name;
      return { $ta: name, b64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    return v;
  });
}

/** Parse what encodeCheckpoint wrote; throws CheckpointError when it is not a checkpoint. */
export function decodeCheckpoint(text: string): Checkpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (_k, v: unknown) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        if (typeof o.$ta === 'string' && typeof o.b64 === 'string' && CTORS[o.$ta]) return CTORS[o.$ta]!(Buffer.from(o.b64, 'base64'));
        if (typeof o.$num === 'string' && Object.keys(o).length === 1) return Number(o.$num);
      }
      return v;
    });
  } catch (err) {
    throw new CheckpointError(`not JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointError(`not a logframe checkpoint: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data as Checkpoint;
}

/** Load the checkpoint at `file`; null when there is none yet. */
export function loadCheckpoint(file: string): Checkpoint | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return decodeCheckpoint(text);
  } catch (err) {
    throw new CheckpointError(`${file}: ${(err as Error).message}`);
  }
}

/** Replace the checkpoint atomically (temp file, fsync, rename): a crash leaves the old one or the new one. */
export async function saveCheckpoint(file: string, ck: Checkpoint): Promise<void> {
  await saveCheckpointText(file, encodeCheckpoint(ck));
}

/** saveCheckpoint for a checkpoint already encoded (the snapshot is taken at one moment, written later). */
export async function saveCheckpointText(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text);
}
