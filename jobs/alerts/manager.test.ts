import { describe, expect, it } from 'vitest';
import { AlertManager, RATE_WINDOW_MS } from './manager.js';
import { at, candidate, recorder } from './test-helpers.js';
import type { Alert, Channel } from './types.js';

const cfg = { cooldown: 10 * 60_000, rate_limit: 100, window: 60_000 };
const fast = { retry: { retries: 2, baseMs: 1, factor: 2, maxMs: 10, jitter: 0 } };
const brief = (alerts: Alert[]): [number, string, string, string][] => alerts.map((a) => [(a.time - at(0)) / 60_000, a.rule, a.scope, a.status]);

describe('AlertManager: dedup, cooldown, resolve', () => {
  it('sends one message for the same rule and scope seen again (same evaluation, next evaluation)', async () => {
    const rec = recorder();
    const m = new AlertManager(cfg, [rec], () => at(0));
    const c = candidate('error_rate', 'all', at(0));
    expect(brief(m.evaluate([c, { ...c }], at(0) + 30_000))).toEqual([[0, 'error_rate', 'all', 'firing']]);
    // Follow mode recomputes every window: the open window grows, nothing new is sent.
    expect(m.evaluate([{ ...c, value: 2 }], at(0) + 40_000)).toEqual([]);
    await m.flush();
    expect(rec.sent).toHaveLength(1);
    expect(m.stats()).toMatchObject({ evaluated: 3, fired: 1, deduplicated: 2, delivered: { rec: 1 } });
  });

  it('repeats a continuing condition once per cooldown, not before', () => {
    const m = new AlertManager(cfg, [recorder()], () => at(0));
    // Firing every minute from 05:00 to 05:12.
    const all = Array.from({ length: 13 }, (_, i) => candidate('error_count', 'all', at(i)));
    expect(brief(m.evaluate(all.slice(0, 10), at(10)))).toEqual([[0, 'error_count', 'all', 'firing']]);
    expect(brief(m.evaluate(all, at(12)))).toEqual([[10, 'error_count', 'all', 'firing']]);
    // Separate scopes and rules have their own cooldown.
    expect(brief(m.evaluate([candidate('error_count', 'api', at(12)), candidate('error_rate', 'all', at(12))], at(12)))).toEqual([
      [12, 'error_count', 'api', 'firing'],
      [12, 'error_rate', 'all', 'firing'],
    ]);
  });

  it("says 'resolved' once when a whole window passes without the condition", () => {
    const rec = recorder();
    const m = new AlertManager(cfg, [rec], () => at(0));
    m.evaluate([candidate('error_rate', 'payment', at(0), 0.4)], at(0) + 30_000);
    // 05:01 is still open: not resolved yet.
    expect(m.evaluate([], at(1) + 59_999)).toEqual([]);
    const [r] = m.evaluate([], at(2));
    expect(r).toMatchObject({ time: at(1), rule: 'error_rate', scope: 'payment', status: 'resolved', severity: 'HIGH', value: 0.4, threshold: 0.5 });
    expect(r!.message).toBe(
      'Resolved: error_rate in service payment cleared at 2025-01-10T05:01:00.000Z (no 1 min window crossed the threshold since). ' +
        'It fired from 2025-01-10T05:00:00.000Z, peak 40% (threshold 50%). Nothing to do unless it recurs.',
    );
    expect(m.evaluate([], at(5))).toEqual([]);
    expect(m.active()).toEqual([]);
    expect(m.stats().resolved).toBe(1);
  });

  it('can wait for several clean windows before resolving', () => {
    const m = new AlertManager(cfg, [recorder()], () => at(0), { resolveAfter: 3 });
    m.evaluate([candidate('error_rate', 'all', at(0))], at(0));
    // 05:01 and 05:02 clean, then it recurs at 05:03: the same episode, nothing sent.
    expect(m.evaluate([candidate('error_rate', 'all', at(3))], at(3))).toEqual([]);
    expect(m.evaluate([], at(6))).toEqual([]);
    const [r] = m.evaluate([], at(7));
    expect(r).toMatchObject({ status: 'resolved', time: at(4) });
    expect(r!.message).toContain('(no 1 min window crossed the threshold in the 3 min after)');
  });

  it('does not resolve a long incident while it goes on', () => {
    const m = new AlertManager(cfg, [recorder()], () => at(0));
    const inc = candidate('incident:cascade', 'all', at(0), 2, { end: at(15), severity: 'CRITICAL' });
    expect(brief(m.evaluate([inc], at(10)))).toEqual([[0, 'incident:cascade', 'all', 'firing']]);
    // Re-detected with a later end: still one episode.
    expect(m.evaluate([{ ...inc, end: at(30) }], at(20))).toEqual([]);
    expect(m.active()).toMatchObject([{ rule: 'incident:cascade', since: at(0), until: at(30), severity: 'CRITICAL', notified: true }]);
    const done = m.evaluate([], at(31));
    expect(brief(done)).toEqual([[30, 'incident:cascade', 'all', 'resolved']]);
    expect(done[0]!.message).toBe(
      'Resolved: incident:cascade across all services cleared at 2025-01-10T05:30:00.000Z (no 1 min window crossed the threshold since). ' +
        'It fired from 2025-01-10T05:00:00.000Z. Nothing to do unless it recurs.',
    );
  });

  it('replays a batch in time order: fire, resolve, fire again after the cooldown', () => {
    const m = new AlertManager(cfg, [recorder()], () => at(0));
    const got = m.evaluate([candidate('error_rate', 'all', at(30)), candidate('error_rate', 'all', at(0)), candidate('error_rate', 'all', at(1))], at(31));
    expect(brief(got)).toEqual([
      [0, 'error_rate', 'all', 'firing'],
      [2, 'error_rate', 'all', 'resolved'],
      [30, 'error_rate', 'all', 'firing'],
    ]);
    // 05:30's window ends at 05:31; 05:31 is not complete at the horizon 05:31: still active.
    expect(m.active().map((a) => a.since)).toEqual([at(30)]);
  });

  it('keeps a recurrence inside the cooldown silent (and its clearing too)', () => {
    const m = new AlertManager(cfg, [recorder()], () => at(0));
    expect(brief(m.evaluate([candidate('error_rate', 'all', at(0))], at(3)))).toEqual([
      [0, 'error_rate', 'all', 'firing'],
      [1, 'error_rate', 'all', 'resolved'],
    ]);
    expect(m.evaluate([candidate('error_rate', 'all', at(5))], at(5))).toEqual([]);
    expect(m.active()).toMatchObject([{ since: at(5), notified: false }]);
    expect(m.evaluate([], at(8))).toEqual([]);
    // Past the cooldown it fires again.
    expect(brief(m.evaluate([candidate('error_rate', 'all', at(11))], at(11)))).toEqual([[11, 'error_rate', 'all', 'firing']]);
  });

  it('lets an escalation through the cooldown', () => {
    const m = new AlertManager(cfg, [recorder()], () => at(0));
    m.evaluate([candidate('error_rate', 'all', at(0))], at(0));
    const got = m.evaluate([candidate('error_rate', 'all', at(0)), candidate('error_rate', 'all', at(1), 0.9, { severity: 'CRITICAL' })], at(1));
    expect(got.map((a) => [a.time, a.severity])).toEqual([[at(1), 'CRITICAL']]);
    // Back to HIGH is not news; the resolve carries the worst severity sent.
    expect(m.evaluate([candidate('error_rate', 'all', at(2))], at(2))).toEqual([]);
    expect(m.evaluate([], at(4)).map((a) => [a.status, a.severity, a.value])).toEqual([['resolved', 'CRITICAL', 1]]);
  });

  it('ignores resolved candidates and late data for windows already decided', () => {
    const m = new AlertManager(cfg, [recorder()], () => at(0));
    m.evaluate([candidate('x', 'all', at(5))], at(5));
    expect(m.evaluate([candidate('x', 'all', at(3)), candidate('y', 'all', at(5), 1, { status: 'resolved' })], at(5))).toEqual([]);
  });
});

