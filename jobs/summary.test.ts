import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config/index.js';
import { runJob } from './run.js';
import { formatSummary } from './summary.js';

describe('formatSummary', () => {
  it('prints control characters from log data as escapes: no forged lines, no escape sequences', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-summary-'));
    const service = 'pay\nALERT CRITICAL forged [db]: FAKE \u001b[2J\u001b[31mRED\u009b';
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({
      timestamp: new Date(Date.UTC(2025, 0, 10, 0, 0, i)).toISOString(), level: i % 2 ? 'ERROR' : 'INFO', service, message: `boom\u001b]0;title\u0007 ${i % 3}`,
    }));
    writeFileSync(path.join(dir, 'in.jsonl'), lines.join('\n') + '\n');
    const config = parseConfig(
      `engine: {workers: 1}\ninput: {paths: [${JSON.stringify(path.join(dir, 'in.jsonl'))}], format: jsonl}\n`
      + `output: {dir: ${JSON.stringify(path.join(dir, 'out'))}, formats: [csv]}\nalerts: {channels: {console: false}}\ndetection: {lines: {enabled: false}}\n`,
      'test.yaml',
    );
    const text = formatSummary(await runJob(config));
    expect(text.replace(/\n/g, '')).not.toMatch(/\p{Cc}/u); // only newlines of its own
    expect(text.split('\n').filter((l) => l.startsWith('ALERT'))).toEqual([]);
    expect(text).toContain('pay\\nALERT CRITICAL forged [db]: FAKE \\x1b[2J\\x1b[31mRED\\x9b'); // the services table
    expect(text).toMatch(/recommendations\n[^]*pay\\nALERT CRITICAL forged/);
  }, 60_000);
});
