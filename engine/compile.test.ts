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
