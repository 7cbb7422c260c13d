/**
 * Mined templates in the shapes the job's reports read: error types (errors_by_type,
 * top_errors) and the templates.csv table.
 */
import { LEVELS } from '../../../engine/schema.js';
import type { ReportTable } from '../../report/table.js';
import type { TemplateSet } from './mine.js';

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

/** Whether an error type first seen at `firstSeen` is new (see newSince); never when either is unknown. */
export function isNewType(firstSeen: number | null, since: number | null): boolean {
  return since !== null && firstSeen !== null && firstSeen >= since;
}

/**
 * templates.csv: every template as type_id, template, count, levels (names joined by `|`),
 * first_seen, last_seen, is_new (first seen at or after `since`: the rows of new_error_types.csv).
 */
export function templatesTable(set: TemplateSet, since: number | null = null): ReportTable {
  return {
    name: 'templates',
    columns: [
      { name: 'type_id', type: 'int' }, { name: 'template', type: 'string' }, { name: 'count', type: 'int' },
      { name: 'levels', type: 'string' }, { name: 'first_seen', type: 'timestamp' }, { name: 'last_seen', type: 'timestamp' },
      { name: 'is_new', type: 'bool' },
    ],
    rows: errorTypes(set).map((t) => [t.id, t.template, t.count, t.levels.join('|'), t.firstSeen, t.lastSeen, isNewType(t.firstSeen, since)]),
  };
}
