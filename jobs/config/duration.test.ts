import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads every unit', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('10min')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1d')).toBe(86_400_000);
  });

  it('reads combined parts, fractions, spaces and any case', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1m 30s')).toBe(90_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration(' 2H ')).toBe(7_200_000);
    expect(parseDuration('0s')).toBe(0);
  });

  it('rejects anything else with the accepted forms in the message', () => {
    for (const bad of ['', '10', '10x', 'm', '1h junk', '-5s', '5 seconds']) {
      expect(() => parseDuration(bad)).toThrow(`invalid duration '${bad}': expected a number and a unit (ms, s, m, h or d), e.g. '500ms', '5s', '10m', '1h', '1d'`);
    }
  });
});
