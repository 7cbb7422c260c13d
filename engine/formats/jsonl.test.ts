import { describe, expect, it } from 'vitest';
import { Batch, makeDictionaries } from '../batch.js';
import { LEVEL_CODE } from '../schema.js';
import type { FormatOptions } from './format.js';
import { epochToMs, jsonlFormat, numericLevel } from './jsonl.js';

function parseLines(text: string, options: FormatOptions = {}): { b: Batch; errors: (string | null)[] } {
  const parser = jsonlFormat.create({ file: 'x', options });
  const buf = Buffer.from(text);
  const b = new Batch(64, makeDictionaries(), 'file');
  b.buf = buf;
  const errors: (string | null)[] = [];
  let pos = 0;
  for (let n = 0; pos <= buf.length; n++) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    if (nl > pos) {
      const row = b.begin(n, pos);
      const err = parser.parse(buf, pos, nl, b, row);
      if (err) b.discard();
      errors.push(err);
    }
    pos = nl + 1;
  }
  return { b, errors };
}

const dict = (b: Batch, field: 'ip' | 'method' | 'endpoint' | 'service', i = 0): string | null => {
  const c = b[field][i]!;
  return c < 0 ? null : b.dicts[field].values[c]!;
};

describe('jsonl format', () => {
  it('keeps an endpoint\'s path and drops its query string, as the text, csv and access formats do', () => {
    const { b, errors } = parseLines([
      { timestamp: '2025-01-10T12:05:15Z', level: 'INFO', message: 'm', endpoint: '/api/v1/invoices?page=10' },
      { timestamp: '2025-01-10T12:05:16Z', level: 'INFO', message: 'm', endpoint: '/api/v1/invoices?page=11' },
      { timestamp: '2025-01-10T12:05:17Z', level: 'INFO', message: 'm', endpoint: '/health' },
    ].map((r) => JSON.stringify(r)).join('\n'));
    expect(errors).toEqual([null, null, null]);
    expect([dict(b, 'endpoint', 0), dict(b, 'endpoint', 1), dict(b, 'endpoint', 2)]).toEqual(['/api/v1/invoices', '/api/v1/invoices', '/health']);
  });

  it('maps common field names by default', () => {
    const { b, errors } = parseLines(JSON.stringify({
      timestamp: '2025-01-10T12:05:15.456Z', level: 'warning', service: 'auth', message: 'slow "login"',
      client_ip: '10.0.0.1', path: '/login', method: 'POST', status: 503, latency_ms: 812.5, bytes: '1024',
    }));
    expect(errors).toEqual([null]);
    expect(b.timestamp[0]).toBe(Date.parse('2025-01-10T12:05:15.456Z'));
    expect(b.level[0]).toBe(LEVEL_CODE.WARN);
    expect(dict(b, 'service')).toBe('auth');
    expect(b.message(0)).toBe('slow "login"');
    expect(dict(b, 'ip')).toBe('10.0.0.1');
    expect(dict(b, 'endpoint')).toBe('/login');
    expect(dict(b, 'method')).toBe('POST');
    expect(b.status_code[0]).toBe(503);
    expect(b.response_time_ms[0]).toBe(812.5);
    expect(b.bytes[0]).toBe(1024);
  });

  it('tries the candidate names in order and leaves absent fields null', () => {
    const { b } = parseLines('{"@timestamp":"2025-01-10 12:05:15,456","msg":"hi","lvl":"E","logger":"db"}');
    expect(b.timestamp[0]).toBe(Date.parse('2025-01-10T12:05:15.456Z'));
    expect(b.level[0]).toBe(LEVEL_CODE.ERROR);
    expect(dict(b, 'service')).toBe('db');
    expect(b.message(0)).toBe('hi');
    expect(b.ip[0]).toBe(-1);
    expect(b.status_code[0]).toBeNaN();
    expect(b.bytes[0]).toBeNaN();
  });

  it('follows dotted paths, flat dotted keys first; explicit paths override the defaults and "" turns one off', () => {
    const options: FormatOptions = {
      fields: { service: 'kubernetes.labels.app', status_code: 'http.status', level: 'log.level', message: '', endpoint: 'req.0' },
    };
    const { b } = parseLines('{"kubernetes":{"labels":{"app":"api"}},"http.status":201,"http":{"status":500},"log":{"level":"debug"},"message":"x","req":["/a","/b"],"method":"GET"}', options);
    expect(dict(b, 'service')).toBe('api');
    expect(b.status_code[0]).toBe(201);
    expect(b.level[0]).toBe(LEVEL_CODE.DEBUG);
    expect(b.message(0)).toBeNull();
    expect(dict(b, 'endpoint')).toBe('/a');
    expect(dict(b, 'method')).toBe('GET'); // still defaulted
  });

  it('reads numeric timestamps by magnitude and numeric levels as pino/syslog levels', () => {
    const { b } = parseLines([
      '{"ts":1736510715,"level":30}',
      '{"ts":1736510715.456,"level":50}',
      '{"ts":1736510715456,"level":3}',
      '{"ts":1736510715456789,"level":60}',
      '{"ts":"1736510715456","level":99}',
    ].join('\n'));
    const t = Date.parse('2025-01-10T12:05:15.456Z');
    expect(Array.from(b.timestamp.subarray(0, 5))).toEqual([t - 456, t, t, t, t]);
    expect(Array.from(b.level.subarray(0, 5))).toEqual([LEVEL_CODE.INFO, LEVEL_CODE.ERROR, LEVEL_CODE.ERROR, LEVEL_CODE.FATAL, LEVEL_CODE.UNKNOWN]);
    expect(epochToMs(1e17)).toBe(1e11);
    expect(numericLevel(2)).toBe(LEVEL_CODE.CRITICAL);
  });

  it('reads fractional epoch seconds to the ms their digits say, as the same value as a string', () => {
    // 1092925497.768 * 1000 is 1092925497767.9999 in doubles
    const { b } = parseLines(['{"ts":1092925497.768}', '{"ts":"1092925497.768"}', '{"ts":1084070573.57}', '{"ts":1736510715.4567}', '{"ts":-1.2345}'].join('\n'));
    expect(Array.from(b.timestamp.subarray(0, 5))).toEqual([1092925497768, 1092925497768, 1084070573570, 1736510715456, -1235]);
    for (let k = 0; k < 2000; k++) {
      const sec = 1_000_000_000 + k * 4_999_993;
      const ms = (k * 37) % 1000;
      expect(epochToMs(Number(`${sec}.${String(ms).padStart(3, '0')}`))).toBe(sec * 1000 + ms);
    }
  });

  it('joins several timestamp paths for a strptime format, in the configured zone', () => {
    const { b, errors } = parseLines('{"date":"081109","time":"203615","message":"m"}\n{"date":"081109","message":"no time"}', {
      timestamp: { from: ['date', 'time'], format: '%y%m%d %H%M%S' }, timezone: '+01:00',
    });
    expect(errors).toEqual([null, null]);
    expect(b.timestamp[0]).toBe(Date.parse('2008-11-09T19:36:15Z'));
    expect(b.timestamp[1]).toBeNaN();
  });

  it('reads a number with the configured strptime layout, not as epoch time', () => {
    const { b, errors } = parseLines('{"when":20250110120515,"msg":"a"}\n{"when":1736510715,"msg":"b"}\n{"when":"20250110120515","msg":"c"}', {
      timestamp: { from: 'when', format: '%Y%m%d%H%M%S' },
    });
    expect(errors).toEqual([null, 'bad timestamp', null]);
    expect(b.timestamp[0]).toBe(Date.parse('2025-01-10T12:05:15Z'));
    expect(b.timestamp[1]).toBe(Date.parse('2025-01-10T12:05:15Z'));
    const epoch = parseLines('{"when":1736510715}', { timestamp: { from: 'when', format: '%s' } });
    expect(epoch.b.timestamp[0]).toBe(Date.parse('2025-01-10T12:05:15Z'));
  });

  it('stringifies non-string values for text fields', () => {
    const { b } = parseLines('{"message":{"a":1},"service":42,"ip":null}');
    expect(b.message(0)).toBe('{"a":1}');
    expect(dict(b, 'service')).toBe('42');
    expect(b.ip[0]).toBe(-1);
  });

  it('reports malformed lines; a guessed timestamp that does not parse is null, a configured one is an error', () => {
    const { errors, b } = parseLines(['{"a":', '[1,2]', '"str"', 'null', '{"time":"soon","msg":"ok"}'].join('\n'));
    expect(errors).toEqual(['bad json', 'not a JSON object', 'not a JSON object', 'not a JSON object', null]);
    expect(b.length).toBe(1);
    expect(b.timestamp[0]).toBeNaN();
    expect(parseLines('{"time":"soon"}', { fields: { timestamp: 'time' } }).errors).toEqual(['bad timestamp']);
    expect(parseLines('{"when":"soon"}', { timestamp: { from: 'when' } }).errors).toEqual(['bad timestamp']);
    expect(() => jsonlFormat.create({ file: 'x', options: { fields: { offset: 'o' } } })).toThrow(/cannot map/);
  });

  it('startsRecord: a line that starts with "{"', () => {
    const parser = jsonlFormat.create({ file: 'x', options: {} });
    for (const [text, expected] of [['{"a":1}', true], ['  {', true], ['  at x', false], ['', false], ['[1]', false]] as const) {
      const buf = Buffer.from(text);
      expect(parser.startsRecord(buf, 0, buf.length)).toBe(expected);
    }
  });
});
