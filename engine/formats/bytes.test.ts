import { describe, expect, it } from 'vitest';
import { parseNumber, parseNumberTo } from './bytes.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('parseNumber', () => {
  const valid = ['0', '7', '-7', '+7', '21.4', '0.345', '-0.5', '1.', '123456789012345', '1234567890123456789', '0.1234567890123456789', '1e3', '-2.5E-2', '9007199254740993'];
  it.each(valid)('reads %s as Number() does', (s) => {
    expect(parseNumber(bytes(s), 0, s.length)).toBe(Number(s));
  });
  it.each(['', '-', '.', 'abc', '12ms', '1.2.3', '1e', '--1', ' 1', '1e999', '-1e400', '9'.repeat(400)])('gives NaN for %j', (s) => {
    expect(parseNumber(bytes(s), 0, s.length)).toBeNaN();
  });
  it('reads only [s, e) of the buffer', () => {
    const b = bytes('rt=21.4ms');
    expect(parseNumber(b, 3, 7)).toBe(21.4);
  });
});

describe('parseNumberTo', () => {
  it('writes the value times the scale into the column, NaN unscaled', () => {
    const col = new Float64Array(4);
    parseNumberTo(bytes('1.5'), 0, 3, col, 1, 1000);
    parseNumberTo(bytes('2e1'), 0, 3, col, 2, 2);
    parseNumberTo(bytes('x'), 0, 1, col, 3, 1000);
    expect([...col]).toEqual([0, 1500, 40, NaN]);
  });
});
