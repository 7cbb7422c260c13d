import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Batch, makeDictionaries } from '../batch.js';
import { LEVEL_CODE } from '../schema.js';
import { accessFormat } from './access.js';
import type { FormatOptions } from './format.js';

const FILE = '/work/shared/data/access/apache_combined.log';

function one(text: string, options: FormatOptions = {}): { b: Batch; err: string | null } {
  const buf = Buffer.from(text);
  const b = new Batch(4, makeDictionaries(), 'file');
  b.buf = buf;
  const row = b.begin(0, 0);
  const err = accessFormat.create({ file: 'x', options }).parse(buf, 0, buf.length, b, row);
  if (err) b.discard();
  return { b, err };
}

const dict = (b: Batch, field: 'ip' | 'method' | 'endpoint' | 'service', i = 0): string | null => {
  const c = b[field][i]!;
  return c < 0 ? null : b.dicts[field].values[c]!;
};

describe('access format on 10,000 real Apache combined lines', () => {
  const buf = readFileSync(FILE);
  const parser = accessFormat.create({ file: FILE, options: {} });
  const b = new Batch(16384, makeDictionaries(), 'file');
  b.buf = buf;
  const errors: string[] = [];
  const lines: string[] = [];
  for (let pos = 0, n = 0; pos < buf.length; n++) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    if (nl > pos) {
      lines.push(buf.toString('utf8', pos, nl));
      const row = b.begin(n, pos);
      const err = parser.parse(buf, pos, nl, b, row);
      if (err) {
        b.discard();
        errors.push(`${n}: ${err}`);
      }
      expect(parser.startsRecord(buf, pos, nl)).toBe(err === null);
    }
    pos = nl + 1;
  }

  // an independent reading of the same lines: a regex over the decoded text
  const RE = /^(\S+) \S+ .*?\[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)/;
  const matches = lines.map((l) => RE.exec(l));

  it('parses every line', () => {
    expect(lines.length).toBe(10000);
    expect(errors).toEqual([]);
    expect(b.length).toBe(10000);
    expect(matches.every((m) => m !== null)).toBe(true);
  });

  it('has the status codes a regex counts, and levels from them', () => {
    const ours = new Map<number, number>();
    for (let i = 0; i < b.length; i++) ours.set(b.status_code[i]!, (ours.get(b.status_code[i]!) ?? 0) + 1);
    const theirs = new Map<number, number>();
    for (const m of matches) theirs.set(Number(m![4]), (theirs.get(Number(m![4])) ?? 0) + 1);
    expect([...ours].sort()).toEqual([...theirs].sort());
    expect(Object.fromEntries(ours)).toEqual({ 200: 9126, 206: 45, 301: 164, 304: 445, 403: 2, 404: 213, 416: 2, 500: 3 });
    const levels = Array.from(b.level.subarray(0, b.length));
    expect(levels.filter((l) => l === LEVEL_CODE.ERROR).length).toBe(3);
    expect(levels.filter((l) => l === LEVEL_CODE.WARN).length).toBe(217);
    expect(levels.filter((l) => l === LEVEL_CODE.INFO).length).toBe(9780);
  });

  it('has the bytes, ips, methods, endpoints and timestamps the regex reads', () => {
    let bytes = 0;
    let nullBytes = 0;
    for (let i = 0; i < b.length; i++) {
      const m = matches[i]!;
      expect(dict(b, 'ip', i)).toBe(m[1]);
      expect(b.message(i)).toBe(m[3]);
      const [method, target] = m[3]!.split(' ');
      expect(dict(b, 'method', i)).toBe(method);
      expect(dict(b, 'endpoint', i)).toBe(target!.split('?')[0]);
      const ts = /^(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000$/.exec(m[2]!)!;
      expect(b.timestamp[i]).toBe(Date.parse(`${ts[2]} ${ts[1]} ${ts[3]} ${ts[4]}:${ts[5]}:${ts[6]} GMT`));
      if (m[5] === '-') {
        nullBytes++;
        expect(b.bytes[i]).toBeNaN();
      } else {
        bytes += Number(m[5]);
        expect(b.bytes[i]).toBe(Number(m[5]));
      }
      expect(b.response_time_ms[i]).toBeNaN();
    }
    expect(bytes).toBe(2_747_282_740);
    expect(nullBytes).toBe(669);
    expect(b.dicts.ip.size).toBe(1753);
    expect(Object.fromEntries(b.dicts.method.values.map((v, c) => [v, Array.from(b.method.subarray(0, b.length)).filter((x) => x === c).length])))
      .toEqual({ GET: 9952, HEAD: 42, POST: 5, OPTIONS: 1 });
  });
});

