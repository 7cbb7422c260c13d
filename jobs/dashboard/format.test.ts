/** The page's number formatting (static/format.js): fmtInt prints what Intl.NumberFormat('en-US') prints. */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadShared, type FormatModule } from './shared.js';

let fmtInt: FormatModule['fmtInt'];
let fmtCompact: FormatModule['fmtCompact'];

beforeAll(async () => {
  ({ fmtInt, fmtCompact } = (await loadShared()).format);
});

const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

describe('fmtInt', () => {
  it('equals Intl.NumberFormat en-US with no fraction digits, over edge values and a seeded sweep', () => {
    const edges = [0, -0, 0.4, 0.5, -0.4, -0.5, 1.5, 2.5, -2.5, 999, 999.5, 1000, -1000, 9999.49, 12345.5, 999999.5, 1e6, 123456789, 2 ** 53, -(2 ** 53), 1e20, 1.5e20, 1e21, -3e22];
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const sweep = Array.from({ length: 5000 }, (_, i) => {
      const scale = 10 ** Math.floor(rand() * 16);
      const x = rand() * scale;
      return i % 3 === 0 ? -x : i % 3 === 1 ? Math.round(x) + 0.5 : x;
    });
    for (const n of [...edges, ...sweep]) expect(fmtInt(n), String(n)).toBe(intl.format(n));
  });

  it('prints a dash for what is not a number', () => {
    for (const n of [null, undefined, NaN, Infinity, -Infinity]) expect(fmtInt(n)).toBe('–');
  });

  it('fmtCompact uses the same grouping under 10,000', () => {
    expect(fmtCompact(9999)).toBe('9,999');
    expect(fmtCompact(-1234.5)).toBe('-1,235');
    expect(fmtCompact(12345)).toBe('12.3k');
  });
});
