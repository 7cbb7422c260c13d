import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Batch, makeDictionaries } from '../batch.js';
import { LEVEL_CODE, LEVELS, normalizeLevel } from '../schema.js';
import type { FormatOptions } from './format.js';
import { loghubRegex, patternFormat } from './pattern.js';

const LOGHUB = '/work/shared/data/loghub';

/** Parse every line of buf (newline-split, trailing CR dropped, blanks skipped) into one batch. */
function parseAll(buf: Buffer, options: FormatOptions): { b: Batch; errors: { line: number; reason: string }[] } {
  const parser = patternFormat.create({ file: 'test', options });
  const b = new Batch(4096, makeDictionaries(), 'file');
  b.buf = buf;
  const errors: { line: number; reason: string }[] = [];
  let pos = 0;
  for (let lineNo = 0; pos < buf.length; lineNo++) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    const e = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
    if (e > pos) {
      const row = b.begin(lineNo, pos);
      const err = parser.parse(buf, pos, e, b, row);
      if (err) {
        b.discard();
        errors.push({ line: lineNo, reason: err });
      }
    }
    pos = nl + 1;
  }
  return { b, errors };
}

function line(text: string, options: FormatOptions): { b: Batch; err: string | null } {
  const buf = Buffer.from(text);
  const b = new Batch(4, makeDictionaries(), 'file');
  b.buf = buf;
  const row = b.begin(0, 0);
  const err = patternFormat.create({ file: 'test', options }).parse(buf, 0, buf.length, b, row);
  if (err) b.discard();
  return { b, err };
}

function count<T>(xs: Iterable<T>): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

const sorted = <T>(m: Map<T, number>): [T, number][] => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

interface Dataset {
  name: string;
  pattern: string;
  timestamp?: FormatOptions['timestamp'];
  hasComponent: boolean;
  /** Earliest and latest timestamp (OpenSSH: without the year, which is guessed from today). */
  first: string;
  last: string;
  /** Sum of all timestamps in ms, computed with Python's strptime from the structured CSV. */
  sum: number | null;
  levels: Record<string, number>;
}

// Loghub's own format strings (README); level counts are the normalised counts of the structured CSVs.
const DATASETS: Dataset[] = [
  {
    name: 'HDFS', pattern: '<Date> <Time> <Pid> <Level> <Component>: <Content>', hasComponent: true,
    timestamp: { from: ['Date', 'Time'], format: '%y%m%d %H%M%S' },
    first: '2008-11-09T20:36:15.000Z', last: '2008-11-11T10:20:17.000Z', sum: 2452692668339000, levels: { INFO: 1920, WARN: 80 },
  },
  {
    name: 'BGL', pattern: '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>', hasComponent: true,
    timestamp: { from: 'Time', format: '%Y-%m-%d-%H.%M.%S.%f' },
    first: '2005-06-03T15:42:50.675Z', last: '2006-01-03T07:13:09.127Z', sum: 2248176042283391, levels: { INFO: 1597, FATAL: 347, ERROR: 48, WARN: 8 },
  },
  {
    name: 'Apache', pattern: '\\[<Time>\\] \\[<Level>\\] <Content>', hasComponent: false,
    timestamp: { from: 'Time' },
    first: '2005-12-04T04:47:44.000Z', last: '2005-12-05T19:15:57.000Z', sum: 2267474159449000, levels: { NOTICE: 1405, ERROR: 595 },
  },
  {
    name: 'OpenSSH', pattern: '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>', hasComponent: true,
    timestamp: { from: ['Date', 'Day', 'Time'], format: '%b %d %H:%M:%S' },
    first: '-12-10T06:55:46.000Z', last: '-12-10T11:04:45.000Z', sum: null, levels: { UNKNOWN: 2000 },
  },
  {
    name: 'Zookeeper', pattern: '<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>', hasComponent: true,
    timestamp: { from: ['Date', 'Time'] },
    first: '2015-07-29T17:41:44.747Z', last: '2015-08-25T11:26:28.145Z', sum: 2876855041440046, levels: { WARN: 1318, INFO: 669, ERROR: 13 },
  },
  {
    name: 'Spark', pattern: '<Date> <Time> <Level> <Component>: <Content>', hasComponent: true,
    timestamp: { from: ['Date', 'Time'], format: '%y/%m/%d %H:%M:%S' },
    first: '2017-06-09T20:10:40.000Z', last: '2017-06-09T20:11:11.000Z', sum: 2994078121944000, levels: { INFO: 2000 },
  },
];

describe('loghubRegex', () => {
  it('reads format strings like logparser generate_logformat_regex', () => {
    expect(loghubRegex('<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>')).toEqual({
      source: '^(.*?)\\s+(.*?)\\s+-\\s+(.*?)\\s+\\[(.*?):(.*?)@(.*?)\\]\\s+-\\s+(.*?)$',
      names: new Map([['Date', 1], ['Time', 2], ['Level', 3], ['Node', 4], ['Component', 5], ['Id', 6], ['Content', 7]]),
    });
    expect(() => loghubRegex('<A> <A>')).toThrow(/twice/);
  });
});

