/**
 * Webhook channel: an HTTP POST of JSON per alert, either the alerts.log line (`shape: json`)
 * or a Slack message (`shape: slack`, S4's shape: text plus blocks). Webhook URLs often carry
 * a token in their path (Slack's do) and headers carry credentials, so logs and errors name
 * only the origin, and header values are registered as secrets.
 */
import type { WebhookChannel } from '../../config/types.js';
import { formatValue, oneLine } from '../format.js';
import { describeError, Redactor } from '../redact.js';
import { DeliveryError, isoTime, toAlertLine, type Alert, type AlertLine, type Channel } from '../types.js';

/** A Slack text object. */
export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

/** The Slack blocks this channel uses. */
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText }
  | { type: 'section'; fields: SlackText[] };

/** A Slack incoming-webhook message: `text` is the notification fallback, `blocks` the layout. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Timeout, fetch and redaction of the webhook channel. */
export interface WebhookOptions {
  /** Per request (ms, default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Receives the header values (Authorization and the like). */
  redactor?: Redactor;
}

// Slack's limits: header text 150 characters, section text 3000, a field 2000.
const clip = (text: string, max: number): string => (text.length <= max ? text : text.slice(0, max - 1) + '…');
// Slack mrkdwn treats &, < and > as control characters (links, mentions): escape them as Slack documents.
const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Slack message of an alert: header with severity and rule, the message, service/time/value, the action. */
export function slackPayload(a: Alert): SlackMessage {
  const resolved = a.status === 'resolved';
  const icon = resolved ? '✅' : '🚨';
  const status = resolved ? 'RESOLVED ' : '';
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(oneLine(`${icon} ${status}${a.severity} · ${a.rule}`), 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(esc(a.message), 3000) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: clip(`*Service:*\n${esc(a.scope)}`, 2000) },
        { type: 'mrkdwn', text: `*Time:*\n${isoTime(a.time)}` },
        { type: 'mrkdwn', text: clip(`*Value:*\n${esc(formatValue(a))}`, 2000) },
        { type: 'mrkdwn', text: `*Status:*\n${a.status}` },
      ],
    },
  ];
  if (a.action) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Action:* ${esc(a.action)}`, 3000) } });
  return { text: oneLine(`${icon} ${status}${a.severity} ${a.rule} on ${a.scope}`), blocks };
}

/** The body posted for an alert in a given shape. */
export function webhookPayload(shape: WebhookChannel['shape'], a: Alert): SlackMessage | AlertLine {
  return shape === 'slack' ? slackPayload(a) : toAlertLine(a);
}

/** "webhook#1 https://hooks.slack.com": unique per config position, and without the URL's path. */
export function webhookName(cfg: WebhookChannel, index: number): string {
  let origin = 'invalid-url';
  try {
    origin = new URL(cfg.url).origin;
  } catch {
    // Validated config has a valid URL; a hand-built one still gets a usable name.
  }
  return `webhook#${index + 1} ${origin}`;
}

// 4xx is the receiver rejecting this request for good, except timeouts and throttling.
const permanentStatus = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;

/** POSTs each alert to cfg.url as JSON; a non-2xx answer or a network error rejects (the manager retries). */
export function webhookChannel(cfg: WebhookChannel, index = 0, options: WebhookOptions = {}): Channel {
  const doFetch = options.fetch ?? fetch;
  const timeout = options.timeoutMs ?? 10_000;
  const redactor = options.redactor ?? new Redactor();
  for (const v of Object.values(cfg.headers)) redactor.add(v);
  const name = webhookName(cfg, index);
  // Errors from fetch may quote the URL; its path can be the secret of a Slack webhook.
  const scrub = (text: string): string => {
    let out = redactor.redact(text);
    try {
      const u = new URL(cfg.url);
      if (u.pathname.length > 1 || u.search) out = out.split(cfg.url).join(`${u.origin}/…`).split(u.pathname + u.search).join('/…');
    } catch {
      // No URL to hide.
    }
    return out;
  };
  return {
    name,
    rateLimited: true,
    async send(alert: Alert): Promise<void> {
      let res: Response;
      try {
        res = await doFetch(cfg.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...cfg.headers },
          body: JSON.stringify(webhookPayload(cfg.shape, alert)),
          signal: AbortSignal.timeout(timeout),
        });
      } catch (err) {
        throw new DeliveryError(scrub(`POST ${name}: ${describeError(err)}`));
      }
      // Read the body either way: it frees the connection, and on failure it says why (Slack: "invalid_payload").
      const body = await res.text().catch(() => '');
      if (!res.ok) {
        const why = body ? `: ${clip(oneLine(body), 200)}` : '';
        throw new DeliveryError(scrub(`POST ${name}: HTTP ${res.status}${why}`), permanentStatus(res.status));
      }
    },
  };
}