describe('access format on single lines', () => {
  it('reads a common log format line (RFC example) and strips the query string', () => {
    const { b, err } = one('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1&y=2 HTTP/1.0" 200 2326');
    expect(err).toBeNull();
    expect(dict(b, 'ip')).toBe('127.0.0.1');
    expect(b.timestamp[0]).toBe(Date.parse('2000-10-10T20:55:36Z'));
    expect(dict(b, 'method')).toBe('GET');
    expect(dict(b, 'endpoint')).toBe('/apache_pb.gif');
    expect(b.status_code[0]).toBe(200);
    expect(b.bytes[0]).toBe(2326);
    expect(b.level[0]).toBe(LEVEL_CODE.INFO);
    expect(b.message(0)).toBe('GET /apache_pb.gif?x=1&y=2 HTTP/1.0');
    expect(b.response_time_ms[0]).toBeNaN();
  });

  it('takes an Nginx $request_time in seconds and an Apache %D in microseconds', () => {
    const nginx = one('10.0.0.1 - - [17/May/2015:10:05:03 +0000] "POST /api/login HTTP/1.1" 502 0 "-" "curl/8.0" 0.123 0.120');
    expect(nginx.err).toBeNull();
    expect(nginx.b.response_time_ms[0]).toBe(123);
    expect(nginx.b.level[0]).toBe(LEVEL_CODE.ERROR);
    const apache = one('::1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 404 - "-" "agent \\"quoted\\"" 1234');
    expect(apache.err).toBeNull();
    expect(apache.b.response_time_ms[0]).toBe(1.234);
    expect(apache.b.bytes[0]).toBeNaN();
    expect(apache.b.level[0]).toBe(LEVEL_CODE.WARN);
    expect(dict(apache.b, 'ip')).toBe('::1');
    // a trailing '-' (no upstream) is no response time
    expect(one('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "a" -').b.response_time_ms[0]).toBeNaN();
  });

  it('honours levelFromStatus thresholds', () => {
    const opts = { levelFromStatus: { error: 400, warn: 300 } };
    expect(one('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 404 5', opts).b.level[0]).toBe(LEVEL_CODE.ERROR);
    expect(one('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 304 5', opts).b.level[0]).toBe(LEVEL_CODE.WARN);
  });

  it('keeps a request without a method (408 "-") with no method or endpoint', () => {
    const { b, err } = one('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "-" 408 0 "-" "-"');
    expect(err).toBeNull();
    expect(b.method[0]).toBe(-1);
    expect(b.endpoint[0]).toBe(-1);
    expect(b.message(0)).toBe('-');
    const junk = one('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "\\x16\\x03\\x01 foo" 400 0');
    expect(junk.err).toBeNull();
    expect(junk.b.method[0]).toBe(-1);
  });

  it('keeps a line whose trailing agent string is cut off (line 8,899 of the sample)', () => {
    const { b, err } = one('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" "Mozilla/5.0 (compatible; Googlebot/2.1');
    expect(err).toBeNull();
    expect(b.bytes[0]).toBe(1);
  });

  it('reads a timestamp without a zone in the configured zone', () => {
    const { b } = one('1.2.3.4 - - [17/May/2015:10:05:03] "GET / HTTP/1.1" 200 1', { timezone: '+02:00' });
    expect(b.timestamp[0]).toBe(Date.parse('2015-05-17T08:05:03Z'));
  });

  it('reports malformed lines', () => {
    const cases: [string, string][] = [
      ['', 'no client address'],
      ['just text', 'no [timestamp]'],
      ['1.2.3.4 - - [yesterday] "GET / HTTP/1.1" 200 1', 'bad timestamp'],
      ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] GET / 200 1', 'no "request"'],
      ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1 200 1', 'unterminated "request"'],
      ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" OK 1', 'bad status'],
      ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 2000 1', 'bad status'],
      ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1k', 'bad bytes'],
    ];
    for (const [text, reason] of cases) expect(one(text).err, text).toBe(reason);
  });

  it('startsRecord agrees with parse and never interns', () => {
    const parser = accessFormat.create({ file: 'x', options: {} });
    const good = Buffer.from('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1');
    const bad = Buffer.from('    at java.lang.Thread.run(Thread.java:748)');
    expect(parser.startsRecord(good, 0, good.length)).toBe(true);
    expect(parser.startsRecord(bad, 0, bad.length)).toBe(false);
    // a range inside a larger buffer: nothing past e is read
    const two = Buffer.from('1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1\n"x');
    expect(parser.startsRecord(two, 0, two.indexOf(10))).toBe(true);
  });
});