describe('AlertManager: rate limit', () => {
  it('caps each channel at rate_limit per minute and summarises the rest when the window rolls over', async () => {
    let wall = 1_000_000;
    const limited = recorder('limited');
    const file = recorder('file', false);
    const m = new AlertManager({ ...cfg, rate_limit: 3 }, [limited, file], () => wall);
    const ten = Array.from({ length: 10 }, (_, i) => candidate('error_rate', `svc${i}`, at(0), 1, { severity: i === 7 ? 'CRITICAL' : 'HIGH' }));
    expect(m.evaluate(ten, at(0))).toHaveLength(10);
    await m.flush();
    expect(limited.sent.map((a) => a.scope)).toEqual(['svc7', 'svc0', 'svc1']); // most urgent first within a time
    expect(file.sent).toHaveLength(10); // the record is not throttled
    expect(m.stats().suppressed).toEqual({ limited: 7 });

    // Still inside the minute: nothing goes out, not even the summary.
    wall += RATE_WINDOW_MS - 1;
    m.evaluate([], at(0));
    await m.flush();
    expect(limited.sent).toHaveLength(3);

    wall += 1;
    m.evaluate([], at(0));
    await m.flush();
    const summary = limited.sent[3]!;
    expect(summary).toMatchObject({ time: wall, rule: 'rate_limit', scope: 'all', severity: 'HIGH', value: 7, threshold: 3, status: 'firing' });
    expect(summary.message).toBe(
      '7 alerts suppressed on limited by the rate limit of 3 per minute (7 HIGH; error_rate x7). Every alert is kept by file. ' +
        'Look at the active alerts on the dashboard or in alerts.log.',
    );
    expect(file.sent).toHaveLength(10); // summaries are per throttled channel

    // The summary took one of the new window's 3 slots.
    const five = Array.from({ length: 5 }, (_, i) => candidate('error_count', `svc${i}`, at(1)));
    m.evaluate(five, at(1));
    await m.flush();
    expect(limited.sent.slice(4).map((a) => a.scope)).toEqual(['svc0', 'svc1']);
    // At the end of a batch the pending summary goes out even though the minute is not over.
    await m.close();
    expect(limited.sent.slice(6).map((a) => [a.rule, a.value])).toEqual([['rate_limit', 3]]);
    expect(limited.sent[6]!.message).toMatch(/^3 alerts suppressed on limited .*\(3 HIGH; error_count x3\)/);
  });

  it('gives the slots to the most urgent alerts when more are due than fit, and sends them in time order', async () => {
    const limited = recorder('limited');
    const m = new AlertManager({ ...cfg, rate_limit: 2 }, [limited], () => 0);
    const due = [0, 1, 2, 3, 4].map((i) => candidate('anomaly:zscore', `s${i}`, at(i), 1, { severity: i === 4 ? 'CRITICAL' : 'MEDIUM' }));
    m.evaluate(due, at(0)); // horizon before any window closes: no resolves in the way
    await m.flush();
    expect(limited.sent.map((a) => [a.scope, a.severity])).toEqual([['s0', 'MEDIUM'], ['s4', 'CRITICAL']]);
    expect(m.stats().suppressed).toEqual({ limited: 3 });
  });
});

