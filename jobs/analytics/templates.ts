/**
 * 'templates': the map side of template mining as an aggregation. Each worker folds its
 * error lines into a TemplateSketch (counts per masked key); sketches merge by sums, so the
 * templates mined from the merged sketch are the same whatever the partitioning.
 */
import type { Aggregate, MapColumn } from '../../engine/aggregate/aggregate.js';
import type { Batch } from '../../engine/batch.js';
import { TemplateSketch, type SketchJSON } from '../detect/templates/sketch.js';

/** Folds messages of each group into a template sketch. */
export const templates: Aggregate<TemplateSketch> = {
  kind: 'templates',
  input: 'row',
  map(spec): MapColumn {
    const maxKeys = Number(spec.params?.maxKeys ?? 50_000);
    const sketches: TemplateSketch[] = [];
    return {
      init: (n) => { while (sketches.length < n) sketches.push(new TemplateSketch({ maxKeys })); },
      update: (g, _v, b?: Batch, i?: number) => {
        if (!b || i === undefined) return;
        const msg = b.message(i);
        if (msg !== null) sketches[g]!.add(msg, b.timestamp[i]!, b.level[i]!);
      },
      encode: (n) => sketches.slice(0, n).map((s) => s.toJSON()),
    };
  },
  decode: (enc, g) => TemplateSketch.fromJSON((enc as SketchJSON[])[g]!),
  merge: (a, b) => {
    a.merge(b);
    return a;
  },
  finish: (s) => s.size,
  outputType: () => 'int',
};
