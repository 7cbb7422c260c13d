import { describe, expect, it } from 'vitest';
import { Batch, makeDictionaries } from '../batch.js';
import { mulberry32 } from '../random.js';
import { LEVEL_CODE } from '../schema.js';
import { parseLines } from '../testing/parse.js';
import { textFormat } from './text.js';

/** Parse every line with the given needed fields; returns the batch (all rows parsed). */
function parseAll(lines: string[], fields: ReadonlySet<string> | undefined): Batch {
  const { b, reasons } = parseLines('text', lines, fields ? { fields } : {});
  expect(reasons.every((r) => r === null)).toBe(true);
  return b;
}

const TRICKY = [
  '2025-01-10 12:05:15,456 INFO auth User logged in',
  '2025-01-10 12:05:15,456 ERROR api Timeout after 30s ip=10.0.0.1 endpoint=/a?x=1 method=GET status=504 rt=30000ms bytes=0',
  '2025-01-10 12:05:15,456 ERROR api retry=3 is not a key, then ip=10.0.0.2 in the middle and status=500',
  '2025-01-10 12:05:15,456 ERROR api ip=10.0.0.3 status=500',
  '2025-01-10 12:05:15,456 ERROR api failed  ip=10.0.0.4   rt=1.5s\t',
  '2025-01-10 12:05:15,456 WARN db a=b c=d ip=1.1.1.1 trailing words',
  '2025-01-10 12:05:15,456 ERROR db x',
  '2025-01-10 12:05:15,456 ERROR db ünïcödé message ip="10.0.0.5", endpoint=/é method=POST',
];

describe('text format: the message end found beside the fields', () => {
  it('gives the same message and fields as a full parse, for any set of wanted keys, and the message its definition says', () => {
    const random = mulberry32(8);
    const words = ['ip=10.1.2.3', 'endpoint=/x/y', 'method=GET', 'status=502', 'rt=12ms', 'bytes=7', 'k=v', 'x=', '=y', 'plain', 'ünï', 'a=b=c'];
    const lines = [...TRICKY];
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(random() * 8);
      const toks = Array.from({ length: n }, () => words[Math.floor(random() * words.length)]!);
      lines.push(`2025-01-10 12:05:${String(i % 60).padStart(2, '0')},000 ERROR svc ${toks.join(random() < 0.2 ? '  ' : ' ')}`);
    }
    const full = parseAll(lines, undefined);
    for (const fields of [['message'], ['message', 'ip'], ['message', 'ip', 'status_code', 'response_time_ms'], ['message', 'bytes', 'endpoint']]) {
      const lazy = parseAll(lines, new Set(fields));
      lines.forEach((line, i) => {
        expect(lazy.message(i), line).toBe(full.message(i));
        if (fields.includes('ip')) expect(lazy.ip[i], line).toBe(full.ip[i]);
        if (fields.includes('status_code')) expect(lazy.status_code[i], line).toEqual(full.status_code[i]);
      });
      // fields no query reads stay null
      if (!fields.includes('method')) expect([...lazy.method.subarray(0, lines.length)].every((m) => m === -1)).toBe(true);
    }
    // the message by its definition, on strings: before the trailing run of tokens that starts at the
    // first token with a key word before its '=', when every token of that run holds '='; blanks trimmed
    const KEY_WORDS = new Set(['ip', 'client_ip', 'endpoint', 'path', 'method', 'status', 'status_code', 'rt', 'response_time_ms', 'latency_ms', 'bytes']);
    const reference = (line: string): string => {
      const rest = line.replace(/^\S+ \S+ \S+ \S+[ \t]*/, '');
      const toks = [...rest.matchAll(/[^ \t]+/g)];
      const first = toks.findIndex((t) => t[0].includes('=') && KEY_WORDS.has(t[0].slice(0, t[0].indexOf('='))));
      const whole = rest.replace(/[ \t]+$/, '');
      if (first < 0 || !toks.slice(first).every((t) => t[0].includes('='))) return whole;
      const cut = rest.slice(0, toks[first]!.index).replace(/[ \t]+$/, '');
      return cut.length > 0 ? cut : rest;
    };
    lines.forEach((line, i) => expect(full.message(i), line).toBe(reference(line)));
    expect(full.message(1)).toBe('Timeout after 30s');
    expect(full.message(2)).toBe('retry=3 is not a key, then ip=10.0.0.2 in the middle and status=500');
    expect(full.message(4)).toBe('failed');
  });
});

describe('text format: multi-line records', () => {
  it('takes the level and service from the first line even when it has no message', () => {
    const parser = textFormat.create({ file: 'f', options: {}, multiline: true });
    const records = [
      '2025-01-10 12:05:15,456 ERROR payment\njava.lang.NullPointerException\n\tat com.acme.Pay.run(Pay.java:7)',
      '2025-01-10 12:05:15,456 ERROR payment\tboom\n\tat com.acme.Pay.run(Pay.java:7)',
      '2025-01-10 12:05:15,456 ERROR\njava.lang.NullPointerException',
    ];
    const buf = Buffer.from(records.join('\n\n'));
    const b = new Batch(4, makeDictionaries(), 'f');
    b.buf = buf;
    const reasons: (string | null)[] = [];
    let pos = 0;
    for (const r of records) {
      const e = pos + Buffer.byteLength(r);
      const row = b.begin(reasons.length, pos);
      const reason = parser.parse(buf, pos, e, b, row);
      if (reason !== null) b.discard();
      reasons.push(reason);
      pos = e + 2;
    }
    expect(reasons).toEqual([null, null, 'no service after the level']);
    expect([b.service[0], b.service[1]].map((c) => b.dicts.service.values[c!])).toEqual(['payment', 'payment']);
    expect(b.level[0]).toBe(LEVEL_CODE.ERROR);
    expect(b.message(0)).toBe('java.lang.NullPointerException\n\tat com.acme.Pay.run(Pay.java:7)');
    expect(b.message(1)).toBe('boom\n\tat com.acme.Pay.run(Pay.java:7)');
  });
});
