import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config/index.js';
import { runJob } from './run.js';

const examples = readdirSync('config/examples').filter((f) => f.endsWith('.yaml')).sort();
const out = mkdtempSync(path.join(tmpdir(), 'logframe-examples-'));

describe('every shipped example config runs', () => {
  it('finds the examples', () => expect(examples.length).toBeGreaterThanOrEqual(11));
  for (const name of examples) {
    it(name, async () => {
      const config = loadConfig(path.join('config/examples', name), { out: path.join(out, name), workers: 1 });
      const o = await runJob(config);
      expect(o.summary.lines).toBeGreaterThan(0);
      expect(o.summary.parsed).toBe(o.summary.lines);
      expect(o.summary.malformed).toBe(0);
      expect(o.tables.map((t) => t.name)).toContain('errors_by_hour');
    });
  }
});
