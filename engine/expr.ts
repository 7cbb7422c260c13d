/**
 * Expressions are plain data (a JSON tree), built by a fluent API, sent to workers
 * and compiled there once per task (compile.ts).
 */
import { LEVELS, RECORD_FIELDS, UNKNOWN_LEVEL, isRecordField, normalizeLevel } from './schema.js';

export type Scalar = string | number | boolean | null;
export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { op: 'col'; name: string }
  | { op: 'lit'; value: Scalar }
  | { op: 'cmp'; cmp: CmpOp; left: Expr; right: Expr }
  | { op: 'in'; expr: Expr; values: Scalar[] }
  | { op: 'and'; args: Expr[] }
  | { op: 'or'; args: Expr[] }
  | { op: 'not'; arg: Expr }
  | { op: 'isNull'; arg: Expr }
  | { op: 'matches'; expr: Expr; pattern: string; flags: string }
  | { op: 'bucket'; expr: Expr; ms: number }
  | { op: 'arith'; fn: '+' | '-' | '*' | '/'; left: Expr; right: Expr };

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** '1m', '15m', '1h', '1d', 'minute', 'hour', 'day' or ms -> bucket width in ms. */
export function bucketMs(width: string | number): number {
  if (typeof width === 'number') return positiveWidth(width, width);
  const named: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
  if (named[width]) return named[width];
  const m = /^(\d+)\s*(ms|s|m|min|h|d)$/.exec(width.trim());
  if (!m) throw new Error(`invalid time bucket '${width}': expected e.g. '1m', '1h', '1d'`);
  return positiveWidth(Number(m[1]) * DURATION_MS[m[2]!]!, width);
}

// a width of 0 (or less) would floor every time to NaN: one null bucket instead of an error
function positiveWidth(ms: number, width: string | number): number {
  if (!(ms > 0 && Number.isFinite(ms))) throw new Error(`invalid time bucket ${JSON.stringify(width)}: the width must be a positive duration, e.g. '1m', '1h', '1d' or ms`);
  return ms;
}

type ExprLike = ExprBuilder | Expr | Scalar;

function toExpr(x: ExprLike): Expr {
  if (x instanceof ExprBuilder) return x.node;
  if (x !== null && typeof x === 'object') return x;
  return { op: 'lit', value: x };
}

/** Fluent wrapper around an expression node. */
export class ExprBuilder {
  constructor(readonly node: Expr) {}
  eq(v: ExprLike): ExprBuilder { return this.cmp('==', v); }
  ne(v: ExprLike): ExprBuilder { return this.cmp('!=', v); }
  lt(v: ExprLike): ExprBuilder { return this.cmp('<', v); }
  lte(v: ExprLike): ExprBuilder { return this.cmp('<=', v); }
  gt(v: ExprLike): ExprBuilder { return this.cmp('>', v); }
  gte(v: ExprLike): ExprBuilder { return this.cmp('>=', v); }
  in(values: Scalar[]): ExprBuilder { return new ExprBuilder({ op: 'in', expr: this.node, values }); }
  matches(pattern: string | RegExp, flags = ''): ExprBuilder {
    const p = typeof pattern === 'string' ? pattern : pattern.source;
    const f = typeof pattern === 'string' ? flags : pattern.flags;
    return new ExprBuilder({ op: 'matches', expr: this.node, pattern: p, flags: f });
  }
  isNull(): ExprBuilder { return new ExprBuilder({ op: 'isNull', arg: this.node }); }
  and(...others: ExprLike[]): ExprBuilder { return new ExprBuilder({ op: 'and', args: [this.node, ...others.map(toExpr)] }); }
  or(...others: ExprLike[]): ExprBuilder { return new ExprBuilder({ op: 'or', args: [this.node, ...others.map(toExpr)] }); }
  not(): ExprBuilder { return new ExprBuilder({ op: 'not', arg: this.node }); }
  /** Time bucket of a timestamp: floor to the width, UTC. */
  bucket(width: string | number): ExprBuilder { return new ExprBuilder({ op: 'bucket', expr: this.node, ms: bucketMs(width) }); }
  add(v: ExprLike): ExprBuilder { return new ExprBuilder({ op: 'arith', fn: '+', left: this.node, right: toExpr(v) }); }
  sub(v: ExprLike): ExprBuilder { return new ExprBuilder({ op: 'arith', fn: '-', left: this.node, right: toExpr(v) }); }
  mul(v: ExprLike): ExprBuilder { return new ExprBuilder({ op: 'arith', fn: '*', left: this.node, right: toExpr(v) }); }
  div(v: ExprLike): ExprBuilder { return new ExprBuilder({ op: 'arith', fn: '/', left: this.node, right: toExpr(v) }); }
  /** Name this expression as an output column. */
  as(name: string): NamedExpr { return { name, expr: this.node }; }
  private cmp(cmp: CmpOp, v: ExprLike): ExprBuilder {
    return new ExprBuilder({ op: 'cmp', cmp, left: this.node, right: toExpr(v) });
  }
}

