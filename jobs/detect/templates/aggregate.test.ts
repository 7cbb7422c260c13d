import { describe, expect, it } from 'vitest';
import type { AggSpec } from '../../../engine/aggregate/aggregate.js';
import { Batch, makeDictionaries } from '../../../engine/batch.js';
import { LEVEL_CODE } from '../../../engine/schema.js';
import { templatesAggregate } from './aggregate.js';
import { mineTemplates } from './mine.js';
import { errorTypes, levelNames, newSince, templatesTable } from './report.js';
import type { TemplateSketch } from './sketch.js';

const spec: AggSpec = { kind: 'templates', name: 'templates', params: { maxKeys: 1000 } };

/** One partition's encoded partial: a batch of rows through the map side. */
function partial(rows: [string | null, number, number][]): unknown {
  const b = new Batch(rows.length, makeDictionaries(), 'f.log');
  for (const [message, ts, level] of rows) {
    const i = b.begin(0, 0);
    b.timestamp[i] = ts;
    b.level[i] = level;
    if (message !== null) b.setMessageText(i, message);
  }
  const col = templatesAggregate.map(spec);
  col.init(1);
  for (let i = 0; i < b.length; i++) col.update(0, 0, b, i);
  return JSON.parse(JSON.stringify(col.encode(1, () => null)));
}

const E = LEVEL_CODE.ERROR, F = LEVEL_CODE.FATAL;

describe('templatesAggregate', () => {
  const parts = [
    partial([['disk 1 failed', 1000, E], [null, 1500, E], ['disk 2 failed', 2000, F]]),
    partial([['disk 3 failed', 500, E], ['net down on eth0', 3000, E]]),
  ];
  const merge = (order: number[]): TemplateSketch => {
    let s = templatesAggregate.decode(parts[order[0]!], 0, spec);
    for (const k of order.slice(1)) s = templatesAggregate.merge(s, templatesAggregate.decode(parts[k!], 0, spec), spec);
    return s;
  };

  it('sketches messages per partition and merges to the same result in any order', () => {
    const a = merge([0, 1]);
    expect(a.lines).toBe(4); // the row without a message is not counted
    expect(JSON.stringify(merge([1, 0]).toJSON())).toBe(JSON.stringify(a.toJSON()));
    expect(JSON.parse(templatesAggregate.finish(a, spec) as string)).toEqual([
      { id: 1, template: 'disk <*> failed', count: 3, levels: ['ERROR', 'FATAL'], firstSeen: 500, lastSeen: 2000, example: 'disk 3 failed' },
      { id: 2, template: 'net down on eth0', count: 1, levels: ['ERROR'], firstSeen: 3000, lastSeen: 3000, example: 'net down on eth0' },
    ]);
  });

  it('gives templates.csv rows with level names and null for unknown times', () => {
    const set = mineTemplates(merge([0, 1]));
    expect(templatesTable(set).rows).toEqual([[1, 'disk <*> failed', 3, 'ERROR|FATAL', 500, 2000, false], [2, 'net down on eth0', 1, 'ERROR', 3000, 3000, false]]);
    expect(templatesTable(set).columns.map((c) => c.name)).toEqual(['type_id', 'template', 'count', 'levels', 'first_seen', 'last_seen', 'is_new']);
    // new: first seen at or after last - window (the data ends at 3000)
    expect(templatesTable(set, newSince(3000, 1000)).rows.map((r) => r[6])).toEqual([false, true]);
    expect(templatesTable(set, newSince(3000, 2500)).rows.map((r) => r[6])).toEqual([true, true]);
    expect(templatesTable(set, newSince(null, 1000)).rows.map((r) => r[6])).toEqual([false, false]);
    expect(errorTypes(set)).toHaveLength(2);
    expect(levelNames(0)).toEqual([]);
    const untimed = templatesAggregate.decode(partial([['boot failed', NaN, E]]), 0, spec);
    expect(templatesTable(mineTemplates(untimed), 0).rows).toEqual([[1, 'boot failed', 1, 'ERROR', null, null, false]]);
  });
});
