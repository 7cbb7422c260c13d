/**
 * Compile expression trees into closures over a Batch, once per task. Dictionary and
 * level columns compare as integer codes (literals are interned up front), so a filter
 * like level IN (ERROR, FATAL) is a byte lookup per row, never a string.
 */
import './formats/linear-regexp.js';
import type { Batch, Dictionaries } from './batch.js';
import { unknownColumn, type Expr, type Scalar } from './expr.js';
import { Interner } from './intern.js';
import { DICT_FIELDS, type DictField, LEVELS, normalizeLevel } from './schema.js';
import type { Decoder } from './aggregate/aggregate.js';

export type NumFn = (b: Batch, i: number) => number;
export type BoolFn = (b: Batch, i: number) => boolean;
export type StrFn = (b: Batch, i: number) => string | null;

/** Writes a value for every row of a batch into `out`. */
export type FillFn = (b: Batch, out: Float64Array) => void;

/** A value as a number per row plus how to turn that number back into the value. */
export interface CompiledValue {
  fn: NumFn;
  /**
   * The whole batch in one loop, for the hot values (columns, time buckets). A loop shared by
   * every expression that calls `fn` per row is a call V8 cannot inline (each expression brings
   * its own target), and a double returned from a call that is not inlined is boxed: a time
   * bucket (epoch ms, no small integer) cost a heap number per row, 6 MB per 32 MiB partition.
   */
  fill?: FillFn;
  decode: Decoder;
  kind: 'number' | 'level' | 'dict' | 'string';
}

const NUMERIC_COLUMNS = new Set(['timestamp', 'status_code', 'response_time_ms', 'bytes', 'offset']);

// one function literal per column: a shared `b[key][i]` would be a megamorphic load in the hot loop
const NUMERIC_READERS: Record<string, NumFn> = {
  timestamp: (b, i) => b.timestamp[i]!,
  status_code: (b, i) => b.status_code[i]!,
  response_time_ms: (b, i) => b.response_time_ms[i]!,
  bytes: (b, i) => b.bytes[i]!,
  offset: (b, i) => b.offset[i]!,
};
type NumericColumn = 'timestamp' | 'status_code' | 'response_time_ms' | 'bytes' | 'offset';
/** A numeric column copied into a vector: one copy per batch, so one function serves every column. */
const fillColumn = (name: NumericColumn): FillFn => (b, out) => out.set(b[name].subarray(0, b.length));
const DICT_READERS: Record<string, NumFn> = {
  service: (b, i) => { const c = b.service[i]!; return c < 0 ? NaN : c; },
  ip: (b, i) => { const c = b.ip[i]!; return c < 0 ? NaN : c; },
  endpoint: (b, i) => { const c = b.endpoint[i]!; return c < 0 ? NaN : c; },
  method: (b, i) => { const c = b.method[i]!; return c < 0 ? NaN : c; },
};

/** Compiles expressions against one task's dictionaries. */
export class Compiler {
  /** Interned strings produced by string-valued expressions (message, file, ...). */
  private readonly strings = new Interner();

  constructor(private readonly dicts: Dictionaries, private readonly file: string) {}

