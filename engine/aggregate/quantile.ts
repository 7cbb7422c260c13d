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

interface EncodedSketch {
  proto: Uint8Array;
  min: number;
  max: number;
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
export const quantile: Aggregate<DDSketch> = {
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
  decode: (enc, g, spec) => decodeSketch((enc as (EncodedSketch | null)[])[g]!, spec),
  merge: (a, b) => {
    if (b.count === 0) return a;
    if (a.count === 0) return b;
    a.merge(b);
    return a;
  },
  finish: (s, spec) => (s.count === 0 ? null : s.getValueAtQuantile(Number(spec.params?.q ?? 0.5))),
  outputType: () => 'float',
  save: (s) => encodeSketch(s),
  restore: (x, spec) => decodeSketch(x as EncodedSketch | null, spec),
  // q only matters at finish: every quantile of one column shares a sketch
  stateKey: (spec) => `quantile:${accuracy(spec)}`,
};
