/**
 * Quantiles from DDSketch (@datadog/sketches-js): a mergeable sketch with bounded relative
 * error. With the default relative accuracy α = 0.01 every reported quantile q̂ of positive
 * values satisfies |q̂ - q| <= 0.01·q, where q is some value of the data at that rank.
 * Bins hold integer counts, so merging is exact and order-independent.
 */
import { createRequire } from 'node:module';
import type { DDSketch } from '@datadog/sketches-js';
import type { Aggregate, AggSpec, MapColumn } from './aggregate.js';

type SketchLib = typeof import('@datadog/sketches-js');
let lib: SketchLib | null = null;
/**
 * The DDSketch class, loaded on first use: a worker thread that runs no quantile does not pay the
 * ~10 ms its module graph (protobufjs) takes to load.
 */
function Sketch(): SketchLib['DDSketch'] {
  lib ??= createRequire(import.meta.url)('@datadog/sketches-js') as SketchLib;
  return lib.DDSketch;
}

export const DEFAULT_RELATIVE_ACCURACY = 0.01;

function accuracy(spec: AggSpec): number {
  const a = spec.params?.accuracy;
  return typeof a === 'number' ? a : DEFAULT_RELATIVE_ACCURACY;
}

/**
 * A sketch as data: each store's bins over its key range (bins[k] counts key offset + k), the
 * count of zeros, and DDSketch's summary statistics (min, max, sum) as it keeps them. Not DDSketch's
 * protobuf: rebuilding a DenseStore from that adds the bins one key at a time from the lowest, and
 * the store grows and re-centres its array again and again (40 us for a sketch of 1,736 latencies
 * against 8 us from bins, in a microbenchmark; 0.41 s of the main thread in the job on the 5M-line
 * file, `--cpu-prof`); from bins the store grows once. The mapping is built from the accuracy, as
 * in the workers, so quantiles equal theirs to the last digit (the protobuf's, rebuilt from gamma,
 * moved the 13th).
 */
export interface EncodedSketch {
  offset: number;
  bins: Float64Array;
  negOffset: number;
  negBins: Float64Array;
  zero: number;
  min: number;
  max: number;
  sum: number;
}

type Store = DDSketch['store'];

/** Encoded (as the partial brought it), not decoded. */
function encoded(e: EncodedSketch | DDSketch): e is EncodedSketch {
  return (e as Partial<EncodedSketch>).bins !== undefined;
}

/** A new sketch holding the state's values (an empty one for null); `spec` gives the accuracy of an empty one. */
export function sketchOf(e: QuantileState, spec?: AggSpec): DDSketch {
  return decodeSketch(e === null || encoded(e) ? e : encodeSketch(e), spec ?? { kind: 'quantile', name: 'q' });
}

function binsOf(st: Store): { offset: number; bins: Float64Array } {
  if (st.count === 0 || st.maxKey < st.minKey) return { offset: 0, bins: new Float64Array(0) };
  return { offset: st.minKey, bins: Float64Array.from(st.bins.slice(st.minKey - st.offset, st.maxKey - st.offset + 1)) };
}

function encodeSketch(s: DDSketch): EncodedSketch | null {
  if (s.count === 0) return null;
  const pos = binsOf(s.store);
  const neg = binsOf(s.negativeStore);
  return { offset: pos.offset, bins: pos.bins, negOffset: neg.offset, negBins: neg.bins, zero: s.zeroCount, min: s.min, max: s.max, sum: s.sum };
}

/** Put the bins into an empty store: the whole key range first (one growth), then each count in place. */
function fill(st: Store, offset: number, bins: Float64Array): void {
  const n = bins.length;
  if (n === 0) return;
  st.add(offset, 0);
  st.add(offset + n - 1, 0);
  for (let k = 0; k < n; k++) if (bins[k] !== 0) st.add(offset + k, bins[k]);
}

