import { describe, expect, it } from 'vitest';
import { FILL_SPAN_MS, axisEnd, sameRun, slotOf, timeAxis, windowStart } from './axis.js';

const M = 60_000;
const T0 = Date.UTC(2025, 0, 10, 12, 0);
const at = (...mins: number[]): number[] => mins.map((i) => T0 + i * M);

describe('timeAxis', () => {
  it('fills every empty bucket between the first and last one with data when the gaps fit the budget', () => {
    const a = timeAxis(at(3, 0, 3, 5), M)!;
    expect(Array.from(a.starts)).toEqual(at(0, 1, 2, 3, 4, 5));
    expect(Array.from(a.runStart)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(axisEnd(a)).toBe(T0 + 6 * M);
    expect(timeAxis([], M)).toBeNull();
  });

  it('leaves the longest gaps unfilled once the gaps hold more than the budget: the axis breaks there', () => {
    // gaps of 1, 5 and 2 empty minutes with room for 3: the 1 and the 2 are filled, the 5 is a break
    const a = timeAxis(at(0, 2, 8, 11), M, 3)!;
    expect(Array.from(a.starts)).toEqual(at(0, 1, 2, 8, 9, 10, 11));
    expect(Array.from(a.runStart)).toEqual([0, 0, 0, 3, 3, 3, 3]);
    expect(sameRun(a, 1, 2)).toBe(true);
    expect(sameRun(a, 2, 3)).toBe(false);
    // equal gaps: the earlier one first
    expect(Array.from(timeAxis(at(0, 2, 4), M, 1)!.starts)).toEqual(at(0, 1, 2, 4));
  });

  it('gives a stray timestamp decades from the rest one slot, not millions (default budget: a year)', () => {
    const epoch = 0;
    const a = timeAxis([epoch, ...at(0, 1, 2)], M)!;
    expect(a.n).toBe(4);
    expect(Array.from(a.starts)).toEqual([epoch, ...at(0, 1, 2)]);
    expect(Array.from(a.runStart)).toEqual([0, 1, 1, 1]);
    // a gap of exactly a year of empty minutes is still filled; one more minute is a break
    expect(timeAxis([T0, T0 + FILL_SPAN_MS + M], M)!.n).toBe(FILL_SPAN_MS / M + 2);
    expect(timeAxis([T0, T0 + FILL_SPAN_MS + 2 * M], M)!.n).toBe(2);
  });

  it('finds the slot of a time, and -1 in an unfilled gap or outside', () => {
    const a = timeAxis(at(0, 2, 8), M, 1)!;
    expect(slotOf(a, T0)).toBe(0);
    expect(slotOf(a, T0 + M + 59_999)).toBe(1);
    expect(slotOf(a, T0 + 8 * M + 30_000)).toBe(3);
    expect(slotOf(a, T0 + 5 * M)).toBe(-1);
    expect(slotOf(a, T0 - 1)).toBe(-1);
    expect(slotOf(a, T0 + 9 * M)).toBe(-1);
    expect(slotOf(a, Number.NaN)).toBe(-1);
  });

  it('stops a sliding window at a break', () => {
    const a = timeAxis(at(0, 1, 2, 100, 101), M, 0)!;
    expect(windowStart(a, 2, 10)).toBe(0);
    expect(windowStart(a, 4, 10)).toBe(3);
    expect(windowStart(a, 4, 1)).toBe(4);
  });

  it('works in hours and days too: the budget is a year of buckets of its width', () => {
    const H = 3_600_000;
    const a = timeAxis([0, Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1) + 3 * H], H)!;
    expect(Array.from(a.starts)).toEqual([0, Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1) + H, Date.UTC(2025, 0, 1) + 2 * H, Date.UTC(2025, 0, 1) + 3 * H]);
  });
});
