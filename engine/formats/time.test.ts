import { describe, expect, it } from 'vitest';
import { compileStrptime, daysFromCivil, makeZone, parseTimestamp, scanTimestamp, type TsOut } from './time.js';

const UTC = makeZone();
const ms = (iso: string): number => Date.parse(iso);

describe('daysFromCivil', () => {
  it('agrees with Date.UTC over four centuries of month starts and ends', () => {
    for (let y = 1800; y <= 2200; y += 7) {
      for (let m = 1; m <= 12; m++) {
        for (const d of [1, 28]) expect(daysFromCivil(y, m, d) * 86_400_000).toBe(Date.UTC(y, m - 1, d));
      }
    }
  });
});

describe('makeZone', () => {
  it('reads UTC, fixed offsets and rejects unknown names', () => {
    expect(makeZone().name).toBe('UTC');
    expect(makeZone('Z').toUtc(0)).toBe(0);
    expect(makeZone('+02:00').toUtc(0)).toBe(-2 * 3_600_000);
    expect(makeZone('-0530').toUtc(0)).toBe(5.5 * 3_600_000);
    expect(makeZone('UTC+01').toUtc(0)).toBe(-3_600_000);
    expect(() => makeZone('Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });

  it('resolves DST like JS Date: gaps move forward, ambiguous times take the earlier instant', () => {
    const paris = makeZone('Europe/Paris');
    expect(parseTimestamp('2025-03-30 01:30:00', paris)).toBe(ms('2025-03-30T00:30:00Z'));
    expect(parseTimestamp('2025-03-30 02:30:00', paris)).toBe(ms('2025-03-30T01:30:00Z')); // skipped hour
    expect(parseTimestamp('2025-03-30 03:30:00', paris)).toBe(ms('2025-03-30T01:30:00Z'));
    expect(parseTimestamp('2025-10-26 02:30:00', paris)).toBe(ms('2025-10-26T00:30:00Z')); // repeated hour
    expect(parseTimestamp('2025-10-26 03:30:00', paris)).toBe(ms('2025-10-26T02:30:00Z'));
    expect(parseTimestamp('2025-07-01 12:00:00', paris)).toBe(ms('2025-07-01T10:00:00Z'));
    const ny = makeZone('America/New_York');
    expect(parseTimestamp('2025-01-10 12:05:15,456', ny)).toBe(ms('2025-01-10T17:05:15.456Z'));
    expect(parseTimestamp('2025-01-10T12:05:15Z', ny)).toBe(ms('2025-01-10T12:05:15Z')); // an explicit zone wins
  });

  it('round-trips wall clocks of random instants in zones with odd offsets and half-hour DST', () => {
    let seed = 42;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const name of ['America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Europe/London']) {
      const zone = makeZone(name);
      const fmt = new Intl.DateTimeFormat('sv-SE', {
        timeZone: name, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      });
      let exact = 0;
      for (let k = 0; k < 3000; k++) {
        const t = ms('2000-01-01T00:00:00Z') + Math.floor(rand() * 30 * 365 * 86_400) * 1000;
        const wall = fmt.format(t); // 'YYYY-MM-DD HH:MM:SS'
        const back = parseTimestamp(wall, zone);
        // ambiguous wall clocks (the repeated hour) resolve to the earlier instant
        expect(fmt.format(back)).toBe(wall);
        expect(back).toBeLessThanOrEqual(t);
        if (back === t) exact++;
      }
      expect(exact).toBeGreaterThan(2980);
    }
  });
});

describe('scanTimestamp', () => {
  const out: TsOut = { value: NaN };
  const scan = (line: string, s = 0): [number, number] => {
    const buf = Buffer.from(line, 'latin1');
    const end = scanTimestamp(buf, s, buf.length, UTC, out);
    return [end, end < 0 ? NaN : out.value];
  };

  it('parses the S0 seed timestamp and stops after it', () => {
    expect(scan('2025-01-10 12:05:15,456 INFO auth User logged in')).toEqual([23, ms('2025-01-10T12:05:15.456Z')]);
  });

  it('parses ISO 8601 variants', () => {
    expect(scan('2025-01-10T12:05:15Z rest')).toEqual([20, ms('2025-01-10T12:05:15Z')]);
    expect(scan('2025-01-10T12:05:15.123456789+02:00 x')).toEqual([35, ms('2025-01-10T10:05:15.123Z')]);
    expect(scan('2025-01-10 12:05:15.9-0530')).toEqual([26, ms('2025-01-10T17:35:15.900Z')]);
    expect(scan('2025-01-10T12:05:15+01')).toEqual([22, ms('2025-01-10T11:05:15Z')]);
    expect(scan('2025/01/10 12:05:15 x')).toEqual([19, ms('2025-01-10T12:05:15Z')]);
    expect(scan('2024-02-29 23:59:59')).toEqual([19, ms('2024-02-29T23:59:59Z')]);
    // a '-' that is not an offset is left to the caller
    expect(scan('2015-07-29 17:41:44,747 - INFO')).toEqual([23, ms('2015-07-29T17:41:44.747Z')]);
  });

  it('parses Apache CLF and error-log timestamps', () => {
    expect(scan('[10/Oct/2000:13:55:36 -0700] "GET', 1)).toEqual([27, ms('2000-10-10T20:55:36Z')]);
    expect(scan('17/May/2015:10:05:03 +0000')).toEqual([26, ms('2015-05-17T10:05:03Z')]);
    expect(scan('17/may/2015:10:05:03]')).toEqual([20, ms('2015-05-17T10:05:03Z')]);
    expect(scan('[Sun Dec 04 04:47:44 2005] [notice]', 1)).toEqual([25, ms('2005-12-04T04:47:44Z')]);
    expect(scan('Mon Dec  5 04:47:44.123456 2005]')).toEqual([31, ms('2005-12-05T04:47:44.123Z')]);
  });

  it('rejects garbage and out-of-range fields', () => {
    for (const bad of [
      '', 'hello', '2025-13-10 12:05:15', '2025-02-29 12:00:00', '2025-01-32 12:00:00', '2025-01-10 24:00:00',
      '2025-01-10 12:60:00', '2025-01-10X12:05:15', '2025-01-10 12:05', '2025-01-10 12:05:155', '2025-01-10',
      '32/Oct/2000:13:55:36 -0700', '10/Foo/2000:13:55:36', 'Sun Foo 04 04:47:44 2005', 'Xyz Dec 04 04:47:44 2005',
      '1736510715', '2025/01/10T12:05:15',
    ]) expect(scan(bad)[0]).toBe(-1);
  });

  it('never reads past e', () => {
    const buf = Buffer.from('2025-01-10 12:05:15,456');
    expect(scanTimestamp(buf, 0, 19, UTC, out)).toBe(19);
    expect(out.value).toBe(ms('2025-01-10T12:05:15Z'));
    expect(scanTimestamp(buf, 0, 18, UTC, out)).toBe(-1);
  });
});

describe('parseTimestamp', () => {
  it('parses whole fields in every auto format, plus epochs and bare dates', () => {
    expect(parseTimestamp(' 2025-01-10 12:05:15,456 ', UTC)).toBe(ms('2025-01-10T12:05:15.456Z'));
    expect(parseTimestamp('1117838570', UTC)).toBe(1117838570000);
    expect(parseTimestamp('1117838570.1239', UTC)).toBe(1117838570123);
    expect(parseTimestamp('1736510715456', UTC)).toBe(1736510715456);
    expect(parseTimestamp('2025-01-10', makeZone('+01:00'))).toBe(ms('2025-01-09T23:00:00Z'));
    expect(parseTimestamp('10/Oct/2000:13:55:36 -0700', UTC)).toBe(ms('2000-10-10T20:55:36Z'));
    expect(parseTimestamp('Sun Dec 04 04:47:44 2005', makeZone('+01:00'))).toBe(ms('2005-12-04T03:47:44Z'));
  });

  it('returns NaN for anything else', () => {
    for (const bad of ['', 'x', '2025-01-10 12:05:15 trailing', '12345', '11178385700', '2025-01-10 12:05:15\u00e9', '２０２５-01-10 12:05:15']) {
      expect(parseTimestamp(bad, UTC)).toBeNaN();
    }
  });
});

describe('compileStrptime', () => {
  it('parses Loghub timestamp shapes', () => {
    expect(compileStrptime('%y%m%d %H%M%S', UTC)('081109 203615')).toBe(ms('2008-11-09T20:36:15Z'));
    expect(compileStrptime('%y/%m/%d %H:%M:%S', UTC)('17/06/09 20:10:40')).toBe(ms('2017-06-09T20:10:40Z'));
    expect(compileStrptime('%Y-%m-%d-%H.%M.%S.%f', UTC)('2005-06-03-15.42.50.675872')).toBe(ms('2005-06-03T15:42:50.675Z'));
    expect(compileStrptime('%a %b %d %H:%M:%S %Y', UTC)('Sun Dec 04 04:47:44 2005')).toBe(ms('2005-12-04T04:47:44Z'));
    expect(compileStrptime('%Y-%m-%d %H:%M:%S,%f', UTC)('2015-07-29 17:41:44,747')).toBe(ms('2015-07-29T17:41:44.747Z'));
  });

  it('takes the default year when the format has none (syslog)', () => {
    const p = compileStrptime('%b %e %H:%M:%S', UTC, { defaultYear: 2017 });
    expect(p('Dec 10 06:55:46')).toBe(ms('2017-12-10T06:55:46Z'));
    expect(p('Jan  4 06:55:46')).toBe(ms('2017-01-04T06:55:46Z'));
    expect(compileStrptime('%b %d', UTC)('Jan 01')).toBe(Date.UTC(new Date().getUTCFullYear(), 0, 1));
  });

  it('handles 12-hour clocks, full names, day of year, zones and epochs', () => {
    expect(compileStrptime('%d %B %Y %I:%M %p', UTC)('01 March 2024 12:15 am')).toBe(ms('2024-03-01T00:15:00Z'));
    expect(compileStrptime('%d %B %Y %I:%M %p', UTC)('01 March 2024 12:15 PM')).toBe(ms('2024-03-01T12:15:00Z'));
    expect(compileStrptime('%d %B %Y %I:%M %p', UTC)('01 March 2024 01:15 PM')).toBe(ms('2024-03-01T13:15:00Z'));
    expect(compileStrptime('%A, %d %b %Y', UTC)('Friday, 10 Jan 2025')).toBe(ms('2025-01-10T00:00:00Z'));
    expect(compileStrptime('%Y %j', UTC)('2024 366')).toBe(ms('2024-12-31T00:00:00Z'));
    expect(compileStrptime('%Y-%m-%dT%H:%M:%S%z', UTC)('2025-01-10T12:05:15+0200')).toBe(ms('2025-01-10T10:05:15Z'));
    expect(compileStrptime('%Y-%m-%dT%H:%M:%S%z', UTC)('2025-01-10T12:05:15Z')).toBe(ms('2025-01-10T12:05:15Z'));
    expect(compileStrptime('%Y-%m-%d %H:%M:%S %Z', makeZone('+05:00'))('2025-01-10 12:05:15 UTC')).toBe(ms('2025-01-10T12:05:15Z'));
    expect(compileStrptime('%Y-%m-%d %H:%M:%S', makeZone('+05:00'))('2025-01-10 12:05:15')).toBe(ms('2025-01-10T07:05:15Z'));
    expect(compileStrptime('%s.%f', UTC)('1117838570.675872')).toBe(1117838570675);
    expect(compileStrptime('%F %T 100%%', UTC)('2025-01-10 12:05:15 100%')).toBe(ms('2025-01-10T12:05:15Z'));
  });

  it('returns NaN on mismatch and range errors', () => {
    const p = compileStrptime('%Y-%m-%d %H:%M:%S', UTC);
    for (const bad of ['', '2025-01-10', '2025-01-10 12:05:15 x', '2025-13-10 12:05:15', '2025-02-30 12:05:15', '2025-01-10 25:05:15', 'abcd-01-10 12:05:15']) {
      expect(p(bad)).toBeNaN();
    }
    expect(compileStrptime('%b %d', UTC)('Foo 10')).toBeNaN();
    expect(() => compileStrptime('%Q', UTC)).toThrow(/unsupported/);
  });

  it('a date without a year takes the latest year in which it exists and is not ahead of now (syslog)', () => {
    const syslog = (now: string, text: string): number => compileStrptime('%b %d %H:%M:%S', UTC, { now: ms(now) })(text);
    // four days ahead of now: last year's, not a date in the future
    expect(syslog('2026-12-06T07:00:00Z', 'Dec 10 06:55:46')).toBe(ms('2025-12-10T06:55:46Z'));
    expect(syslog('2026-12-06T07:00:00Z', 'Dec  5 06:55:46')).toBe(ms('2026-12-05T06:55:46Z'));
    // read in January, December is the year before
    expect(syslog('2026-01-05T00:00:00Z', 'Dec 31 23:00:00')).toBe(ms('2025-12-31T23:00:00Z'));
    // read just before New Year, a line within the day ahead is next year's
    expect(syslog('2025-12-31T23:59:00Z', 'Jan  1 00:30:00')).toBe(ms('2026-01-01T00:30:00Z'));
    // a leap day belongs to the last leap year
    expect(syslog('2026-06-01T00:00:00Z', 'Feb 29 10:00:00')).toBe(ms('2024-02-29T10:00:00Z'));
    // a year in the text, or one the caller fixes, is taken as it is
    expect(compileStrptime('%Y %b %d', UTC, { now: ms('2026-12-06T00:00:00Z') })('2030 Dec 10')).toBe(ms('2030-12-10T00:00:00Z'));
    expect(compileStrptime('%b %d', UTC, { defaultYear: 2020, now: ms('2026-12-06T00:00:00Z') })('Dec 10')).toBe(ms('2020-12-10T00:00:00Z'));
    expect(compileStrptime('%b %d', UTC, { defaultYear: 2021 })('Feb 29')).toBeNaN();
  });
});