describe('AlertManager: state', () => {
  it('round-trips through JSON so a restarted follower neither re-sends nor forgets to resolve', async () => {
    let wall = 5_000;
    const a = new AlertManager({ ...cfg, rate_limit: 2 }, [recorder('r')], () => wall);
    const cands = [candidate('error_rate', 'all', at(0)), candidate('critical_count', 'api', at(0), 9, { severity: 'CRITICAL' })];
    a.evaluate(cands, at(0));
    const saved = JSON.stringify(a);
    expect(JSON.parse(saved)).toEqual(a.toJSON());
    expect(a.toJSON()).toMatchObject({ version: 1, lanes: { r: { windowStart: 5_000, sent: 2, suppressed: 0 } } });

    const rec = recorder('r');
    const b = new AlertManager({ ...cfg, rate_limit: 2 }, [rec], () => wall);
    b.fromJSON(JSON.parse(saved));
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.evaluate(cands, at(0) + 30_000)).toEqual([]);
    // The restored lane is full for the rest of its minute.
    wall += 1_000;
    b.evaluate([candidate('error_count', 'web', at(0))], at(0) + 30_000);
    await b.flush();
    expect(rec.sent).toEqual([]);
    expect(b.stats().suppressed).toEqual({ r: 1 });
    // Decisions are per rule+scope, throttling per channel: error_count/web was decided (and counted
    // in this channel's suppressed summary), so its clearing is announced like the others.
    expect(b.evaluate([], at(2)).map((x) => [x.rule, x.status])).toEqual([['critical_count', 'resolved'], ['error_rate', 'resolved'], ['error_count', 'resolved']]);
  });

  it('rejects a malformed state', () => {
    const m = new AlertManager(cfg, []);
    expect(() => m.fromJSON({ version: 2, keys: [], lanes: {} })).toThrow(/invalid alert state: version/);
    expect(() => m.fromJSON({ version: 1, keys: [{ rule: 'x' }], lanes: {} })).toThrow(/invalid alert state/);
  });

  it('refuses two channels with one name', () => {
    expect(() => new AlertManager(cfg, [recorder('a'), recorder('a')])).toThrow(/two alert channels are named 'a'/);
  });
});

