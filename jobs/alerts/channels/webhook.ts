/**
 * Webhook channel: an HTTP POST of JSON per alert, either the alerts.log line (`shape: json`)
 * or a Slack message (`shape: slack`, S4's shape: text plus blocks). Webhook URLs often carry
 * a token in their path (Slack's do) and headers carry credentials, so logs and errors name
 * only the origin, and header values are registered as secrets. Both may come from the
 * environment (url_env, headers_env), which keeps them out of the config file.
 */
import type { WebhookChannel } from '../../config/types.js';
import { checkUrl, Invalid } from '../../config/values.js';
import { formatValue, oneLine } from '../format.js';
import { describeError, REDACTED, Redactor } from '../redact.js';
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
  /** Receives the header values (Authorization and the like) and the URL read from the environment. */
  redactor?: Redactor;
  /** Where url_env and headers_env are looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
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
  // `text` is mrkdwn too (the notification and the fallback): a scope like <!channel> must not ping anyone.
  return { text: esc(oneLine(`${icon} ${status}${a.severity} ${a.rule} on ${a.scope}`)), blocks };
}

/** The body posted for an alert in a given shape. */
export function webhookPayload(shape: WebhookChannel['shape'], a: Alert): SlackMessage | AlertLine {
  return shape === 'slack' ? slackPayload(a) : toAlertLine(a);
}

/** "webhook#1 https://hooks.slack.com": unique per config position, and without the URL's path (`url`: one read from url_env). */
export function webhookName(cfg: WebhookChannel, index: number, url = cfg.url ?? ''): string {
  let origin = 'invalid-url';
  try {
    origin = new URL(url).origin;
  } catch {
    // Validated config has a valid URL; a hand-built one still gets a usable name.
  }
  return `webhook#${index + 1} ${origin}`;
}

/** `text` with `find` replaced by `by` (every occurrence). */
const replaceAll = (text: string, find: string, by: string): string => text.split(find).join(by);

/** decodeURIComponent, or the text itself when it is not valid percent-encoding. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A function that hides everything of `url` beyond its scheme and host in a text: the URL as
 * written and as fetch normalises it become `<origin>/…`, its path and query (as written,
 * normalised and decoded: a server may echo any) `/…`, its user and password [REDACTED].
 */
export function urlHider(url: string): (text: string) => string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return (text) => replaceAll(text, url, '[URL]');
  }
  // Only an origin: nothing to hide (and the URL is the origin the channel's name shows).
  if (!u.username && !u.password && u.pathname.length <= 1 && !u.search && !u.hash) return (text) => text;
  const whole = [url, u.href];
  const tails = [url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, ''), u.pathname + u.search + u.hash, u.pathname + u.search, u.pathname, u.search, u.hash];
  const pairs: [string, string][] = [
    ...whole.map((w): [string, string] => [w, `${u.origin}/…`]),
    ...tails.flatMap((t) => [t, decoded(t)]).filter((t) => t.length > 1).map((t): [string, string] => [t, t.startsWith('?') ? '?…' : t.startsWith('#') ? '#…' : '/…']),
    ...[u.username, u.password].flatMap((c) => [c, decoded(c)]).filter((c) => c !== '').map((c): [string, string] => [c, REDACTED]),
  ];
  // Longest first, so a form that contains another is replaced whole.
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((out, [find, by]) => replaceAll(out, find, by), text);
}

/**
 * The URL and headers of a webhook, with the values its url_env and headers_env name read from
 * `env`. A variable that is unset, or a URL the config would refuse, throws an error naming the
 * key and the variable, never the value.
 */
export function webhookTarget(cfg: WebhookChannel, index: number, env: NodeJS.ProcessEnv = process.env): { url: string; headers: Record<string, string> } {
  const key = `alerts.channels.webhook[${index}]`;
  const read = (k: string, name: string, holds: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${key}.${k}: the environment variable ${name} is not set; set it to ${holds}`);
    return v;
  };
  let url = cfg.url ?? '';
  if (cfg.url_env !== undefined) {
    url = read('url_env', cfg.url_env, "the webhook's URL");
    const ok = checkUrl(url, ['http:', 'https:'], 'https://hooks.example.com/alerts', { noCredentials: true });
    if (ok instanceof Invalid) throw new Error(`${key}.url_env: ${cfg.url_env}: ${ok.message}`);
  }
  const headers = { ...cfg.headers };
  for (const [h, name] of Object.entries(cfg.headers_env ?? {})) headers[h] = read(`headers_env.${h}`, name, `the value of the ${h} header`);
  return { url, headers };
}

// 4xx is the receiver rejecting this request for good, except timeouts and throttling.
const permanentStatus = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;

/**
 * POSTs each alert to cfg.url as JSON; a non-2xx answer or a network error rejects (the manager
 * retries). Redirects are not followed: a 3xx is a failure that is not retried.
 */
export function webhookChannel(cfg: WebhookChannel, index = 0, options: WebhookOptions = {}): Channel {
  const doFetch = options.fetch ?? fetch;
  const timeout = options.timeoutMs ?? 10_000;
  const redactor = options.redactor ?? new Redactor();
  const { url, headers } = webhookTarget(cfg, index, options.env);
  for (const v of Object.values(headers)) redactor.add(v);
  // A URL from the environment is a secret as a whole (only its origin is ever shown).
  if (cfg.url_env !== undefined) redactor.add(url);
  const name = webhookName(cfg, index, url);
  const hideUrl = urlHider(url);
  // The URL first, on the text as the library wrote it: redacting header values first could
  // change it (a value that is also part of the URL) so that the URL no longer matches.
  const scrub = (text: string): string => redactor.redact(hideUrl(text));
  return {
    name,
    rateLimited: true,
    async send(alert: Alert): Promise<void> {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(webhookPayload(cfg.shape, alert)),
          signal: AbortSignal.timeout(timeout),
          // Never follow: a redirect would re-send the headers (an API key) to wherever it points,
          // even another origin, and a webhook endpoint answers itself. 'manual', not 'error':
          // undici rejects 'error' with a bare "unexpected redirect" that hides the status.
          redirect: 'manual',
        });
      } catch (err) {
        throw new DeliveryError(scrub(`POST ${name}: ${describeError(err)}`));
      }
      // Read the body either way: it frees the connection, and on failure it says why (Slack: "invalid_payload").
      const body = await res.text().catch(() => '');
      if ((res.status >= 300 && res.status < 400) || res.type === 'opaqueredirect') {
        // Neither the Location nor the body: either may quote the URL's path.
        throw new DeliveryError(`POST ${name}: HTTP ${res.status || '3xx'} redirect, not followed (a webhook endpoint does not redirect: check the configured URL)`, true);
      }
      if (!res.ok) {
        const why = body ? `: ${clip(oneLine(body), 200)}` : '';
        throw new DeliveryError(scrub(`POST ${name}: HTTP ${res.status}${why}`), permanentStatus(res.status));
      }
    },
  };
}
