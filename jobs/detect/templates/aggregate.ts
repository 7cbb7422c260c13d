/**
 * 'templates' as an engine aggregation: each worker sketches the messages of its
 * partition's rows (the plan filters them to error lines), the reduce side merges the
 * sketches, and mineTemplates runs once on the merged one. Register it from the job's
 * worker extensions with `registerAggregate(templatesAggregate)`. `params.minutes: true` keeps
 * each key's lines per minute (for correlated error pairs).
 */
import type { Aggregate, MapColumn } from '../../../engine/aggregate/aggregate.js';
import type { Batch } from '../../../engine/batch.js';
import { errorTypes } from './report.js';
import { mineTemplates } from './mine.js';
import { DEFAULT_MAX_KEYS, type SketchJSON, TemplateSketch } from './sketch.js';

function maxKeysOf(params: Record<string, unknown> | undefined): number {
  const n = Number(params?.maxKeys ?? DEFAULT_MAX_KEYS);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : DEFAULT_MAX_KEYS;
}

/** Per group, a TemplateSketch of the rows' messages; finishes to the mined error types as JSON. */
export const templatesAggregate: Aggregate<TemplateSketch> = {
  kind: 'templates',
  input: 'row',
  rowFields: ['timestamp', 'level', 'message'],
  map(spec): MapColumn {
    const maxKeys = maxKeysOf(spec.params);
    const minutes = spec.params?.minutes === true;
    const sketches: TemplateSketch[] = [];
    return {
      init: (n) => { while (sketches.length < n) sketches.push(new TemplateSketch({ maxKeys, minutes })); },
      update: (g, _v, b?: Batch, i?: number) => {
        if (b === undefined || i === undefined) return;
        const message = b.message(i);
        if (message !== null) sketches[g]!.add(message, b.timestamp[i]!, b.level[i]!);
      },
      encode: (n) => sketches.slice(0, n).map((s) => s.toJSON()),
    };
  },
  decode: (enc, g) => TemplateSketch.fromJSON((enc as SketchJSON[])[g]!),
  merge: (a, b) => {
    a.merge(b);
    return a;
  },
  finish: (r) => JSON.stringify(errorTypes(mineTemplates(r))),
  outputType: () => 'json',
  save: (r) => r.toJSON(),
  restore: (x) => TemplateSketch.fromJSON(x as SketchJSON),
};
