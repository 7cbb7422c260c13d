import { describe, expect, test } from 'vitest';
import { toJson } from './json.js';
import { tableFromObjects, type ReportColumn } from './table.js';

const columns: ReportColumn[] = [
  { name: 'day', type: 'timestamp' },
  { name: 'errors', type: 'int' },
  { name: 'error_rate', type: 'float' },
  { name: 'service', type: 'string' },
  { name: 'ok', type: 'bool' },
];

describe('toJson', () => {
  test('is JSON.stringify(objects, null, 2) plus a newline, with ISO timestamps and rounded floats', () => {
    const t = tableFromObjects('errors_by_day', columns, [
      { day: Date.UTC(2025, 0, 10), errors: 3, error_rate: 0.1 + 0.2, service: 'auth "x"\n', ok: true },
      { day: null, errors: 0, error_rate: 1 / 3, ok: false },
    ]);
    const expected = [
      { day: '2025-01-10T00:00:00.000Z', errors: 3, error_rate: 0.3, service: 'auth "x"\n', ok: true },
      { day: null, errors: 0, error_rate: 0.333333, service: null, ok: false },
    ];
    expect(toJson(t)).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  test('does not neutralise formula text (that is a CSV concern)', () => {
    const t = tableFromObjects('x', [{ name: 's', type: 'string' }], [{ s: '=1+2' }]);
    expect(JSON.parse(toJson(t))).toEqual([{ s: '=1+2' }]);
  });

  test('writes int64 beyond 2^53 as exact digits and large floats without an exponent', () => {
    const t = tableFromObjects('x', [{ name: 'n', type: 'int' }, { name: 'f', type: 'float' }], [{ n: 2n ** 62n, f: 1e21 }]);
    expect(toJson(t)).toBe('[\n  {\n    "n": 4611686018427387904,\n    "f": 1000000000000000000000\n  }\n]\n');
  });

  test('an empty table is an empty array', () => {
    expect(toJson(tableFromObjects('x', columns, []))).toBe('[]\n');
  });
});
