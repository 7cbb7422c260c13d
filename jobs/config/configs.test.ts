/**
 * The shipped configs: every YAML under config/ validates, pipeline.yaml states the defaults,
 * and each Loghub example's pattern (or regex) and timestamp format read every line of its data.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileStrptime, makeZone } from '../../engine/formats/time.js';
import { UNKNOWN_LEVEL, normalizeLevel } from '../../engine/schema.js';
import { loghubRegexSource } from './captures.js';
import { parseConfig } from './load.js';
import type { Config } from './types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG_DIR = path.join(ROOT, 'config');

/** Every .yaml/.yml file under dir, relative to ROOT. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(name) ? [path.relative(ROOT, full)] : [];
    })
    .sort();
}

const load = (rel: string): Config => parseConfig(readFileSync(path.join(ROOT, rel), 'utf8'), rel, { cwd: ROOT });
const FILES = yamlFiles(CONFIG_DIR);

describe('config/', () => {
  it('holds the default config and one example per format and Loghub dataset', () => {
    expect(FILES).toEqual([
      'config/examples/access.yaml',
      'config/examples/csv.yaml',
      'config/examples/jsonl.yaml',
      'config/examples/loghub-apache.yaml',
      'config/examples/loghub-bgl.yaml',
      'config/examples/loghub-hdfs.yaml',
      'config/examples/loghub-openssh.yaml',
      'config/examples/loghub-spark.yaml',
      'config/examples/loghub-zookeeper.yaml',
      'config/examples/regex.yaml',
      'config/examples/text.yaml',
      'config/pipeline.yaml',
    ]);
  });

  it.each(FILES)('%s validates', (rel) => {
    const c = load(rel);
    if (rel.startsWith('config/examples/')) {
      // Each example writes to its own folder, so running them all keeps every report.
      expect(path.relative(ROOT, c.output.dir)).toBe(`out/examples/${path.basename(rel, '.yaml')}`);
    }
  });

  it('pipeline.yaml reads data/sample.log as text into out/ and states exactly the defaults', () => {
    const c = load('config/pipeline.yaml');
    expect(c.input.paths).toEqual([path.join(ROOT, 'data/sample.log')]);
    expect(c.input.format).toBe('text');
    expect(c.output.dir).toBe(path.join(ROOT, 'out'));
    expect(c).toEqual(parseConfig('input: {paths: [data/sample.log]}', 'defaults', { cwd: ROOT }));
  });
});

/** What the first line of each Loghub sample holds, to check the timestamp mapping end to end. */
const FIRST_TIMESTAMP: Readonly<Record<string, string>> = {
  'loghub-hdfs': '2008-11-09T20:36:15.000Z',
  'loghub-bgl': '2005-06-03T15:42:50.675Z',
  'loghub-apache': '2005-12-04T04:47:44.000Z',
  'loghub-openssh': '2020-12-10T06:55:46.000Z',
  'loghub-zookeeper': '2015-07-29T17:41:44.747Z',
  'loghub-spark': '2017-06-09T20:10:40.000Z',
  regex: '2015-07-29T17:41:44.747Z',
};

describe('Loghub examples read their data', () => {
  const examples = FILES.filter((f) => /examples\/(loghub-|regex)/.test(f));

  it.each(examples)('%s: every line matches, with a timestamp and a known level', (rel) => {
    const c = load(rel);
    const { input } = c;
    const source = input.format === 'pattern' ? `^${loghubRegexSource(input.pattern!)}$` : input.regex!;
    const re = new RegExp(source);
    const parseTime = compileStrptime(input.timestamp!.format!, makeZone(input.timezone), { defaultYear: 2020 });
    // The engine drops a trailing \r (these samples are CRLF), so the test does too.
    const lines = readFileSync(input.paths[0]!, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(2000);

    const failures: string[] = [];
    const times: number[] = [];
    for (const line of lines) {
      const g = re.exec(line)?.groups;
      if (g === undefined) {
        failures.push(`no match: ${line}`);
        continue;
      }
      const t = parseTime(input.timestamp!.from.map((n) => g[n]).join(' '));
      if (Number.isNaN(t)) failures.push(`bad time: ${line}`);
      times.push(t);
      const lv = input.fields.level;
      if (lv !== undefined && normalizeLevel(g[lv] ?? '') === UNKNOWN_LEVEL) failures.push(`unknown level '${g[lv]}': ${line}`);
      for (const [field, name] of Object.entries(input.fields)) {
        if (field !== 'message' && (g[name!] ?? '') === '') failures.push(`empty ${field}: ${line}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(new Date(times[0]!).toISOString()).toBe(FIRST_TIMESTAMP[path.basename(rel, '.yaml')]);
  });
});