  /** Compile to a per-row number (codes for strings) with its decoder. */
  value(e: Expr): CompiledValue {
    if (e.op === 'col') {
      const name = e.name;
      if (NUMERIC_COLUMNS.has(name)) return { fn: NUMERIC_READERS[name]!, fill: fillColumn(name as NumericColumn), decode: nullIfNaN, kind: 'number' };
      if (name === 'level') return { fn: (b, i) => b.level[i]!, decode: (c) => LEVELS[c] ?? null, kind: 'level' };
      if ((DICT_FIELDS as readonly string[]).includes(name)) {
        const dict = this.dicts[name as DictField];
        return { fn: DICT_READERS[name]!, decode: (c) => dict.values[c] ?? null, kind: 'dict' };
      }
      if (name === 'line') throw new Error("column 'line' (line number in the file) is only known after the merge: select it, do not filter or group by it");
      // message and file are strings (below); any other name is no column (str() would come back here)
      if (name !== 'message' && name !== 'file') throw unknownColumn(name);
    }
    if (e.op === 'bucket') {
      const inner = this.value(e.expr);
      if (inner.kind !== 'number') throw new Error('bucket() applies to a timestamp or number column');
      const w = e.ms;
      if (e.expr.op === 'col' && e.expr.name === 'timestamp') {
        const fill: FillFn = (b, out) => {
          const ts = b.timestamp;
          for (let i = 0; i < b.length; i++) out[i] = Math.floor(ts[i]! / w) * w;
        };
        return { fn: (b, i) => Math.floor(b.timestamp[i]! / w) * w, fill, decode: nullIfNaN, kind: 'number' };
      }
      const f = inner.fn;
      return { fn: (b, i) => Math.floor(f(b, i) / w) * w, decode: nullIfNaN, kind: 'number' };
    }
    if (e.op === 'arith') {
      const l = this.num(e.left);
      const r = this.num(e.right);
      const fn: NumFn = e.fn === '+' ? (b, i) => l(b, i) + r(b, i) : e.fn === '-' ? (b, i) => l(b, i) - r(b, i)
        : e.fn === '*' ? (b, i) => l(b, i) * r(b, i) : (b, i) => l(b, i) / r(b, i);
      return { fn, decode: nullIfNaN, kind: 'number' };
    }
    if (e.op === 'lit') {
      if (typeof e.value === 'number') { const v = e.value; return { fn: () => v, decode: nullIfNaN, kind: 'number' }; }
      if (e.value === null) return { fn: () => NaN, decode: () => null, kind: 'number' };
      if (typeof e.value === 'boolean') { const v = e.value ? 1 : 0; return { fn: () => v, decode: (c) => c === 1, kind: 'number' }; }
    }
    if (isBoolean(e)) {
      const p = this.bool(e);
      return { fn: (b, i) => (p(b, i) ? 1 : 0), decode: (c) => c === 1, kind: 'number' };
    }
    // anything else is string-valued: intern per row (off the hot path: message, file)
    const s = this.str(e);
    const strings = this.strings;
    return { fn: (b, i) => { const v = s(b, i); return v === null ? NaN : strings.internString(v); }, decode: (c) => strings.values[c] ?? null, kind: 'string' };
  }

  /** Compile to a per-row number (NaN = null). */
  num(e: Expr): NumFn {
    const v = this.value(e);
    if (v.kind !== 'number') throw new Error(`expected a numeric expression, got ${describe(e)}`);
    return v.fn;
  }

  /** Compile to a per-row string (for message, file and literals). */
  str(e: Expr): StrFn {
    if (e.op === 'col') {
      if (e.name === 'message') return (b, i) => b.message(i);
      if (e.name === 'file') { const f = this.file; return () => f; }
    }
    if (e.op === 'lit') { const v = e.value === null ? null : String(e.value); return () => v; }
    const v = this.value(e);
    return (b, i) => { const x = v.decode(v.fn(b, i)); return x === null ? null : String(x); };
  }

  /** Compile a condition. */
  bool(e: Expr): BoolFn {
    switch (e.op) {
      case 'and': {
        const fs = e.args.map((a) => this.bool(a));
        if (fs.length === 2) { const [a, c] = fs as [BoolFn, BoolFn]; return (b, i) => a(b, i) && c(b, i); }
        return (b, i) => { for (const f of fs) if (!f(b, i)) return false; return true; };
      }
      case 'or': {
        const fs = e.args.map((a) => this.bool(a));
        if (fs.length === 2) { const [a, c] = fs as [BoolFn, BoolFn]; return (b, i) => a(b, i) || c(b, i); }
        return (b, i) => { for (const f of fs) if (f(b, i)) return true; return false; };
      }
      case 'not': { const f = this.bool(e.arg); return (b, i) => !f(b, i); }
      case 'isNull': {
        if (e.arg.op === 'col' && (e.arg.name === 'message')) { const s = this.str(e.arg); return (b, i) => s(b, i) === null; }
        const v = this.value(e.arg);
        return (b, i) => { const x = v.fn(b, i); return x !== x; };
      }
      case 'in': return this.membership(e.expr, e.values);
      case 'cmp': return this.compare(e.cmp, e.left, e.right);
      case 'matches': return this.regex(e.expr, e.pattern, e.flags);
      case 'lit': { const v = Boolean(e.value); return () => v; }
      default: {
        const n = this.num(e);
        return (b, i) => { const x = n(b, i); return x === x && x !== 0; };
      }
    }
  }

  /** The code a literal has in a coded column (level or dictionary); interning it is harmless. */
  private codeOf(kindCol: Expr, value: Scalar): number {
    if (kindCol.op !== 'col') return NaN;
    if (value === null) return NaN;
    if (kindCol.name === 'level') return normalizeLevel(String(value));
    return this.dicts[kindCol.name as DictField].internString(String(value));
  }

