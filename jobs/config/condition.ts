/**
 * `where` conditions of custom aggregations, written as YAML data (not a string DSL):
 *   { field: F, eq|ne|gt|gte|lt|lte: V }   { field: F, in: [..] }   { field: F, matches: 'regex', ignore_case?: bool }
 *   { all: [cond...] }   { any: [cond...] }   { not: cond }
 * Parsed into a tagged union (`op`) whose values are already checked against the field's type.
 */
import { z } from 'zod';
import { LEVELS, type Level } from '../../engine/schema.js';
import { NUMERIC_FIELDS, QUERY_FIELDS, STRING_FIELDS, type NumericField, type QueryField, type StringField } from './fields.js';
import { Invalid, bool, issue, leaf, list, oneOf, regex, show, strictObject, type Schema } from './values.js';

/** A literal a condition compares with; null tests for an absent field. */
export type ConditionValue = string | number | null;

/** A parsed condition. Timestamps compare as ms since epoch (UTC); level values are normalised names. */
export type Condition =
  | { op: 'eq' | 'ne'; field: QueryField; value: ConditionValue }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; field: NumericField | 'timestamp'; value: number }
  | { op: 'in'; field: QueryField; values: ConditionValue[] }
  | { op: 'matches'; field: StringField; pattern: string; flags: string }
  | { op: 'all' | 'any'; conditions: Condition[] }
  | { op: 'not'; condition: Condition };

const COMPARE_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
const FIELD_OPS = [...COMPARE_OPS, 'in', 'matches'] as const;
const GROUP_OPS = ['all', 'any', 'not'] as const;
const SHAPES = '{field, eq|ne|gt|gte|lt|lte|in|matches} or {all|any|not}';

const scalar: Schema<ConditionValue> = leaf((v) =>
  typeof v === 'string' || typeof v === 'number' || v === null ? v : new Invalid(`expected a string, a number or null (got ${show(v)})`),
);

// `eq: null` tests for absence, so here an empty value is a value, not "unset": every key is optional without that rule.
const maybe = <T>(s: Schema<T>): Schema<T | undefined> => s.optional();

const isNumeric = (f: QueryField): f is NumericField | 'timestamp' => f === 'timestamp' || (NUMERIC_FIELDS as readonly string[]).includes(f);
const isString = (f: QueryField): f is StringField => (STRING_FIELDS as readonly string[]).includes(f);

