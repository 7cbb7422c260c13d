import { describe, expect, test } from 'vitest';
import { canonicalColumns, formatFloat, roundFloat } from './cell.js';
import type { ColumnType } from './table.js';

const column = (type: ColumnType, cells: unknown[]): unknown[] =>
  canonicalColumns({ name: 't', columns: [{ name: 'c', type }], rows: cells.map((c) => [c]) })[0]!;

describe('roundFloat / formatFloat', () => {
  test('rounds to 6 decimals and prints the shortest digits', () => {
    expect(formatFloat(roundFloat(0.1 + 0.2))).toBe('0.3');
    expect(formatFloat(roundFloat(1 / 3))).toBe('0.333333');
    expect(formatFloat(roundFloat(-1 / 3))).toBe('-0.333333');
    expect(formatFloat(roundFloat(12.5))).toBe('12.5');
    expect(formatFloat(roundFloat(7))).toBe('7');
    expect(Object.is(roundFloat(-1e-9), 0)).toBe(true);
  });

  test('property: rounding is idempotent and the text parses back to the same value, without an exponent', () => {
    let seed = 12345;
    // A small LCG: deterministic inputs over many magnitudes.
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 5000; k++) {
      const x = (next() - 0.5) * 10 ** Math.floor(next() * 30 - 8);
      const r = roundFloat(x);
      const text = formatFloat(r);
      expect(roundFloat(r)).toBe(r);
      expect(Number(text)).toBe(r);
      expect(text).not.toMatch(/e/i);
      expect(text.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(6);
    }
  });
});

describe('canonicalColumns', () => {
  test('ints: safe numbers stay numbers, larger values become bigint, integral unsafe numbers are exact', () => {
    expect(column('int', [1, -2, 2n ** 40n, 2n ** 60n, 2 ** 60, null, undefined])).toEqual([1, -2, 2 ** 40, 2n ** 60n, 2n ** 60n, null, null]);
  });

  test('floats: NaN and infinities are null, bigints become numbers', () => {
    expect(column('float', [NaN, Infinity, -Infinity, 3n, 0.1 + 0.2])).toEqual([null, null, null, 3, 0.3]);
  });

  test('timestamps: NaN is null, Dates are accepted, sub-millisecond parts truncate like Date does', () => {
    expect(column('timestamp', [NaN, new Date(5), 1.9, -1.9, 0])).toEqual([null, 5, 1, -1, 0]);
  });
});
