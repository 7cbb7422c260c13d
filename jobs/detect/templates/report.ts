/**
 * Mined templates in the shapes the job's reports read: error types (errors_by_type,
 * top_errors) and the templates.csv table.
 */
import { LEVELS } from '../../../engine/schema.js';
import type { ReportTable } from '../../report/table.js';
import type { TemplateCounts } from '../forest.js';
import { MINUTE } from '../types.js';
import { OVERFLOW_TEMPLATE, type TemplateSet } from './mine.js';
import type { TemplateSketch } from './sketch.js';

/** Level names of a levels bitmask (bit `1 << code`), in severity order. */
export function levelNames(mask: number): string[] {
  return LEVELS.filter((_, code) => (mask & (1 << code)) !== 0);
}

/** One error type per template, ordered by id (count descending, then text); NaN times become null. */
export function errorTypes(set: TemplateSet): { id: number; template: string; count: number; levels: string[]; firstSeen: number | null; lastSeen: number | null; example: string }[] {
  return set.templates.map((t) => ({
    id: t.id,
    template: t.template,
    count: t.count,
    levels: levelNames(t.levels),
    firstSeen: Number.isNaN(t.firstSeen) ? null : t.firstSeen,
    lastSeen: Number.isNaN(t.lastSeen) ? null : t.lastSeen,
    example: t.example,
  }));
}

/**
 * Start of the "new" window: error types first seen at or after it are new (templates.csv
 * `is_new`, new_error_types.csv). `last` is the data's last timestamp; null without one.
 */
export function newSince(last: number | null, window: number): number | null {
  return last === null ? null : last - window;
}

/** Lines per minute of each template (template id -> minute -> lines); the overflow template has no keys, so no minutes. */
export function templateMinutes(sketch: TemplateSketch, set: TemplateSet): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>();
  for (const [key, stats] of sketch.entries()) {
    const id = set.keyToTemplate.get(key);
    if (id === undefined || stats.minutes === null) continue;
    let m = out.get(id);
    if (!m) out.set(id, (m = new Map()));
    for (const [minute, c] of stats.minutes) m.set(minute, (m.get(minute) ?? 0) + c);
  }
  return out;
}

/**
 * The window forest's template features (forest.ts): per minute, the error templates that had
 * lines in it (from the sketch's per-minute counts; absent when the sketch kept none) and the
 * templates first seen in it. Every template is first seen somewhere near the start of the data,
 * where that is the log's vocabulary, not news: a first sighting counts from `newWindow` after
 * the data's first timestamp `first` on (templates.new_window, the span that makes a type new).
 */
export function templateCounts(sketch: TemplateSketch, set: TemplateSet, first: number | null, newWindow: number): TemplateCounts {
  const templatesPerMinute = new Map<number, number>();
  for (const minutes of templateMinutes(sketch, set).values()) {
    for (const minute of minutes.keys()) templatesPerMinute.set(minute, (templatesPerMinute.get(minute) ?? 0) + 1);
  }
  const newTemplatesPerMinute = new Map<number, number>();
  if (first !== null) {
    for (const t of set.templates) {
      if ((t.keys === 0 && t.template === OVERFLOW_TEMPLATE) || !(t.firstSeen >= first + newWindow)) continue;
      const minute = Math.floor(t.firstSeen / MINUTE) * MINUTE;
      newTemplatesPerMinute.set(minute, (newTemplatesPerMinute.get(minute) ?? 0) + 1);
    }
  }
  return { templatesPerMinute, newTemplatesPerMinute };
}

/** Whether an error type first seen at `firstSeen` is new (see newSince); never when either is unknown. */
export function isNewType(firstSeen: number | null, since: number | null): boolean {
  return since !== null && firstSeen !== null && firstSeen >= since;
}

/**
 * templates.csv: every template as type_id, template, count, levels (names joined by `|`),
 * first_seen, last_seen, is_new (first seen at or after `since`: the rows of new_error_types.csv).
 */
export function templatesTable(set: TemplateSet | null, since: number | null = null): ReportTable {
  return {
    name: 'templates',
    columns: [
      { name: 'type_id', type: 'int' }, { name: 'template', type: 'string' }, { name: 'count', type: 'int' },
      { name: 'levels', type: 'string' }, { name: 'first_seen', type: 'timestamp' }, { name: 'last_seen', type: 'timestamp' },
      { name: 'is_new', type: 'bool' },
    ],
    rows: (set === null ? [] : errorTypes(set)).map((t) => [t.id, t.template, t.count, t.levels.join('|'), t.firstSeen, t.lastSeen, isNewType(t.firstSeen, since)]),
  };
}