// ISO 8601 without a zone is read as UTC, like report timestamps.
function timeValue(v: string): number | undefined {
  const hasZone = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(v);
  const iso = /^\d{4}-\d\d-\d\d[T ]\d/.test(v) && !hasZone ? `${v.replace(' ', 'T')}Z` : v;
  const ms = /^\d{4}-\d\d-\d\d/.test(v) ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** A value for `field`: its type checked, timestamps to ms, levels normalised; an Invalid when it does not fit. */
function fieldValue(field: QueryField, v: ConditionValue): ConditionValue | Invalid {
  if (v === null) return null;
  if (field === 'timestamp') {
    if (typeof v === 'number') return v;
    return timeValue(v) ?? new Invalid(`expected a time such as '2025-01-10T05:00:00Z' or ms since epoch for timestamp (got ${show(v)})`);
  }
  if (isNumeric(field)) return typeof v === 'number' ? v : new Invalid(`expected a number for ${field} (got ${show(v)})`);
  if (typeof v !== 'string') return new Invalid(`expected a string for ${field} (got ${show(v)})`);
  if (field === 'level') {
    const up = v.toUpperCase();
    return (LEVELS as readonly string[]).includes(up) ? (up as Level) : new Invalid(`expected a level, one of ${LEVELS.join(', ')} (got ${show(v)})`);
  }
  return v;
}

/** Which operator keys a raw condition uses. */
function opsOf(raw: Record<string, unknown>): { field: string[]; group: string[] } {
  const keys = Object.keys(raw);
  return { field: FIELD_OPS.filter((k) => keys.includes(k)), group: GROUP_OPS.filter((k) => keys.includes(k)) };
}

/** The schema of a `where` condition (recursive through all/any/not). */
export const conditionSchema: Schema<Condition> = z.lazy(() =>
  strictObject(
    {
      field: maybe(oneOf(QUERY_FIELDS)),
      eq: maybe(scalar),
      ne: maybe(scalar),
      gt: maybe(scalar),
      gte: maybe(scalar),
      lt: maybe(scalar),
      lte: maybe(scalar),
      in: maybe(list(scalar, { min: 1, what: 'value' })),
      matches: maybe(regex),
      ignore_case: maybe(bool),
      all: maybe(list(conditionSchema, { min: 1, what: 'condition' })),
      any: maybe(list(conditionSchema, { min: 1, what: 'condition' })),
      not: maybe(conditionSchema),
    },
    {
      // The shape checks run on the raw mapping, so they are reported alongside value errors.
      check(raw, ctx) {
        const ops = opsOf(raw);
        const hasField = 'field' in raw;
        if (ops.group.length > 0 && (ops.field.length > 0 || hasField || ops.group.length > 1)) {
          const used = [...(hasField ? ['field'] : []), ...ops.field, ...ops.group];
          issue(ctx, [], `a condition is one of ${SHAPES} (got ${used.join(', ')}); nest conditions with all/any`);
        } else if (ops.group.length === 0) {
          if (ops.field.length > 1) {
            issue(ctx, [], `one operator per condition (got ${ops.field.join(' and ')}); combine conditions with all: [...]`);
          } else if (ops.field.length === 1 && !hasField) {
            issue(ctx, ['field'], `required with ${ops.field[0]}`);
          } else if (ops.field.length === 0) {
            issue(ctx, [], hasField ? `missing operator: one of ${FIELD_OPS.join(', ')}` : `expected a condition: ${SHAPES}`);
          }
        }
        if ('ignore_case' in raw && !('matches' in raw)) issue(ctx, ['ignore_case'], 'only applies with matches');
      },
    },
  ).transform((c, ctx): Condition => {
    if (c.all !== undefined) return { op: 'all', conditions: c.all };
    if (c.any !== undefined) return { op: 'any', conditions: c.any };
    if (c.not !== undefined) return { op: 'not', condition: c.not };
    // The raw check guarantees a field and exactly one operator here.
    const field = c.field!;
    if (c.matches !== undefined) {
      if (!isString(field)) {
        issue(ctx, ['field'], `matches needs a text field, one of ${STRING_FIELDS.join(', ')} (got '${field}')`);
        return z.NEVER;
      }
      return { op: 'matches', field, pattern: c.matches, flags: c.ignore_case ? 'i' : '' };
    }
    if (c.in !== undefined) {
      const values: ConditionValue[] = [];
      c.in.forEach((v, i) => {
        const r = fieldValue(field, v);
        if (r instanceof Invalid) issue(ctx, ['in', i], r.message);
        else values.push(r);
      });
      return values.length === c.in.length ? { op: 'in', field, values } : z.NEVER;
    }
    const op = COMPARE_OPS.find((k) => c[k] !== undefined)!;
    const value = (): ConditionValue | Invalid => fieldValue(field, c[op] ?? null);
    if (op === 'eq' || op === 'ne') {
      const v = value();
      if (!(v instanceof Invalid)) return { op, field, value: v };
      issue(ctx, [op], v.message);
      return z.NEVER;
    }
    if (!isNumeric(field)) {
      issue(ctx, ['field'], `${op} needs a numeric field, one of ${[...NUMERIC_FIELDS, 'timestamp'].join(', ')} (got '${field}')`);
      return z.NEVER;
    }
    const v = value();
    if (v instanceof Invalid) {
      issue(ctx, [op], v.message);
      return z.NEVER;
    }
    if (typeof v !== 'number') {
      issue(ctx, [op], `expected a number (got null); test for absence with eq: null`);
      return z.NEVER;
    }
    return { op, field, value: v };
  }),
);