  private membership(x: Expr, values: Scalar[]): BoolFn {
    const v = this.value(x);
    if (v.kind === 'level' || v.kind === 'dict') {
      const codes = new Set(values.map((val) => this.codeOf(x, val)).filter((c) => c === c));
      if (v.kind === 'level') {
        const mask = new Uint8Array(LEVELS.length);
        for (const c of codes) mask[c] = 1;
        return (b, i) => mask[b.level[i]!] === 1;
      }
      const f = v.fn;
      return (b, i) => codes.has(f(b, i));
    }
    if (v.kind === 'number') {
      const set = new Set(values.filter((val): val is number => typeof val === 'number'));
      const f = v.fn;
      return (b, i) => set.has(f(b, i));
    }
    // a null is in no list (as for codes and numbers, whose sets leave null out)
    const set = new Set(values.filter((val) => val !== null).map(String));
    const s = this.str(x);
    return (b, i) => { const t = s(b, i); return t !== null && set.has(t); };
  }

  private compare(op: string, left: Expr, right: Expr): BoolFn {
    // coded column against a literal: compare codes (equality) or the decoded text (ordering)
    for (const [c, l, flip] of [[left, right, false], [right, left, true]] as const) {
      if (l.op === 'lit' && c.op === 'col' && (c.name === 'level' || (DICT_FIELDS as readonly string[]).includes(c.name))) {
        if (op === '==' || op === '!=') {
          const code = this.codeOf(c, l.value);
          const f = this.value(c).fn;
          // a null (NaN: no code) neither equals nor differs from anything, as numbers and strings compare
          if (code !== code) return () => false;
          return op === '==' ? (b, i) => f(b, i) === code : (b, i) => { const x = f(b, i); return x === x && x !== code; };
        }
        if (c.name === 'level') {
          // levels order by severity
          const code = this.codeOf(c, l.value);
          const cmp = numericCmp(flip ? mirror(op) : op);
          return (b, i) => { const x = b.level[i]!; return x !== LEVELS.length - 1 && cmp(x, code); };
        }

      }
    }
    const lv = this.value(left);
    const rv = this.value(right);
    if (lv.kind === 'number' && rv.kind === 'number') {
      const cmp = numericCmp(op);
      const lf = lv.fn;
      const rf = rv.fn;
      return (b, i) => { const a = lf(b, i); const c = rf(b, i); return a === a && c === c && cmp(a, c); };
    }
    const ls = this.str(left);
    const rs = this.str(right);
    const cmp = stringCmp(op);
    return (b, i) => { const a = ls(b, i); const c = rs(b, i); return a !== null && c !== null && cmp(a, c); };
  }

  private regex(x: Expr, pattern: string, flags: string): BoolFn {
    // test() of a global or sticky RegExp starts at lastIndex, where its last match ended: a /timeout/g
    // missed every other matching row. A row is matched from its start: no g, and lastIndex reset for y
    const re = new RegExp(pattern, flags.replace('g', ''));
    const test = re.sticky ? (t: string): boolean => { re.lastIndex = 0; return re.test(t); } : (t: string): boolean => re.test(t);
    const v = x.op === 'col' && x.name !== 'message' && x.name !== 'file' ? this.value(x) : null;
    if (v && (v.kind === 'dict' || v.kind === 'level')) {
      // a coded column: test each distinct value once
      const memo: number[] = [];
      const { fn, decode } = v;
      return (b, i) => {
        const c = fn(b, i);
        if (c !== c) return false;
        let m = memo[c];
        if (m === undefined) m = memo[c] = test(String(decode(c))) ? 1 : 0;
        return m === 1;
      };
    }
    const s = this.str(x);
    return (b, i) => { const t = s(b, i); return t !== null && test(t); };
  }
}

function isBoolean(e: Expr): boolean {
  return e.op === 'cmp' || e.op === 'in' || e.op === 'and' || e.op === 'or' || e.op === 'not' || e.op === 'isNull' || e.op === 'matches';
}

function nullIfNaN(c: number): Scalar {
  return c === c ? c : null;
}

function mirror(op: string): string {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
}

function numericCmp(op: string): (a: number, b: number) => boolean {
  switch (op) {
    case '==': return (a, b) => a === b;
    case '!=': return (a, b) => a !== b;
    case '<': return (a, b) => a < b;
    case '<=': return (a, b) => a <= b;
    case '>': return (a, b) => a > b;
    case '>=': return (a, b) => a >= b;
    default: throw new Error(`unknown comparison '${op}'`);
  }
}

function stringCmp(op: string): (a: string, b: string) => boolean {
  return numericCmp(op) as unknown as (a: string, b: string) => boolean;
}

function describe(e: Expr): string {
  return e.op === 'col' ? `column '${e.name}'` : e.op;
}
