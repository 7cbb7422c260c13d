import { describe, expect, test } from 'vitest';
import { parse } from 'csv-parse/sync';
import { neutralizeFormula, toCsv } from './csv.js';
import type { ColumnType, ReportTable } from './table.js';

function table(columns: [string, ColumnType][], rows: unknown[][]): ReportTable {
  return { name: 't', columns: columns.map(([name, type]) => ({ name, type })), rows };
}
const oneString = (cells: (string | null)[]): string => toCsv(table([['s', 'string']], cells.map((c) => [c])));

describe('toCsv', () => {
  test('quotes only what RFC 4180 needs (a lone CR too), doubles quotes, keeps unicode and embedded newlines', () => {
    const csv = toCsv(table(
      [['k', 'string'], ['v', 'string']],
      [
        ['a,b', 'say "hi"'],
        ['line1\nline2', 'cr\rhere'],
        ['crlf\r\nx', 'naïve 日本語 🚀'],
        ['  padded  ', ''],
        ["it's", null],
      ],
    ));
    expect(csv).toBe(
      'k,v\n' +
      '"a,b","say ""hi"""\n' +
      '"line1\nline2","cr\rhere"\n' +
      '"crlf\r\nx",naïve 日本語 🚀\n' +
      '  padded  ,\n' +
      "it's,\n",
    );
  });

  test('neutralises formula-looking text with a leading quote, but not plain numbers', () => {
    const cells = ["=cmd|' /C calc'!A0", '@SUM(1)', '+1', '-12.5', '-x', '\tcmd', '\rcmd', '+3', '-1e-7', '-', '=1+2', '-Infinity', '-1e999', '-0x10', '- 1', 'a=b', '1-2'];
    expect(oneString(cells)).toBe(
      's\n' +
      "'=cmd|' /C calc'!A0\n" +
      "'@SUM(1)\n" +
      '+1\n' +
      '-12.5\n' +
      "'-x\n" +
      "'\tcmd\n" +
      '"\'\rcmd"\n' +
      '+3\n' +
      '-1e-7\n' +
      "'-\n" +
      "'=1+2\n" +
      "'-Infinity\n" +
      "'-1e999\n" +
      "'-0x10\n" +
      "'- 1\n" +
      'a=b\n' +
      '1-2\n',
    );
  });

  test('neutralises a formula character after leading whitespace or double quotes (spreadsheets skip them)', () => {
    const cells = [' =1+1', '   @SUM(1)', '\u00a0=HYPERLINK("http://x")', '\n=cmd', '"=1+1"', "'-x", ' -5', '  padded', ' ', '"', 'a =b'];
    expect(cells.map(neutralizeFormula)).toEqual([
      "' =1+1", "'   @SUM(1)", '\'\u00a0=HYPERLINK("http://x")', "'\n=cmd", '\'"=1+1"', "'-x", "' -5", '  padded', ' ', '"', 'a =b',
    ]);
    expect(parse(oneString([' =1+1', '"=1+1"']))).toEqual([['s'], ["' =1+1"], ['\'"=1+1"']]);
  });

  test('a neutralised cell that also needs quoting is quoted after the prefix', () => {
    expect(oneString(['=HYPERLINK("http://x","y")', '@a,b'])).toBe('s\n"\'=HYPERLINK(""http://x"",""y"")"\n"\'@a,b"\n');
  });

  test('numbers are never neutralised: negative ints, floats and timestamps print as they are', () => {
    const csv = toCsv(table([['i', 'int'], ['f', 'float'], ['ts', 'timestamp']], [[-5, -12.5, -1000]]));
    expect(csv).toBe('i,f,ts\n-5,-12.5,1969-12-31T23:59:59.000Z\n');
  });

  test('formats every type: ISO UTC timestamps, rounded floats, ints, bools, null as empty', () => {
    const csv = toCsv(table(
      [['ts', 'timestamp'], ['n', 'int'], ['f', 'float'], ['ok', 'bool'], ['s', 'string']],
      [
        [Date.UTC(2025, 0, 10, 5), 42, 0.1 + 0.2, true, 'x'],
        [Date.UTC(2025, 0, 10, 5, 0, 0, 7) + 0.9, 2n ** 62n, 1 / 3, false, ''],
        [null, null, null, null, null],
        [NaN, undefined, NaN, null, null],
      ],
    ));
    expect(csv).toBe(
      'ts,n,f,ok,s\n' +
      '2025-01-10T05:00:00.000Z,42,0.3,true,x\n' +
      '2025-01-10T05:00:00.007Z,4611686018427387904,0.333333,false,\n' +
      ',,,,\n' +
      ',,,,\n',
    );
  });

  test('float text is deterministic: equal values after rounding give equal bytes, no exponent', () => {
    const f = (x: number): string => toCsv(table([['f', 'float']], [[x]])).split('\n')[1]!;
    expect(f(0.1 + 0.2)).toBe('0.3');
    expect(f(0.3)).toBe('0.3');
    expect(f(1 / 3)).toBe('0.333333');
    expect(f(2 / 3)).toBe('0.666667');
    expect(f(100)).toBe('100');
    expect(f(1e-7)).toBe('0');
    expect(f(-1e-7)).toBe('0');
    expect(f(1e-6)).toBe('0.000001');
    expect(f(-2.5e-6)).toBe('-0.000003');
    expect(f(1e21)).toBe('1000000000000000000000');
    expect(f(2.0000001)).toBe(f(2.0000002));
    expect(f(2.0000001)).toBe('2');
    expect(f(Infinity)).toBe('""'); // null, quoted because the table has one column
  });

  test('an empty table is its header alone', () => {
    expect(toCsv(table([['minute', 'timestamp'], ['errors', 'int'], ['total', 'int']], []))).toBe('minute,errors,total\n');
  });

  test('a one-column table writes an empty cell as "" so the record is not a blank line', () => {
    const csv = oneString(['a', null, '']);
    expect(csv).toBe('s\na\n""\n""\n');
    expect(parse(csv)).toEqual([['s'], ['a'], [''], ['']]);
  });

  test('round-trips through csv-parse (neutralised cells aside)', () => {
    const cells = ['a,b', 'q"q', 'x\ny', 'x\r\ny', 'ü', '-3', ''];
    expect(parse(oneString(cells), { relax_column_count: false })).toEqual([['s'], ...cells.map((c) => [c])]);
  });

  test('rejects cells that do not fit the column type, naming table, column and row', () => {
    expect(() => toCsv(table([['n', 'int']], [[1], [1.5]]))).toThrow('report table "t", column "n", row 1: 1.5 is not a valid int cell');
    expect(() => toCsv(table([['s', 'string']], [[['a', 'b']]]))).toThrow(/column "s", row 0: an array is not a valid string cell/);
    expect(() => toCsv(table([['b', 'bool']], [[1]]))).toThrow(/bool columns take true or false/);
    expect(() => toCsv(table([['ts', 'timestamp']], [[1e16]]))).toThrow(/outside the range of dates/);
    expect(() => toCsv(table([['n', 'int']], [[2n ** 63n]]))).toThrow(/64-bit/);
    expect(() => toCsv(table([['a', 'int'], ['b', 'int']], [[1]]))).toThrow(/row 0: has 1 cells but the table has 2 columns/);
    expect(() => toCsv(table([['a', 'int'], ['a', 'int']], []))).toThrow(/two columns named "a"/);
  });
});

describe('neutralizeFormula', () => {
  test('property: the result never starts with a formula character unless it is a plain finite number', () => {
    const starts = ['=', '+', '-', '@', '\t', '\r', 'a', '1', '', ' =', '\u00a0+', '"@', ' \n-'];
    const tails = ['', '1', '1.5', 'e5', '.5', 'x', '1e-7', '1e', ' ', '--1', '∞'];
    for (const s of starts) {
      for (const t of tails) {
        const out = neutralizeFormula(s + t);
        const dangerous = /^[\s"]*[=+\-@\t\r]/.test(out);
        if (dangerous) expect(Number.isFinite(Number(out)) && out.trim() === out).toBe(true);
      }
    }
  });
});