describe('pattern format on the Loghub 2k samples', () => {
  for (const ds of DATASETS) {
    it(`${ds.name}: all 2,000 lines parse; levels, components and contents equal the structured CSV`, () => {
      const dir = `${LOGHUB}/${ds.name}`;
      const buf = readFileSync(`${dir}/${ds.name}_2k.log`);
      const truth = parseCsv(readFileSync(`${dir}/${ds.name}_2k.log_structured.csv`), { columns: true }) as Record<string, string>[];
      const fields: Record<string, string> = { message: 'Content' };
      if (ds.name !== 'OpenSSH') fields.level = 'Level';
      if (ds.hasComponent) fields.service = 'Component';
      const { b, errors } = parseAll(buf, { pattern: ds.pattern, fields, timestamp: ds.timestamp, timezone: 'UTC' });

      expect(errors).toEqual([]);
      expect(b.length).toBe(2000);
      expect(truth.length).toBe(2000);

      // levels: our normalised codes against the CSV's words normalised the same way, and the expected totals
      const ours = count(Array.from(b.level.subarray(0, b.length), (c) => LEVELS[c]));
      const theirs = count(truth.map((r) => LEVELS[r.Level === undefined ? LEVEL_CODE.UNKNOWN : normalizeLevel(r.Level)]));
      expect(sorted(ours)).toEqual(sorted(theirs));
      expect(Object.fromEntries(ours)).toEqual(ds.levels);

      // components: exact strings
      const svc = b.dicts.service.values;
      if (ds.hasComponent) {
        const ourComponents = count(Array.from(b.service.subarray(0, b.length), (c) => svc[c]));
        expect(sorted(ourComponents)).toEqual(sorted(count(truth.map((r) => r.Component))));
      } else {
        expect(Array.from(b.service.subarray(0, b.length)).every((c) => c === -1)).toBe(true);
      }

      // contents, line by line, and every content is a byte range of the line (ASCII data)
      for (let i = 0; i < b.length; i++) {
        expect(b.message(i)).toBe(truth[i]!.Content);
        expect(b.msgStart[i]).toBeGreaterThanOrEqual(0);
      }

      const ts = Array.from(b.timestamp.subarray(0, b.length));
      expect(ts.filter((t) => Number.isNaN(t))).toEqual([]);
      const iso = (t: number): string => new Date(t).toISOString().slice(ds.sum === null ? 4 : 0);
      expect(iso(Math.min(...ts))).toBe(ds.first);
      expect(iso(Math.max(...ts))).toBe(ds.last);
      if (ds.sum !== null) expect(ts.reduce((a, t) => a + t, 0)).toBe(ds.sum);
    });
  }

  it('a long line that does not match is one malformed line, not a stalled worker (linear-regexp.ts)', () => {
    // 250 words without the format's ': ': ~20 s on the backtracking engine alone (2 s at 150
    // words, 8 s at 200), ~20 ms once V8 may leave it; the timeout is a hang guard, not a speed bar
    const words = Array.from({ length: 250 }, (_, i) => `w${i}`).join(' ');
    const { b, errors } = parseAll(Buffer.from(`${words}\n081109 203615 148 INFO dfs.DataNode$PacketResponder: ok\n`), {
      pattern: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
    });
    expect(errors).toEqual([{ line: 0, reason: 'does not match pattern' }]);
    expect(b.length).toBe(1);
  }, 5_000);

  it('OpenSSH: a date without a year gets one guessed from today (time.test.ts), so only month/day/time are checked', () => {
    const { b } = parseAll(Buffer.from('Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n'), {
      pattern: '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>',
      timestamp: { from: ['Date', 'Day', 'Time'], format: '%b %d %H:%M:%S' },
    });
    expect(new Date(b.timestamp[0]!).toISOString().slice(4)).toBe('-12-10T06:55:46.000Z');
  });
});