export interface NamedExpr {
  name: string;
  expr: Expr;
}

/** A column reference. */
export function col(name: string): ExprBuilder {
  return new ExprBuilder({ op: 'col', name });
}

/** A literal value. */
export function lit(value: Scalar): ExprBuilder {
  return new ExprBuilder({ op: 'lit', value });
}

/** Logical and of conditions. */
export function and(...args: ExprLike[]): ExprBuilder {
  return new ExprBuilder({ op: 'and', args: args.map(toExpr) });
}

/** Logical or of conditions. */
export function or(...args: ExprLike[]): ExprBuilder {
  return new ExprBuilder({ op: 'or', args: args.map(toExpr) });
}

/** Logical negation. */
export function not(arg: ExprLike): ExprBuilder {
  return new ExprBuilder({ op: 'not', arg: toExpr(arg) });
}

/** Normalise a builder, raw node, column name or named expression into a named expression. */
export function named(x: ExprBuilder | NamedExpr | string, fallback?: string): NamedExpr {
  if (typeof x === 'string') return { name: x, expr: { op: 'col', name: x } };
  if (x instanceof ExprBuilder) return { name: fallback ?? exprName(x.node), expr: x.node };
  return x;
}

/** A readable default name for an expression (e.g. 'timestamp_1h'). */
export function exprName(e: Expr): string {
  switch (e.op) {
    case 'col': return e.name;
    case 'lit': return String(e.value);
    case 'bucket': {
      const inner = exprName(e.expr);
      const unit = e.ms === 60_000 ? 'minute' : e.ms === 3_600_000 ? 'hour' : e.ms === 86_400_000 ? 'day' : `${e.ms}ms`;
      return inner === 'timestamp' ? unit : `${inner}_${unit}`;
    }
    default: return e.op;
  }
}

/** The error for a column that is not a record field. */
export function unknownColumn(name: string): Error {
  return new Error(`unknown column '${name}': expected one of ${RECORD_FIELDS.join(', ')} (or a name given with withColumn)`);
}

/**
 * Check an expression on the main thread, before any task runs: every column is a record field and
 * every regular expression compiles. A worker would meet the same mistake once per partition.
 */
export function checkExpr(e: Expr): void {
  switch (e.op) {
    case 'col': if (!isRecordField(e.name)) throw unknownColumn(e.name); break;
    case 'lit': break;
    case 'cmp':
      checkLevelLiteral(e.left, e.right);
      checkLevelLiteral(e.right, e.left);
      checkExpr(e.left); checkExpr(e.right); break;
    case 'arith': checkExpr(e.left); checkExpr(e.right); break;
    case 'and': case 'or': e.args.forEach(checkExpr); break;
    case 'not': case 'isNull': checkExpr(e.arg); break;
    case 'matches': new RegExp(e.pattern, e.flags); checkExpr(e.expr); break;
    case 'in':
      for (const v of e.values) checkLevelLiteral(e.expr, { op: 'lit', value: v });
      checkExpr(e.expr); break;
    case 'bucket': checkExpr(e.expr); break;
  }
}

/**
 * A level compared with a word that is no level: 'ERRORS' would normalise to UNKNOWN and match the
 * records whose level could not be read, not fail to match.
 */
function checkLevelLiteral(c: Expr, l: Expr): void {
  if (c.op !== 'col' || c.name !== 'level' || l.op !== 'lit' || typeof l.value !== 'string') return;
  if (normalizeLevel(l.value) === UNKNOWN_LEVEL && l.value.trim().toUpperCase() !== 'UNKNOWN') {
    throw new Error(`'${l.value}' is not a level: expected one of ${LEVELS.join(', ')} (any case) or an alias such as WARNING, ERR, CRIT`);
  }
}

/** Whether an expression's values are times (ms since epoch): the timestamp column or a bucket of one. */
export function isTimeExpr(e: Expr): boolean {
  return (e.op === 'col' && e.name === 'timestamp') || (e.op === 'bucket' && isTimeExpr(e.expr));
}

/** Numbers first (ascending), then strings (code-point order), nulls last. */
export function compareScalar(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
