import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLogFile, type WriteOptions } from './generate.js';

const dataDir = fileURLToPath(new URL('../../data/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'logframe-samples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The commands data/README.md documents, as options. */
const SAMPLES: [string, Omit<WriteOptions, 'out'>][] = [
  ['sample.log', { lines: 28000, format: 'text', days: 2, incidents: true, seed: 48 }],
  ['sample.csv', { lines: 3000, format: 'csv' }],
  ['sample.jsonl', { lines: 2000, format: 'jsonl' }],
];

describe('data/ samples are what their documented commands produce', () => {
  it.each(SAMPLES)('%s', (name, opts) => {
    const out = join(tmp, name);
    writeLogFile({ ...opts, out });
    // On failure: the generator changed; rerun the commands in data/README.md and update its numbers.
    expect(readFileSync(out).equals(readFileSync(join(dataDir, name)))).toBe(true);
    if (opts.incidents === true) expect(readFileSync(`${out}.labels.csv`, 'utf8')).toBe(readFileSync(join(dataDir, `${name}.labels.csv`), 'utf8'));
  });
});