describe('pattern format on single lines', () => {
  const hdfs = '<Date> <Time> <Pid> <Level> <Component>: <Content>';

  it('maps groups named like record fields when `fields` leaves them out', () => {
    const { b, err } = line('081109 203615 148 WARN dfs.DataNode$PacketResponder: PacketResponder 1 terminating', { pattern: hdfs });
    expect(err).toBeNull();
    expect(b.level[0]).toBe(LEVEL_CODE.WARN);
    expect(b.dicts.service.values[b.service[0]!]).toBe('dfs.DataNode$PacketResponder');
    expect(b.message(0)).toBe('PacketResponder 1 terminating');
    expect(b.timestamp[0]).toBeNaN(); // no mapping, no group called Timestamp
  });

  it('matches runs of spaces and tabs, strips the line, and keeps non-ASCII messages as text', () => {
    const { b, err } = line('  081109\t203615  148 INFO  x.Y: héllo wörld  ', { pattern: hdfs, fields: { message: 'Content', status_code: 'Pid' } });
    expect(err).toBeNull();
    expect(b.message(0)).toBe('héllo wörld');
    expect(b.msgStart[0]).toBe(-1);
    expect(b.status_code[0]).toBe(148);
  });

  it('reports lines that do not match, and bad timestamps only when the timestamp is configured', () => {
    expect(line('just some text', { pattern: hdfs }).err).toBe('does not match pattern');
    const ts = { from: ['Date', 'Time'], format: '%y%m%d %H%M%S' };
    expect(line('081109 256615 148 INFO x.Y: m', { pattern: hdfs, timestamp: ts }).err).toBe('bad timestamp');
    expect(line('081109 203615 148 INFO x.Y: m', { pattern: hdfs, timestamp: ts }).b.timestamp[0]).toBe(Date.parse('2008-11-09T20:36:15Z'));
  });

  it('numbers the fields right when the literal text has groups of its own (Loghub Thunderbird and Mac formats)', () => {
    const thunderbird = '<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: <Content>';
    const fields = { service: 'Component', message: 'Content', status_code: 'PID' };
    const { b, err } = line('- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root', { pattern: thunderbird, fields });
    expect(err).toBeNull();
    expect(b.dicts.service.values[b.service[0]!]).toBe('crond(pam_unix)');
    expect(b.status_code[0]).toBe(2915);
    expect(b.message(0)).toBe('session closed for user root');
    // the optional group absent: the fields after it still line up
    const noPid = line('- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 kernel: eth0: link up', { pattern: thunderbird, fields });
    expect(noPid.b.dicts.service.values[noPid.b.service[0]!]).toBe('kernel');
    expect(noPid.b.status_code[0]).toBeNaN();
    expect(noPid.b.message(0)).toBe('eth0: link up');
    const mac = '<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>';
    const m = line('Jul  1 09:01:05 calvisitor-10-105-160-95 com.apple.xpc.launchd[1] (com.apple.xpc.launchd.domain.pid.WebContent.35959): Service exited due to SIGKILL', { pattern: mac });
    expect(m.err).toBeNull();
    expect(m.b.dicts.service.values[m.b.service[0]!]).toBe('com.apple.xpc.launchd');
    expect(m.b.message(0)).toBe('Service exited due to SIGKILL');
    expect(loghubRegex(mac).names).toEqual(new Map([['Month', 1], ['Date', 2], ['Time', 3], ['User', 4], ['Component', 5], ['PID', 6], ['Address', 8], ['Content', 9]]));
  });

  it('reads a timestamp in the configured zone', () => {
    const { b } = line('2025-01-10 12:05:15,456 INFO auth: ok', { pattern: '<Date> <Time> <Level> <Component>: <Content>', timezone: 'Europe/Paris', timestamp: { from: ['Date', 'Time'] } });
    expect(b.timestamp[0]).toBe(Date.parse('2025-01-10T11:05:15.456Z'));
  });

  it('rejects configurations that refer to fields the pattern lacks', () => {
    expect(() => patternFormat.create({ file: 'x', options: { pattern: hdfs, fields: { level: 'Severity' } } })).toThrow(/does not capture/);
    expect(() => patternFormat.create({ file: 'x', options: { pattern: hdfs, timestamp: { from: 'When' } } })).toThrow(/does not capture/);
    expect(() => patternFormat.create({ file: 'x', options: { pattern: hdfs, fields: { line: 'Pid' } } })).toThrow(/cannot map/);
    expect(() => patternFormat.create({ file: 'x', options: {} })).toThrow(/needs the option/);
    expect(() => patternFormat.create({ file: 'x', options: { pattern: '<A> (' } })).toThrow(/not a valid pattern/);
  });

  it('startsRecord is true exactly for matching lines; a multi-line record keeps its continuation in the message', () => {
    const parser = patternFormat.create({ file: 'x', options: { pattern: hdfs } });
    const first = Buffer.from('081109 203615 148 ERROR x.Y: boom');
    const cont = Buffer.from('\tat com.example.Foo(Foo.java:12)');
    expect(parser.startsRecord(first, 0, first.length)).toBe(true);
    expect(parser.startsRecord(cont, 0, cont.length)).toBe(false);
    const rec = Buffer.concat([first, Buffer.from('\n'), cont]);
    const b = new Batch(4, makeDictionaries(), 'file');
    b.buf = rec;
    expect(parser.parse(rec, 0, rec.length, b, b.begin(0, 0))).toBeNull();
    expect(b.message(0)).toBe('boom\n\tat com.example.Foo(Foo.java:12)');
  });
});
