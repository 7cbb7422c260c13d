/**
 * Test fixtures made by code: log files with every edge the partitioner must survive
 * (CRLF, blank lines, no final newline, a line longer than a partition, multi-byte UTF-8,
 * NUL bytes, malformed lines), and a plain single-threaded reference count to check against.
 */
import { writeFileSync } from 'node:fs';
import { normalizeLevel, LEVELS } from '../schema.js';
import { mulberry32 as rng } from '../random.js';

export interface TrickyOptions {
  lines?: number;
  seed?: number;
  finalNewline?: boolean;
}


const SERVICES = ['auth', 'api', 'payment', 'café', '日本語', 'svc\u0000nul'.replace('\u0000', '_')];
const LEVEL_WORDS = ['INFO', 'info', 'ERROR', 'Warning', 'WARN', 'DEBUG', 'CRITICAL', 'FATAL', 'err', 'E'];

/** Text-format content with every edge case; deterministic for a seed. */
export function trickyText(opts: TrickyOptions = {}): string {
  const n = opts.lines ?? 400;
  const r = rng(opts.seed ?? 1);
  const out: string[] = [];
  const base = Date.UTC(2025, 0, 10, 22, 0, 0);
  for (let i = 0; i < n; i++) {
    const ts = new Date(base + Math.floor(i * 37_000 + r() * 1000));
    const stamp = ts.toISOString().slice(0, 23).replace('T', ' ').replace('.', ',');
    const eol = r() < 0.3 ? '\r\n' : '\n';
    const pick = r();
    let line: string;
    if (pick < 0.05) line = '';
    else if (pick < 0.08) line = '   \t ';
    else if (pick < 0.11) line = `garbage line ${i} with no timestamp`;
    else if (pick < 0.13) line = `${stamp} NOTALEVEL svc message`;
    else {
      const level = LEVEL_WORDS[Math.floor(r() * LEVEL_WORDS.length)]!;
      const svc = SERVICES[Math.floor(r() * SERVICES.length)]!;
      let msg = `request ${i} done ip=10.0.${i % 3}.${i % 5} rt=${(r() * 500).toFixed(1)}ms`;
      if (r() < 0.05) msg += ` nul\u0000byte`;
      if (r() < 0.05) msg += ' ünïcödé → ✓ 𝄞';
      if (r() < 0.02) msg += ' ' + 'x'.repeat(5000);
      line = `${stamp} ${level} ${svc} ${msg}`;
    }
    out.push(line + (i === n - 1 && opts.finalNewline === false ? '' : eol));
  }
  return out.join('');
}

export interface ReferenceCounts {
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  byLevel: Record<string, number>;
  byService: Record<string, number>;
  byHour: Record<string, number>;
}

/** Count a text-format file the slow, obvious way: split into strings, one regex per line. */
export function referenceCount(content: string): ReferenceCounts {
  const parts = content.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  const ref: ReferenceCounts = { lines: 0, parsed: 0, malformed: 0, blank: 0, byLevel: {}, byService: {}, byHour: {} };
  const re = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)[,.](\d{3})[ \t]+(\S+)[ \t]+(\S+)/;
  for (let line of parts) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    ref.lines++;
    if (line.trim() === '') { ref.blank++; continue; }
    const m = re.exec(line);
    const level = m ? normalizeLevel(m[8]!) : -1;
    if (!m || LEVELS[level] === 'UNKNOWN') { ref.malformed++; continue; }
    ref.parsed++;
    const lv = LEVELS[level]!;
    ref.byLevel[lv] = (ref.byLevel[lv] ?? 0) + 1;
    ref.byService[m[9]!] = (ref.byService[m[9]!] ?? 0) + 1;
    const hour = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:00:00.000Z`;
    ref.byHour[hour] = (ref.byHour[hour] ?? 0) + 1;
  }
  return ref;
}

/** Write content to a file and return its path. */
export function writeFixture(path: string, content: string | Buffer): string {
  writeFileSync(path, content);
  return path;
}
