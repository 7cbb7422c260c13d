/**
 * The stateful alert engine: turns candidate alerts (re-computed from the whole results at
 * every evaluation) into the messages to send, with dedup, cooldown, resolve, a per-channel
 * rate limit, retried parallel delivery, and state that survives a restart.
 *
 * Times: cooldown and resolution run on data time (the alerts' `time`), so a batch run over a
 * day of logs alerts once per episode and per cooldown of that day, and a follower re-reading
 * its history decides the same way; the rate limit runs on the wall clock (`clock`), because
 * it protects the people and the mail server, who live in real time.
 */
import { z } from 'zod';
import { formatDuration, formatValue } from './format.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { effectiveWindow } from './rules.js';
import { isoTime, SEVERITIES, severityRank, type Alert, type Channel, type Severity } from './types.js';
import type { AlertsConfig } from '../config/types.js';

/** The rate limit counts messages per this many ms. */
export const RATE_WINDOW_MS = 60_000;

/** Injectable behaviour (logging, retry timing) beyond the config. */
export interface ManagerOptions {
  /** One line per delivery failure (default: stderr). */
  log?: (line: string) => void;
  /** Applied to every logged line (the email channel's secrets). */
  redact?: (text: string) => string;
  retry?: RetryPolicy;
  /** Clean windows in a row before an episode counts as resolved (default 1); more is calmer on noisy, low-volume logs. */
  resolveAfter?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Counters since the manager started (not persisted). */
export interface AlertStats {
  /** Candidates looked at. */
  evaluated: number;
  /** Firing messages decided (before per-channel rate limits). */
  fired: number;
  /** Resolved messages decided. */
  resolved: number;
  /** Candidates that sent nothing: repeats of a known window, or inside the cooldown. */
  deduplicated: number;
  /** Per channel: messages dropped by the rate limit. */
  suppressed: Record<string, number>;
  /** Per channel: messages delivered. */
  delivered: Record<string, number>;
  /** Per channel: messages given up after retries. */
  failed: Record<string, number>;
  /** Failed attempts, all channels (the error counter). */
  errors: number;
}

/** A rule+scope that is currently firing. */
export interface ActiveAlert {
  rule: string;
  scope: string;
  /** Start of the episode (ms). */
  since: number;
  /** End of the last window the condition was seen in (ms). */
  until: number;
  severity: Severity;
  value: number;
  threshold: number;
  /** Whether a firing message went out for this episode (false: it recurred inside the cooldown). */
  notified: boolean;
}

const severity = z.enum(SEVERITIES);
const episodeSchema = z.object({
  start: z.number(), end: z.number(), peak: z.number(), last: z.number(), threshold: z.number(),
  severity, notified: severity.nullable(),
});
const keySchema = z.object({
  rule: z.string(), scope: z.string(), lastTime: z.number().nullable(), lastFired: z.number().nullable(), episode: episodeSchema.nullable(),
});
const laneSchema = z.object({
  windowStart: z.number().nullable(), sent: z.number(), suppressed: z.number(),
  bySeverity: z.record(z.string(), z.number()), byRule: z.record(z.string(), z.number()),
});
const stateSchema = z.object({ version: z.literal(1), keys: z.array(keySchema), lanes: z.record(z.string(), laneSchema) });

type Episode = z.infer<typeof episodeSchema>;
type KeyState = z.infer<typeof keySchema>;
type LaneState = z.infer<typeof laneSchema>;

/** The persisted state: what was fired when, what is active, and each channel's rate-limit window. */
export type AlertState = z.infer<typeof stateSchema>;

const emptyLane = (): LaneState => ({ windowStart: null, sent: 0, suppressed: 0, bySeverity: {}, byRule: {} });
const keyOf = (rule: string, scope: string): string => `${rule}\u0000${scope}`;
const moreUrgent = (a: Severity, b: Severity | null): boolean => b === null || severityRank(a) < severityRank(b);

/** Dedup, cooldown, resolve, rate limit and delivery of alerts; one instance per job or follower. */
export class AlertManager {
  private readonly keys = new Map<string, KeyState>();
  private lanes = new Map<string, LaneState>();
  private readonly pending = new Set<Promise<void>>();
  private readonly window: number;
  /** Clean span (ms) that resolves an episode. */
  private readonly quiet: number;
  private readonly retry: RetryPolicy;
  private readonly counters: AlertStats = { evaluated: 0, fired: 0, resolved: 0, deduplicated: 0, suppressed: {}, delivered: {}, failed: {}, errors: 0 };

