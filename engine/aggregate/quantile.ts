/**
 * Quantiles from DDSketch (@datadog/sketches-js): a mergeable sketch with bounded relative
 * error. With the default relative accuracy α = 0.01 every reported quantile q̂ of positive
 * values satisfies |q̂ - q| <= 0.01·q, where q is some value of the data at that rank.
 * Bins hold integer counts, so merging is exact and order-independent.
 */
import { DDSketch } from '@datadog/sketches-js';
import type { Aggregate, AggSpec, MapColumn } from './aggregate.js';

export const DEFAULT_RELATIVE_ACCURACY = 0.01;

function accuracy(spec: AggSpec): number {
  const a = spec.params?.accuracy;
  return typeof a === 'number' ? a : DEFAULT_RELATIVE_ACCURACY;
}

/** A sketch as protobuf bytes (DDSketch's own wire format) and the summary statistics it drops. */
export interface EncodedSketch {
  proto: Uint8Array;
  min: number;
  max: number;
}

/**
 * The reduce-side state of a quantile: the encoded sketch as the partial brought it, a DDSketch
 * once the group has been merged (null: no values). A decoded DDSketch keeps its bins in a JS
 * array of doubles with room to grow, ~5.5 KB for a latency sketch whose encoding takes ~3.6 KB;
 * the job keeps one per minute (2,880 on the 5M-line benchmark file) and most minutes lie in one
 * partition, so they are never merged: they stay encoded and are decoded once, at finish. A group
 * that is merged again and again (a service, an endpoint: once per partition) stays decoded, so
 * it is not decoded and encoded at every merge.
 */
export type QuantileState = EncodedSketch | DDSketch | null;

/** Encoded (as the partial brought it), not decoded (DDSketch.fromProto gives a BaseDDSketch, so not instanceof DDSketch). */
function encoded(e: EncodedSketch | DDSketch): e is EncodedSketch {
  return (e as Partial<EncodedSketch>).proto !== undefined;
}

/** A new sketch holding the state's values (an empty one for null); `spec` gives the accuracy of an empty one. */
export function sketchOf(e: QuantileState, spec?: AggSpec): DDSketch {
  return decodeSketch(e === null || encoded(e) ? e : encodeSketch(e), spec ?? { kind: 'quantile', name: 'q' });
}

function encodeSketch(s: DDSketch): EncodedSketch | null {
  return s.count === 0 ? null : { proto: s.toProto(), min: s.min, max: s.max };
}

function decodeSketch(e: EncodedSketch | null, spec: AggSpec): DDSketch {
  if (e === null) return new DDSketch({ relativeAccuracy: accuracy(spec) });
  const s = DDSketch.fromProto(e.proto);
  // fromProto drops the summary statistics; the quantile clamp at the ends needs them back
  s.min = e.min;
  s.max = e.max;
  return s;
}

/** Quantile q (params.q in [0, 1]) of a numeric input. */
export const quantile: Aggregate<QuantileState> = {
  kind: 'quantile',
  input: 'number',
  map(spec): MapColumn {
    const sketches: DDSketch[] = [];
    const rel = accuracy(spec);
    return {
      init: (n) => { while (sketches.length < n) sketches.push(new DDSketch({ relativeAccuracy: rel })); },
      update: (g, v) => { if (v === v) sketches[g]!.accept(v); },
      encode: (n) => sketches.slice(0, n).map(encodeSketch),
    };
  },
  // a copy: the partial's bytes are one buffer, which a view would keep alive
  decode: (enc, g) => {
    const e = (enc as (EncodedSketch | null)[])[g] ?? null;
    return e === null ? null : { proto: e.proto.slice(), min: e.min, max: e.max };
  },
  merge: (a, b, spec) => {
    if (b === null) return a;
    if (a === null) return b;
    const s = encoded(a) ? decodeSketch(a, spec) : a;
    s.merge(encoded(b) ? decodeSketch(b, spec) : b);
    return s;
  },
  finish: (e, spec) => (e === null ? null : (encoded(e) ? decodeSketch(e, spec) : e).getValueAtQuantile(Number(spec.params?.q ?? 0.5))),
  outputType: () => 'float',
  save: (e) => (e === null || encoded(e) ? e : encodeSketch(e)),
  restore: (x) => {
    const e = x as EncodedSketch | null;
    return e === null ? null : { proto: Uint8Array.from(e.proto), min: e.min, max: e.max };
  },
  // q only matters at finish: every quantile of one column shares a sketch
  stateKey: (spec) => `quantile:${accuracy(spec)}`,
};