describe('AlertManager: delivery', () => {
  it('retries a failing channel, logs and counts it, and never holds back the others', async () => {
    const logs: string[] = [];
    let calls = 0;
    const broken: Channel = {
      name: 'broken', rateLimited: true,
      send: () => {
        calls++;
        throw new Error('boom'); // even a synchronous throw
      },
    };
    let release: () => void = () => undefined;
    const slow: Channel = { name: 'slow', rateLimited: true, send: () => new Promise<void>((r) => (release = r)) };
    const rec = recorder();
    const m = new AlertManager(cfg, [broken, slow, rec], () => 0, { ...fast, log: (l) => logs.push(l) });
    m.evaluate([candidate('error_rate', 'all', at(0))], at(0));
    // Synchronous channels have their message before evaluate returns.
    expect(rec.sent).toHaveLength(1);
    release();
    await m.flush();
    expect(calls).toBe(3);
    expect(logs).toEqual([
      'logframe alerts: broken: error_rate/all at 2025-01-10T05:00:00.000Z: attempt 1/3 failed: boom; retrying in 1 ms',
      'logframe alerts: broken: error_rate/all at 2025-01-10T05:00:00.000Z: attempt 2/3 failed: boom; retrying in 2 ms',
      'logframe alerts: broken: error_rate/all at 2025-01-10T05:00:00.000Z: gave up after 3 attempts: boom',
    ]);
    expect(m.stats()).toMatchObject({ delivered: { slow: 1, rec: 1 }, failed: { broken: 1 }, errors: 3 });
  });

  it('redacts logged failures', async () => {
    const logs: string[] = [];
    const leaky: Channel = { name: 'leaky', rateLimited: true, send: async () => Promise.reject(new Error('login hunter2 refused')) };
    const m = new AlertManager(cfg, [leaky], () => 0, { ...fast, log: (l) => logs.push(l), redact: (s) => s.replaceAll('hunter2', '[REDACTED]') });
    m.evaluate([candidate('r', 'all', at(0))], at(0));
    await m.flush();
    expect(logs.join('\n')).not.toContain('hunter2');
    expect(logs.at(-1)).toContain('login [REDACTED] refused');
  });
});
