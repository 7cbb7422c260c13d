import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index.js';
import { RESERVED_TABLE_NAMES } from './fields.js';
import { runJob } from '../run.js';
import { writeLogFile } from '../generate/generate.js';

describe('RESERVED_TABLE_NAMES', () => {
  it('holds the name of every table the job writes, so a custom table cannot overwrite one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-reserved-'));
    const file = path.join(dir, 'gen.log');
    writeLogFile({ lines: 2_000, format: 'text', out: file, seed: 3, days: 1, incidents: true });
    const config = parseConfig(`input: {paths: [${JSON.stringify(file)}]}\nengine: {workers: 1}\noutput: {dir: ${JSON.stringify(path.join(dir, 'out'))}}\n`, 'test.yaml');
    const outcome = await runJob(config);
    const names = outcome.tables.map((t) => t.name);
    expect(names).toContain('trend');
    expect(names.filter((n) => !RESERVED_TABLE_NAMES.includes(n))).toEqual([]);
  }, 120_000);

  it('refuses a custom table named after one of them (trend, templates)', () => {
    for (const name of ['trend', 'templates', 'anomaly_report']) {
      expect(() => parseConfig(`input: {paths: [a]}\nanalytics:\n  custom:\n    - name: ${name}\n`, 'test.yaml')).toThrow(ConfigError);
    }
  });
});