function decodeSketch(e: EncodedSketch | null, spec: AggSpec): DDSketch {
  const s = new (Sketch())({ relativeAccuracy: accuracy(spec) });
  if (e === null) return s;
  fill(s.store, e.offset, e.bins);
  fill(s.negativeStore, e.negOffset, e.negBins);
  s.zeroCount = e.zero;
  s.count = s.store.count + s.negativeStore.count + e.zero;
  s.min = e.min;
  s.max = e.max;
  s.sum = e.sum;
  return s;
}

/**
 * b's values added to a. DDSketch 2.1.1's merge counts b's negative values but leaves them out of
 * a's negative store (it merges the positive one only): they are merged here.
 */
export function mergeSketch(a: DDSketch, b: DDSketch): void {
  const empty = a.count === 0;
  a.merge(b);
  // an empty `a` copies b whole, negatives included
  if (!empty && b.negativeStore.count > 0) a.negativeStore.merge(b.negativeStore);
}

/**
 * The reduce-side state of a quantile: the encoded sketch as the partial brought it, a DDSketch
 * once the group has been merged (null: no values). The job keeps one per minute (2,880 on the
 * 5M-line benchmark file) and most minutes lie in one partition, so they are never merged: they
 * stay encoded (a few KB of bins) and are decoded once, at finish. A group that is merged again
 * and again (a service, an endpoint: once per partition) stays decoded, so it is not decoded and
 * encoded at every merge.
 */
export type QuantileState = EncodedSketch | DDSketch | null;

/** A checkpoint written before the sketches were encoded as bins: DDSketch's protobuf bytes. */
interface LegacyEncodedSketch {
  proto: Uint8Array;
  min: number;
  max: number;
}

/** Quantile q (params.q in [0, 1]) of a numeric input. */
export const quantile: Aggregate<QuantileState> = {
  kind: 'quantile',
  input: 'number',
  map(spec): MapColumn {
    const sketches: DDSketch[] = [];
    const rel = accuracy(spec);
    return {
      init: (n) => { while (sketches.length < n) sketches.push(new (Sketch())({ relativeAccuracy: rel })); },
      // NaN is null; an infinity (a division by zero in an expression) has no bin: its key would be infinite
      update: (g, v) => { if (v - v === 0) sketches[g]!.accept(v); },
      encode: (n) => sketches.slice(0, n).map(encodeSketch),
    };
  },
  // a copy: the partial's bytes are one buffer, which a view would keep alive
  decode: (enc, g) => {
    const e = (enc as (EncodedSketch | null)[])[g] ?? null;
    return e === null ? null : { ...e, bins: e.bins.slice(), negBins: e.negBins.slice() };
  },
  merge: (a, b, spec) => {
    if (b === null) return a;
    if (a === null) return b;
    const s = encoded(a) ? decodeSketch(a, spec) : a;
    mergeSketch(s, encoded(b) ? decodeSketch(b, spec) : b);
    return s;
  },
  finish: (e, spec) => (e === null ? null : (encoded(e) ? decodeSketch(e, spec) : e).getValueAtQuantile(Number(spec.params?.q ?? 0.5))),
  outputType: () => 'float',
  save: (e) => (e === null || encoded(e) ? e : encodeSketch(e)),
  restore: (x) => {
    const e = x as EncodedSketch | LegacyEncodedSketch | null;
    if (e === null) return null;
    if ('proto' in e) {
      // a checkpoint from before the bins: read DDSketch's protobuf once, keep the bins
      const s = Sketch().fromProto(Uint8Array.from(e.proto)) as DDSketch;
      s.min = e.min;
      s.max = e.max;
      return encodeSketch(s);
    }
    return { ...e, bins: Float64Array.from(e.bins), negBins: Float64Array.from(e.negBins) };
  },
  // q only matters at finish: every quantile of one column shares a sketch
  stateKey: (spec) => `quantile:${accuracy(spec)}`,
};
