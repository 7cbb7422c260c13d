import { describe, expect, it } from 'vitest';
import { Batch, makeDictionaries } from '../batch.js';
import { LEVEL_CODE } from '../schema.js';
import type { FormatOptions } from './format.js';
import { regexFormat } from './regex.js';

function one(text: string, options: FormatOptions): { b: Batch; err: string | null } {
  const buf = Buffer.from(text);
  const b = new Batch(4, makeDictionaries(), 'file');
  b.buf = buf;
  const row = b.begin(0, 0);
  const err = regexFormat.create({ file: 'x', options }).parse(buf, 0, buf.length, b, row);
  if (err) b.discard();
  return { b, err };
}

const SEED = '^(?<ts>\\S+ \\S+) (?<level>[A-Z]+) (?<service>\\w+) (?<message>.*)$';

describe('regex format', () => {
  it('maps named groups named like record fields, and a timestamp group by fields.timestamp', () => {
    const { b, err } = one('2025-01-10 12:05:15,456 ERROR auth User login failed', { regex: SEED, fields: { timestamp: 'ts' } });
    expect(err).toBeNull();
    expect(b.timestamp[0]).toBe(Date.parse('2025-01-10T12:05:15.456Z'));
    expect(b.level[0]).toBe(LEVEL_CODE.ERROR);
    expect(b.dicts.service.values[b.service[0]!]).toBe('auth');
    expect(b.message(0)).toBe('User login failed');
    expect([b.msgStart[0], b.msgEnd[0]]).toEqual([35, 52]); // the tail of the line, as bytes
  });

  it('maps explicitly, with numbers, a strptime timestamp and groups that did not take part', () => {
    const regex = '^(?<d>\\d{6}) (?<t>\\d{6}) (?<code>\\d+|-)(?: (?<rt>[\\d.]+)ms)?(?: (?<who>\\w+))? - (?<text>.*?) \\[end\\]$';
    const options: FormatOptions = {
      regex, fields: { status_code: 'code', response_time_ms: 'rt', service: 'who', message: 'text' },
      timestamp: { from: ['d', 't'], format: '%y%m%d %H%M%S' },
    };
    const a = one('081109 203615 404 12.5ms web - not found [end]', options);
    expect(a.err).toBeNull();
    expect(a.b.timestamp[0]).toBe(Date.parse('2008-11-09T20:36:15Z'));
    expect(a.b.status_code[0]).toBe(404);
    expect(a.b.response_time_ms[0]).toBe(12.5);
    expect(a.b.dicts.service.values[a.b.service[0]!]).toBe('web');
    expect(a.b.message(0)).toBe('not found');
    expect(a.b.msgStart[0]).toBe(-1); // not the tail: kept as text
    const c = one('081109 203615 - - x [end]', options);
    expect(c.err).toBeNull();
    expect(c.b.status_code[0]).toBeNaN();
    expect(c.b.response_time_ms[0]).toBeNaN();
    expect(c.b.service[0]).toBe(-1);
  });

  it('keeps named backreferences working', () => {
    const { b, err } = one('<b>bold</b>', { regex: '^<(?<tag>\\w+)>(?<message>.*)</\\k<tag>>$' });
    expect(err).toBeNull();
    expect(b.message(0)).toBe('bold');
  });

  it('reports non-matching lines and bad configured timestamps', () => {
    expect(one('nope', { regex: SEED }).err).toBe('does not match regex');
    expect(one('yesterday noon INFO a b', { regex: SEED, fields: { timestamp: 'ts' } }).err).toBe('bad timestamp');
  });

  it('rejects bad configurations at create()', () => {
    expect(() => regexFormat.create({ file: 'x', options: {} })).toThrow(/needs the option/);
    expect(() => regexFormat.create({ file: 'x', options: { regex: '(?<a>' } })).toThrow(/not a valid regular expression/);
    expect(() => regexFormat.create({ file: 'x', options: { regex: '(\\w+)' } })).toThrow(/no named group/);
    expect(() => regexFormat.create({ file: 'x', options: { regex: SEED, fields: { level: 'lvl' } } })).toThrow(/does not capture/);
  });

  it('startsRecord is true exactly for matching lines', () => {
    const parser = regexFormat.create({ file: 'x', options: { regex: SEED } });
    const yes = Buffer.from('2025-01-10 12:05:15,456 INFO auth ok');
    const no = Buffer.from('  at Foo.bar()');
    expect(parser.startsRecord(yes, 0, yes.length)).toBe(true);
    expect(parser.startsRecord(no, 0, no.length)).toBe(false);
  });
});