  /** A manager over `channels` (names must be unique); `clock` drives the rate limit and the default horizon. */
  constructor(
    private readonly config: Pick<AlertsConfig, 'cooldown' | 'rate_limit' | 'window'>,
    private readonly channels: readonly Channel[],
    private readonly clock: () => number = Date.now,
    private readonly options: ManagerOptions = {},
  ) {
    const names = new Set<string>();
    for (const c of channels) {
      if (names.has(c.name)) throw new Error(`two alert channels are named '${c.name}'`);
      names.add(c.name);
    }
    this.window = effectiveWindow(config.window);
    this.quiet = this.window * Math.max(1, Math.floor(options.resolveAfter ?? 1));
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /**
   * Decide what to send for these candidates and start sending it (console and file run before
   * this returns; network channels go on in the background). `now` is the horizon in data time:
   * a window that ends at or before it is complete, so an episode whose next window passed with
   * no candidate is resolved. Candidates may repeat earlier evaluations: a window already seen
   * for a rule+scope sends nothing again, except an escalation to a more urgent severity.
   */
  evaluate(candidates: readonly Alert[], now: number = this.clock()): Alert[] {
    const out: Alert[] = [];
    const sorted = candidates
      .filter((c) => c.status === 'firing')
      .sort((a, b) => a.time - b.time || severityRank(a.severity) - severityRank(b.severity) || cmp(a.rule, b.rule) || cmp(a.scope, b.scope));
    for (const c of sorted) {
      this.counters.evaluated++;
      const k = keyOf(c.rule, c.scope);
      let s = this.keys.get(k);
      if (!s) this.keys.set(k, (s = { rule: c.rule, scope: c.scope, lastTime: null, lastFired: null, episode: null }));
      const sameWindow = s.lastTime !== null && c.time === s.lastTime;
      // Older than what this key has seen: already decided (or late data for a closed window).
      if ((s.lastTime !== null && c.time < s.lastTime) || (sameWindow && !s.episode)) {
        this.counters.deduplicated++;
        continue;
      }
      // A clean window (resolveAfter of them) passed before this candidate: the old episode cleared.
      if (s.episode && c.time >= s.episode.end + this.quiet) this.resolveEpisode(s, out);
      const end = Math.max(c.end ?? c.time, c.time);
      let ep: Episode | null = s.episode;
      if (!ep) {
        ep = { start: c.time, end, peak: c.value, last: c.value, threshold: c.threshold, severity: c.severity, notified: null };
        s.episode = ep;
      } else {
        ep.end = Math.max(ep.end, end);
        ep.peak = Math.max(ep.peak, c.value);
        ep.last = c.value;
        ep.threshold = c.threshold;
        ep.severity = c.severity;
      }
      s.lastTime = Math.max(s.lastTime ?? c.time, c.time);
      const cooled = !sameWindow && (s.lastFired === null || c.time >= s.lastFired + this.config.cooldown);
      // Getting worse (HIGH -> CRITICAL) is news even inside the cooldown.
      const escalated = ep.notified !== null && moreUrgent(c.severity, ep.notified);
      if (cooled || escalated) {
        s.lastFired = Math.max(s.lastFired ?? c.time, c.time);
        if (moreUrgent(c.severity, ep.notified)) ep.notified = c.severity;
        this.counters.fired++;
        out.push({ ...c, status: 'firing' });
      } else {
        this.counters.deduplicated++;
      }
    }
    for (const s of this.keys.values()) if (s.episode && now >= s.episode.end + this.quiet) this.resolveEpisode(s, out);
    // Stable: same-time alerts keep rule/scope order; resolves interleave by time.
    out.sort((a, b) => a.time - b.time);
    this.dispatch(out);
    return out;
  }

  /** Currently firing rule+scopes, most urgent first. */
  active(): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const s of this.keys.values()) {
      const ep = s.episode;
      if (!ep) continue;
      out.push({ rule: s.rule, scope: s.scope, since: ep.start, until: ep.end, severity: ep.severity, value: ep.last, threshold: ep.threshold, notified: ep.notified !== null });
    }
    return out.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.since - b.since || cmp(a.rule, b.rule) || cmp(a.scope, b.scope));
  }

  /** Counters since start (a copy). */
  stats(): AlertStats {
    const c = this.counters;
    return { ...c, suppressed: { ...c.suppressed }, delivered: { ...c.delivered }, failed: { ...c.failed } };
  }

  /** Wait until every delivery started so far has succeeded or given up. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * End of a batch run or a follower's shutdown: a rate-limit summary still pending is sent now
   * (one message past the limit, since no later window will carry it), deliveries are awaited,
   * and channels release their connections.
   */
  async close(): Promise<void> {
    const wall = this.clock();
    for (const ch of this.channels) if (ch.rateLimited) this.rollover(ch, this.lane(ch.name), wall, true);
    await this.flush();
    for (const ch of this.channels) {
      try {
        await ch.close?.();
      } catch (err) {
        this.log(`logframe alerts: ${ch.name}: close failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** The state to persist (JSON-safe); JSON.stringify(manager) uses it. */
  toJSON(): AlertState {
    const keys = [...this.keys.values()].map((s) => structuredClone(s)).sort((a, b) => cmp(a.rule, b.rule) || cmp(a.scope, b.scope));
    const lanes: Record<string, LaneState> = {};
    for (const [name, l] of this.lanes) lanes[name] = structuredClone(l);
    return { version: 1, keys, lanes };
  }

  /** Restore a state saved by toJSON (replacing the current one); throws on a malformed state. */
  fromJSON(state: unknown): void {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) throw new Error(`invalid alert state: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
    this.keys.clear();
    for (const s of parsed.data.keys) this.keys.set(keyOf(s.rule, s.scope), s);
    this.lanes = new Map(Object.entries(parsed.data.lanes));
  }

  // -------------------------------------------------------------------------

  private resolveEpisode(s: KeyState, out: Alert[]): void {
    const ep = s.episode;
    s.episode = null;
    // An episode nobody was told about (it recurred inside the cooldown) has nothing to resolve.
    if (!ep || ep.notified === null) return;
    this.counters.resolved++;
    const where = s.scope === 'all' ? 'across all services' : `in service ${s.scope}`;
    // Incidents without a measured value carry a stand-in (services, against 0): no "peak" to quote.
    const peak = s.rule.startsWith('incident:') ? '' : `, peak ${formatValue({ rule: s.rule, value: ep.peak, threshold: ep.threshold })}`;
    out.push({
      time: ep.end, end: ep.end, rule: s.rule, severity: ep.notified, scope: s.scope, value: ep.peak, threshold: ep.threshold, status: 'resolved',
      message: `Resolved: ${s.rule} ${where} cleared at ${isoTime(ep.end)} (no ${formatDuration(this.window)} window crossed the threshold ${this.quiet === this.window ? 'since' : `in the ${formatDuration(this.quiet)} after`}). It fired from ${isoTime(ep.start)}${peak}. Nothing to do unless it recurs.`,
    });
  }

  private lane(name: string): LaneState {
    let l = this.lanes.get(name);
    if (!l) this.lanes.set(name, (l = emptyLane()));
    return l;
  }

  private dispatch(alerts: readonly Alert[]): void {
    const wall = this.clock();
    for (const ch of this.channels) {
      const lane = this.lane(ch.name);
      if (ch.rateLimited) this.rollover(ch, lane, wall, false);
      const admitted = ch.rateLimited ? this.admit(lane, alerts, wall) : null;
      for (const a of alerts) {
        if (admitted && !admitted.has(a)) {
          lane.suppressed++;
          lane.bySeverity[a.severity] = (lane.bySeverity[a.severity] ?? 0) + 1;
          lane.byRule[a.rule] = (lane.byRule[a.rule] ?? 0) + 1;
          this.counters.suppressed[ch.name] = (this.counters.suppressed[ch.name] ?? 0) + 1;
          continue;
        }
        this.deliver(ch, a);
      }
    }
  }

  /**
   * The alerts that fit in the lane's remaining slots. When more are due than fit (a batch run, a
   * storm), the most urgent get the slots (firing before resolved, then severity, then time),
   * and are still sent in time order.
   */
  private admit(lane: LaneState, alerts: readonly Alert[], wall: number): Set<Alert> {
    if (alerts.length === 0) return new Set();
    if (lane.windowStart === null) lane.windowStart = wall;
    const room = Math.max(0, this.config.rate_limit - lane.sent);
    const chosen = alerts.length <= room ? [...alerts] : [...alerts]
      .sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved') || severityRank(a.severity) - severityRank(b.severity) || a.time - b.time)
      .slice(0, room);
    lane.sent += chosen.length;
    return new Set(chosen);
  }

  /** Close the lane's window when it is over (or `force`), sending the summary of what it dropped. */
  private rollover(ch: Channel, lane: LaneState, wall: number, force: boolean): void {
    if (lane.windowStart === null || (!force && wall < lane.windowStart + RATE_WINDOW_MS)) return;
    const summary = lane.suppressed > 0 ? this.summary(ch, lane, wall) : null;
    Object.assign(lane, emptyLane());
    if (!summary) return;
    // The summary is the first message of the new window and counts against it.
    lane.windowStart = wall;
    lane.sent = 1;
    this.deliver(ch, summary);
  }

  private summary(ch: Channel, lane: LaneState, wall: number): Alert {
    const sev = SEVERITIES.filter((s) => (lane.bySeverity[s] ?? 0) > 0);
    const bySeverity = sev.map((s) => `${lane.bySeverity[s]} ${s}`).join(', ');
    const byRule = Object.entries(lane.byRule).sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map(([r, n]) => `${r} x${n}`).join(', ');
    const unthrottled = this.channels.filter((c) => !c.rateLimited).map((c) => c.name);
    const keep = unthrottled.length ? ` Every alert is kept by ${unthrottled.join(', ')}.` : '';
    const n = lane.suppressed;
    return {
      time: wall, rule: 'rate_limit', severity: sev[0] ?? 'INFO', scope: 'all', value: n, threshold: this.config.rate_limit, status: 'firing',
      message: `${n} alert${n === 1 ? '' : 's'} suppressed on ${ch.name} by the rate limit of ${this.config.rate_limit} per minute (${bySeverity}; ${byRule}).${keep} Look at the active alerts on the dashboard or in alerts.log.`,
    };
  }

  private deliver(ch: Channel, a: Alert): void {
    const label = `${ch.name}: ${a.status === 'resolved' ? 'resolved ' : ''}${a.rule}/${a.scope} at ${isoTime(a.time)}`;
    const p = withRetry(() => ch.send(a), this.retry, {
      label,
      log: (line) => this.log(line),
      redact: this.options.redact,
      onError: () => {
        this.counters.errors++;
      },
      sleep: this.options.sleep,
      random: this.options.random,
    }).then((outcome) => {
      const bucket = outcome.ok ? this.counters.delivered : this.counters.failed;
      bucket[ch.name] = (bucket[ch.name] ?? 0) + 1;
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private log(line: string): void {
    const text = this.options.redact ? this.options.redact(line) : line;
    try {
      if (this.options.log) this.options.log(text);
      else process.stderr.write(text + '\n');
    } catch {
      // Logging must never break alerting.
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
