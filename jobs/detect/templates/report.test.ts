import { describe, expect, it } from 'vitest';
import { MINUTE } from '../types.js';
import { mineTemplates } from './mine.js';
import { templateCounts, templateMinutes } from './report.js';
import { TemplateSketch } from './sketch.js';

const T0 = Date.UTC(2025, 0, 10, 0, 0);
const HOUR = 60 * MINUTE;

/** Lines of three error types: A at minutes 0, 1 and 70; B at 1 and 2; C first at 90 and at 91. */
function sketchOf(minutes: boolean): TemplateSketch {
  const s = new TemplateSketch({ minutes });
  const add = (m: string, minute: number, second = 0): void => void s.add(m, T0 + minute * MINUTE + second * 1000, 5);
  for (const [minute, n] of [[0, 3], [1, 1], [70, 2]] as const) for (let i = 0; i < n; i++) add(`Connection refused by db host ${i}`, minute, i);
  add('Disk quota exceeded for user 5', 1);
  add('Disk quota exceeded for user 6', 2);
  add('Payment gateway timeout after 30 s', 90);
  add('Payment gateway timeout after 31 s', 91, 5);
  return s;
}

describe('templateCounts (the window forest\'s template features)', () => {
  it('counts the templates with lines in each minute, and first sightings from one new_window after the start', () => {
    const sketch = sketchOf(true);
    const set = mineTemplates(sketch);
    expect(set.templates.map((t) => t.template).sort()).toEqual([
      'Connection refused by db host <*>', 'Disk quota exceeded for user <*>', 'Payment gateway timeout after <*> s',
    ]);
    const { templatesPerMinute, newTemplatesPerMinute } = templateCounts(sketch, set, T0, HOUR);
    const at = (m: ReadonlyMap<number, number> | undefined): [number, number][] =>
      [...(m ?? new Map<number, number>())].map(([k, v]): [number, number] => [(k - T0) / MINUTE, v]).sort((a, b) => a[0] - b[0]);
    expect(at(templatesPerMinute)).toEqual([[0, 1], [1, 2], [2, 1], [70, 1], [90, 1], [91, 1]]);
    // A and B are first seen in the first hour (the log's vocabulary); C at minute 90 is news
    expect(at(newTemplatesPerMinute)).toEqual([[90, 1]]);
    // a shorter new_window: B (minute 1) is new too, A (minute 0) never is
    expect(at(templateCounts(sketch, set, T0, MINUTE).newTemplatesPerMinute)).toEqual([[1, 1], [90, 1]]);
    // per template, the same minutes as the sketch's keys
    expect([...templateMinutes(sketch, set).values()].map((m) => m.size).sort()).toEqual([2, 2, 3]);
  });

  it('has no per-minute templates without the sketch\'s minutes, and no new ones without a start', () => {
    const sketch = sketchOf(false);
    const set = mineTemplates(sketch);
    const c = templateCounts(sketch, set, T0, HOUR);
    expect(c.templatesPerMinute?.size).toBe(0);
    expect([...(c.newTemplatesPerMinute ?? new Map<number, number>()).keys()]).toEqual([T0 + 90 * MINUTE]);
    expect(templateCounts(sketch, set, null, HOUR).newTemplatesPerMinute?.size).toBe(0);
  });
});
