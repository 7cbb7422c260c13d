import { describe, expect, test } from 'vitest';
import { errorsOrder, sortRows, timeOrder } from './sort.js';
import type { ReportTable } from './table.js';

const perService: ReportTable = {
  name: 'errors_per_service',
  columns: [{ name: 'service', type: 'string' }, { name: 'errors', type: 'int' }],
  rows: [['db', 3], ['auth', 5], ['Zeta', 3], ['api', null], ['cache', 5], ['ñ', 3]],
};

describe('sortRows', () => {
  test('errors descending, ties by key in code-unit order, nulls last', () => {
    expect(sortRows(perService, errorsOrder(['service'])).rows).toEqual([
      ['auth', 5], ['cache', 5], ['Zeta', 3], ['db', 3], ['ñ', 3], ['api', null],
    ]);
  });

  test('time ascending with null times last, ties by the tie columns', () => {
    const t: ReportTable = {
      name: 'anomalies',
      columns: [{ name: 'timestamp', type: 'timestamp' }, { name: 'scope', type: 'string' }],
      rows: [[2000, 'b'], [NaN, 'a'], [1000, 'x'], [2000, 'a'], [null, 'c']],
    };
    expect(sortRows(t, timeOrder('timestamp', 'scope')).rows).toEqual([[1000, 'x'], [2000, 'a'], [2000, 'b'], [NaN, 'a'], [null, 'c']]);
  });

  test('property: the result does not depend on the input order', () => {
    const order = errorsOrder(['service']);
    const expected = sortRows(perService, order).rows;
    for (let shift = 1; shift < perService.rows.length; shift++) {
      const rotated = [...perService.rows.slice(shift), ...perService.rows.slice(0, shift)];
      expect(sortRows({ ...perService, rows: rotated.reverse() }, order).rows).toEqual(expected);
    }
  });

  test('leaves the input untouched and names a missing sort column', () => {
    const before = perService.rows.map((r) => [...r]);
    sortRows(perService, errorsOrder(['service']));
    expect(perService.rows).toEqual(before);
    expect(() => sortRows(perService, errorsOrder(['ip']))).toThrow(/has no column "ip" to sort by/);
  });
});
