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
 * The reduce-side state of a quantile: the encoded sketch (null: no values). A decoded DDSketch
 * keeps its bins in a JS array of doubles with room to grow, ~5.5 KB for a latency sketch where
 * its protobuf takes ~1 KB; the job keeps one per minute (2,880 on the 5M-line benchmark file,
 * 16 MB decoded) and reads each once, at finish. Most groups are never merged (one partition
 * holds the whole minute), so they are never decoded on the main thread either.
 */
export type QuantileState = EncodedSketch | null;

function encodeSketch(s: DDSketch): EncodedSketch | null {
  return s.count === 0 ? null : { proto: s.toProto(), min: s.min, max: s.max };
}

/** The state's sketch (a new, empty one for null); `spec` gives the accuracy of an empty one. */
export function sketchOf(e: QuantileState, spec?: AggSpec): DDSketch {
  return decodeSketch(e, spec ?? { kind: 'quantile', name: 'q' });
}

function decodeSketch(e: QuantileState, spec: AggSpec): DDSketch {
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
    const e = (enc as QuantileState[])[g] ?? null;
    return e === null ? null : { proto: e.proto.slice(), min: e.min, max: e.max };
  },
  merge: (a, b, spec) => {
    if (b === null) return a;
    if (a === null) return b;
    const s = decodeSketch(a, spec);
    s.merge(decodeSketch(b, spec));
    return encodeSketch(s);
  },
  finish: (e, spec) => (e === null ? null : decodeSketch(e, spec).getValueAtQuantile(Number(spec.params?.q ?? 0.5))),
  outputType: () => 'float',
  save: (e) => e,
  restore: (x) => {
    const e = x as QuantileState;
    return e === null ? null : { proto: Uint8Array.from(e.proto), min: e.min, max: e.max };
  },
  // q only matters at finish: every quantile of one column shares a sketch
  stateKey: (spec) => `quantile:${accuracy(spec)}`,
};
