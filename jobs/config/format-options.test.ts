import { describe, expect, it } from 'vitest';
import { toFormatOptions } from './format-options.js';
import { parseConfig } from './load.js';

describe('toFormatOptions', () => {
  it("gives the engine's typed options for the chosen format", () => {
    const c = parseConfig(
      `input:
  paths: [a]
  format: pattern
  timezone: '+02:00'
  pattern: '<Date> <Time> <Level> <Component>: <Content>'
  fields: {level: Level, service: Component, message: Content}
  timestamp: {from: [Date, Time], format: '%y/%m/%d %H:%M:%S'}
  level_from_status: {error: 500, warn: 404}
`,
      'c.yaml',
      { cwd: '/repo' },
    );
    expect(toFormatOptions(c.input)).toEqual({
      timezone: '+02:00',
      csv: { delimiter: ',', multiline: false },
      pattern: '<Date> <Time> <Level> <Component>: <Content>',
      fields: { level: 'Level', service: 'Component', message: 'Content' },
      timestamp: { from: ['Date', 'Time'], format: '%y/%m/%d %H:%M:%S' },
      levelFromStatus: { error: 500, warn: 404 },
    });
  });

  it('leaves out what the config does not set', () => {
    const c = parseConfig('input: {paths: [a], format: csv, csv: {delimiter: ";"}}', 'c.yaml', { cwd: '/repo' });
    expect(toFormatOptions(c.input)).toEqual({
      timezone: 'UTC',
      csv: { delimiter: ';', multiline: false },
      fields: {},
      levelFromStatus: { error: 500, warn: 400 },
    });
  });
});
