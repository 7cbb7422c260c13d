/**
 * 'line_sample': the training sample of the line-level forest, collected by the workers in the
 * job's one pass. A bottom-k sample: the k lines with the smallest hash of their content and
 * position (byte offset, timestamp, level, message length, response time). Which lines have the
 * smallest hashes does not depend on how the file was cut or in which order partials merge, so
 * the sample, and the forest trained on it, is the same for any partitioning; the hash leaves the
 * file name out, so a file renamed by rotation keeps its lines' hashes.
 */
import type { Aggregate, MapColumn } from '../../../engine/aggregate/aggregate.js';
import type { Batch } from '../../../engine/batch.js';

/** One sampled line: what its feature vector is built from. */
export interface SampleRow {
  h: number;
  offset: number;
  timestamp: number | null;
  level: number;
  service: string | null;
  rt: number | null;
  message: string;
}

const MAX_MESSAGE = 1000;

function fmix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 53-bit hash of a line's position and content fields (cheap: numbers only, no bytes scanned). */
export function lineHash(offset: number, timestamp: number, level: number, msgLength: number, rt: number): number {
  const ts = timestamp === timestamp ? timestamp : -1;
  const r = rt === rt ? Math.round(rt * 1000) : -1;
  let a = fmix((offset >>> 0) ^ 0x9e3779b9);
  a = fmix(a ^ Math.floor(offset / 4294967296) ^ Math.imul(level + 1, 0x27d4eb2d));
  a = fmix(a ^ (ts >>> 0));
  let b = fmix(a ^ Math.floor(ts / 4294967296) ^ 0x165667b1);
  b = fmix(b ^ (msgLength >>> 0));
  b = fmix(b ^ (r >>> 0) ^ Math.imul(Math.floor(r / 4294967296), 0x61c88647));
  return (a >>> 11) * 4294967296 + b;
}

const cmpStr = (a: string | null, b: string | null): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

/** Total order of sample rows: hash, then content, then offset (a full tie is the same line). */
export function sampleOrder(a: SampleRow, b: SampleRow): number {
  return a.h - b.h || (a.timestamp ?? -1) - (b.timestamp ?? -1) || a.level - b.level || cmpStr(a.service, b.service)
    || cmpStr(a.message, b.message) || (a.rt ?? -1) - (b.rt ?? -1) || a.offset - b.offset;
}

function keepSmallest(rows: SampleRow[], k: number): SampleRow[] {
  rows.sort(sampleOrder);
  if (rows.length > k) rows.length = k;
  return rows;
}

/**
 * Drop the rows that cannot be among the k smallest, in linear time: every one of those has a
 * hash at most the k-th smallest hash, so the rows above it go (ties stay, so this keeps k or a
 * few more). Returns that hash: the cut a new row must not exceed. Sorting instead, each time the
 * list doubled, took 0.8 s of the sample's 1.4 s of CPU on the 5M-line benchmark file (a
 * profile under load).
 */
export function cutAbove(rows: SampleRow[], k: number): number {
  const hs = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) hs[i] = rows[i]!.h;
  const cut = kthSmallest(hs, k - 1);
  let n = 0;
  for (const r of rows) if (r.h <= cut) rows[n++] = r;
  rows.length = n;
  return cut;
}

/** The k-th smallest value (0-based) of xs, which it reorders (Hoare's quickselect, middle pivot). */
function kthSmallest(xs: Float64Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!; xs[i] = xs[j]!; xs[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k]!;
  }
  return xs[k]!;
}

const kOf = (spec: { params?: Record<string, unknown> }): number => Number(spec.params?.k ?? 4096);

/** The k lines with the smallest hashes (one group: the query has no group keys). */
export const lineSample: Aggregate<SampleRow[]> = {
  kind: 'line_sample',
  input: 'row',
  // what update reads (the offset is the batch's own): the parser skips the rest
  rowFields: ['timestamp', 'level', 'service', 'response_time_ms', 'message'],
  map(spec): MapColumn {
    const k = kOf(spec);
    const groups: SampleRow[][] = [];
    const cut: number[] = [];
    return {
      init: (n) => { while (groups.length < n) { groups.push([]); cut.push(Number.POSITIVE_INFINITY); } },
      update: (g, _v, b?: Batch, i?: number) => {
        if (!b || i === undefined || k <= 0) return;
        const s = b.msgStart[i]!;
        // a quoted CSV message's length is its unescaped string's, as when parsers built it as a string
        const len = s < 0 ? (b.messageText[i]?.length ?? 0) : b.msgQuoted[i] === 1 ? b.message(i)!.length : b.msgEnd[i]! - s;
        const h = lineHash(b.offset[i]!, b.timestamp[i]!, b.level[i]!, len, b.response_time_ms[i]!);
        // hot path: almost every line fails this one comparison once the sample has filled
        if (h > cut[g]!) return;
        const svc = b.service[i]!;
        const ts = b.timestamp[i]!;
        const rt = b.response_time_ms[i]!;
        const rows = groups[g]!;
        rows.push({
          h, offset: b.offset[i]!, timestamp: ts === ts ? ts : null, level: b.level[i]!,
          service: svc >= 0 ? b.dicts.service.values[svc]! : null, rt: rt === rt ? rt : null,
          message: (b.message(i) ?? '').slice(0, MAX_MESSAGE),
        });
        if (rows.length >= 2 * k) cut[g] = cutAbove(rows, k);
      },
      encode: (n) => groups.slice(0, n).map((r) => keepSmallest(r, k)),
    };
  },
  decode: (enc, g) => (enc as SampleRow[][])[g]!,
  merge: (a, b, spec) => keepSmallest([...a, ...b], kOf(spec)),
  finish: (r) => r.length,
  outputType: () => 'int',
  save: (r) => r,
  restore: (x) => x as SampleRow[],
};
