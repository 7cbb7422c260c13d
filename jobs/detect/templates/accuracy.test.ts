import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from './accuracy.js';

describe('groupingAccuracy', () => {
  it('is 1 when the grouping matches up to renaming', () => {
    expect(groupingAccuracy(['E1', 'E1', 'E2'], [7, 7, 3])).toBe(1);
  });
  it('counts a line only when its cluster is exactly its true event', () => {
    // Cluster 1 mixes E1 and E2: all three lines wrong. E3 split over 2 and 3: both wrong. E4 alone: right.
    expect(groupingAccuracy(['E1', 'E1', 'E2', 'E3', 'E3', 'E4'], [1, 1, 1, 2, 3, 4])).toBeCloseTo(1 / 6);
  });
  it('handles empty input and rejects mismatched lengths', () => {
    expect(groupingAccuracy([], [])).toBe(1);
    expect(() => groupingAccuracy(['E1'], [])).toThrow();
  });
});
