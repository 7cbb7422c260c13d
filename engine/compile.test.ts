import { describe, expect, it } from 'vitest';
import { Compiler } from './compile.js';
import { col, type ExprBuilder } from './expr.js';
import { parseLines } from './testing/parse.js';

const LINES = [
  '2025-01-10 00:00:01,000 INFO auth timeout one status=200 ip=10.0.0.1',
  '2025-01-10 00:00:02,000 ERROR api Timeout two status=500 ip=10.0.0.1',
  '2025-01-10 00:00:03,000 WARN auth timeout three ip=10.0.0.2',
  '2025-01-10 00:00:04,000 INFO api timeout four',
  '2025-01-10 00:00:05,000 INFO auth timeout five',
  '2025-01-10 00:00:06,000 INFO api nothing',
];

/** The rows of LINES where the condition holds. */
function rowsWhere(cond: ExprBuilder, format = 'text', lines = LINES): number[] {
  const { b } = parseLines(format, lines);
  const f = new Compiler(b.dicts, 'f').bool(cond.node);
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) if (f(b, i)) out.push(i);
  return out;
}

describe('Compiler', () => {
  it('tests a global or sticky regular expression on every row alike (RegExp.test keeps lastIndex)', () => {
    expect(rowsWhere(col('message').matches(/timeout/i))).toEqual([0, 1, 2, 3, 4]);
    expect(rowsWhere(col('message').matches(/timeout/gi))).toEqual([0, 1, 2, 3, 4]);
    expect(rowsWhere(col('message').matches('timeout', 'g'))).toEqual([0, 2, 3, 4]);
    expect(rowsWhere(col('message').matches(/t/y))).toEqual([0, 2, 3, 4]);
    expect(rowsWhere(col('service').matches(/a/g))).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('Compiler: a null compares as in SQL (no comparison holds), whatever column holds it', () => {
  // rows 3, 4 and 5 have no ip, rows 2 to 5 no status
  it('!= leaves out nulls in a dictionary column as it does in a numeric one', () => {
    expect(rowsWhere(col('status_code').ne(200))).toEqual([1]);
    expect(rowsWhere(col('ip').ne('10.0.0.1'))).toEqual([2]);
    expect(rowsWhere(col('ip').ne(null))).toEqual([]);
    expect(rowsWhere(col('status_code').ne(null))).toEqual([]);
    expect(rowsWhere(col('ip').eq(null))).toEqual([]);
    expect(rowsWhere(col('ip').isNull())).toEqual([3, 4, 5]);
  });

  it('in (..., null) matches no null, for strings as for codes and numbers', () => {
    expect(rowsWhere(col('ip').in(['10.0.0.2', null]))).toEqual([2]);
    expect(rowsWhere(col('status_code').in([500, null]))).toEqual([1]);
    const json = ['{"timestamp":1,"level":"INFO","message":"a"}', '{"timestamp":2,"level":"INFO"}'];
    expect(rowsWhere(col('message').isNull(), 'jsonl', json)).toEqual([1]);
    expect(rowsWhere(col('message').in(['a', null]), 'jsonl', json)).toEqual([0]);
    expect(rowsWhere(col('message').ne('a'), 'jsonl', json)).toEqual([]);
  });
});
