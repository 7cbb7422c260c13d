import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertsConfig, EmailChannel } from '../../config/types.js';
import { checkAlertEnv, createAlerting } from '../index.js';
import { AlertManager } from '../manager.js';
import { Redactor } from '../redact.js';
import { fromDetections } from '../rules.js';
import { at, candidate, recorder } from '../test-helpers.js';
import type { Alert, DeliveryError } from '../types.js';
import { consoleChannel, formatConsoleLine } from './console.js';
import { emailBody, emailChannel, emailSubject, isLoopback, smtpOptions } from './email.js';
import { fileChannel } from './file.js';
import { slackPayload, urlHider, webhookChannel, webhookName } from './webhook.js';

// ---------------------------------------------------------------------------
// fixtures

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!();
});

const tmp = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'logframe-alerts-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

interface Mail { raw: string; user: string | undefined; rcpt: string[] }

/** A real SMTP server on `host` (default 127.0.0.1, random port), STARTTLS off; with `auth`, AUTH is required. */
async function startSmtp(auth?: { user: string; pass: string }, host = '127.0.0.1'): Promise<{ port: number; mails: Mail[]; auths: string[] }> {
  const mails: Mail[] = [];
  const auths: string[] = [];
  const server = new SMTPServer({
    authOptional: !auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(a, _session, cb) {
      auths.push(a.username ?? '');
      if (auth && a.username === auth.user && a.password === auth.pass) return cb(null, { user: a.username });
      // Echo the password back, like a careless server: the client must still never print it.
      const err = new Error(`authentication failed for ${a.username}/${a.password ?? ''}`) as Error & { responseCode: number };
      err.responseCode = 535;
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ raw: Buffer.concat(chunks).toString('utf8'), user: session.user as string | undefined, rcpt: session.envelope.rcptTo.map((r) => r.address) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, mails, auths };
}

/** Unfolded headers and the quoted-printable-decoded text body of a raw message. */
function parseMail(raw: string): { headers: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

interface Hit { headers: IncomingHttpHeaders; body: unknown; at: number }

/** A local HTTP server answering each POST with the next status of `statuses` (then 200). */
async function startHttp(statuses: number[] = []): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, at: Date.now() });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Everything written to stdout, stderr and console.* until restored. */
function captureOutput(): string[] {
  const out: string[] = [];
  const grab = (chunk: unknown): boolean => {
    out.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stderr, 'write').mockImplementation(grab);
  vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void out.push(args.map(String).join(' ')));
  return out;
}

const emailCfg = (port: number, extra: Partial<EmailChannel> = {}): EmailChannel => ({
  host: '127.0.0.1', port, secure: false, from: 'logframe@example.com', to: ['ops@example.com', 'oncall@example.com'],
  user_env: 'LF_TEST_SMTP_USER', password_env: 'LF_TEST_SMTP_PASSWORD', subject_prefix: '[logframe]', ...extra,
});

const alert: Alert = {
  time: at(0), end: at(1), rule: 'error_rate', severity: 'HIGH', scope: 'payment', value: 0.4, threshold: 0.1, status: 'firing',
  message: 'Error rate 40% (40 errors in 100 lines) in service payment in the 1 min window from 2025-01-10T05:00:00.000Z, above the 10% limit. Check the <db> & its pool.',
  action: "Check payment's errors in that window.",
};
const noRetry = { retries: 0, baseMs: 1, factor: 1, maxMs: 1, jitter: 0 };

// ---------------------------------------------------------------------------

describe('console and file channels', () => {
  it('prints one line per alert', async () => {
    const lines: string[] = [];
    await consoleChannel((t) => lines.push(t)).send({ ...alert, message: 'two\nlines' });
    expect(lines).toEqual(['ALERT HIGH error_rate [payment] 2025-01-10T05:00:00.000Z 40% (threshold 10%): two lines\n']);
    expect(formatConsoleLine({ ...alert, status: 'resolved' })).toMatch(/^RESOLVED HIGH error_rate \[payment\]/);
  });

  it('prints control characters of log data as escapes: a service name cannot forge a line or reach the terminal raw', async () => {
    const lines: string[] = [];
    const forged: Alert = { ...alert, scope: 'pay\nALERT CRITICAL forged [db] 2025-01-10T00:00:00Z: FAKE \u001b[2J\u001b[31mRED\u009b', message: 'boom\r\nRESOLVED fake \u001b]0;t\u0007' };
    await consoleChannel((t) => lines.push(t)).send(forged);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.slice(0, -1)).not.toMatch(/\p{Cc}/u);
    expect(lines[0]).toBe('ALERT HIGH error_rate [pay\\nALERT CRITICAL forged [db] 2025-01-10T00:00:00Z: FAKE \\x1b[2J\\x1b[31mRED\\x9b] 2025-01-10T05:00:00.000Z 40% (threshold 10%): boom RESOLVED fake \\x1b]0;t\\x07\n');
  });

  it('appends contract JSON lines to alerts.log, creating it (and its folder) up front', async () => {
    const file = path.join(tmp(), 'nested', 'alerts.log');
    const ch = fileChannel(file);
    expect(readFileSync(file, 'utf8')).toBe('');
    await ch.send(alert);
    await ch.send({ ...alert, status: 'resolved', time: at(1) });
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['time', 'rule', 'severity', 'scope', 'value', 'threshold', 'message', 'status']);
    expect(first).toEqual({ time: '2025-01-10T05:00:00.000Z', rule: 'error_rate', severity: 'HIGH', scope: 'payment', value: 0.4, threshold: 0.1, message: alert.message, status: 'firing' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ time: '2025-01-10T05:01:00.000Z', status: 'resolved' });
    // History is kept across runs unless a fresh file is asked for.
    fileChannel(file);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
  });

  it('a batch run (fresh) replaces alerts.log whole at close, and a run that never closes leaves the last one intact', async () => {
    const dir = tmp();
    const file = path.join(dir, 'alerts.log');
    writeFileSync(file, 'last run\n');
    const dead = fileChannel(file, { fresh: true });
    await dead.send(alert);
    // killed before close: the last run's file is untouched, no temp file is left behind
    expect(readFileSync(file, 'utf8')).toBe('last run\n');
    const ch = fileChannel(file, { fresh: true });
    await ch.send(alert);
    await ch.send({ ...alert, status: 'resolved', time: at(1) });
    expect(readFileSync(file, 'utf8')).toBe('last run\n');
    await ch.close!();
    expect(readFileSync(file, 'utf8').split('\n').map((l) => (l ? (JSON.parse(l) as { status: string }).status : l))).toEqual(['firing', 'resolved', '']);
    expect(readdirSync(dir)).toEqual(['alerts.log']);
    // a run without alerts leaves an empty file
    const quiet = fileChannel(file, { fresh: true });
    await quiet.close!();
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});

describe('email channel', () => {
  it('delivers to a real SMTP server with the expected subject and body', async () => {
    const smtp = await startSmtp();
    const ch = emailChannel(emailCfg(smtp.port), { env: {} });
    cleanups.push(() => ch.close?.());
    await ch.send(alert);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.user).toBeUndefined();
    expect(mail.rcpt).toEqual(['ops@example.com', 'oncall@example.com']);
    const { headers, body } = parseMail(mail.raw);
    expect(headers).toContain('Subject: [logframe] HIGH error_rate (payment)');
    expect(headers).toContain('From: logframe@example.com');
    expect(body).toBe(emailBody(alert));
    expect(body).toContain(alert.message);
    expect(body).toContain('Value:     40% (threshold 10%)');
    expect(body).toContain("Action:    Check payment's errors in that window.");
    expect(emailSubject('[x]', { ...alert, status: 'resolved' })).toBe('[x] RESOLVED HIGH error_rate (payment)');
  });

  it('authenticates with credentials from the environment and never prints the password', async () => {
    const user = 'alerts-bot';
    const pass = 'Sup3r-s3cret-PW!';
    const smtp = await startSmtp({ user, pass });
    process.env.LF_TEST_SMTP_USER = user;
    process.env.LF_TEST_SMTP_PASSWORD = pass;
    cleanups.push(() => {
      delete process.env.LF_TEST_SMTP_USER;
      delete process.env.LF_TEST_SMTP_PASSWORD;
    });
    const output = captureOutput();

    // Through the real wiring: createAlerting reads process.env; the manager logs to stderr.
    const dir = tmp();
    const config: AlertsConfig = {
      cooldown: 600_000, rate_limit: 20, window: 60_000, fast_window: 5_000, rules: { error_rate: 0.1, error_count: 100, critical_count: 5 },
      channels: { console: true, file: { path: 'alerts.log' }, email: emailCfg(smtp.port), webhook: [] },
    };
    const good = createAlerting(config, dir, { retry: noRetry });
    good.evaluate([alert], at(0));
    await good.close();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.user).toBe(user);
    expect(parseMail(smtp.mails[0]!.raw).body).toContain(alert.message);

    // A wrong password: the server quotes it in its refusal; the failure is logged, redacted, not retried.
    process.env.LF_TEST_SMTP_PASSWORD = 'Wr0ng-but-secret';
    const bad = createAlerting(config, dir, { retry: { ...noRetry, retries: 3 } });
    bad.evaluate([{ ...alert, scope: 'auth' }], at(0));
    await bad.close();
    expect(bad.stats().failed).toEqual({ email: 1 });
    expect(bad.stats().errors).toBe(1);

    vi.restoreAllMocks();
    const all = output.join('');
    expect(all).toContain('ALERT HIGH error_rate [payment]'); // the console channel did write here
    expect(all).toMatch(/logframe alerts: email: error_rate\/auth at 2025-01-10T05:00:00.000Z: not retried \(permanent failure\): SMTP 127\.0\.0\.1:\d+: .*authentication failed for \[REDACTED\]\/\[REDACTED\]/);
    for (const secret of [pass, 'Wr0ng-but-secret', Buffer.from(pass).toString('base64'), Buffer.from('Wr0ng-but-secret').toString('base64')]) {
      expect(all).not.toContain(secret);
      expect(readFileSync(path.join(dir, 'alerts.log'), 'utf8')).not.toContain(secret);
    }
  });

  // This machine's address on a non-loopback interface: a server there is reached as a remote one.
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  it.skipIf(!external)('never sends credentials over plain TCP to a non-loopback server without STARTTLS', async () => {
    const smtp = await startSmtp({ user: 'alerts-bot', pass: 'Plain-Text-PW' }, '0.0.0.0');
    const env = { LF_TEST_SMTP_USER: 'alerts-bot', LF_TEST_SMTP_PASSWORD: 'Plain-Text-PW' };
    const err = await emailChannel(emailCfg(smtp.port, { host: external! }), { env }).send(alert).catch((e: DeliveryError) => e);
    expect(smtp.auths).toEqual([]); // AUTH never reached the server
    expect(smtp.mails).toEqual([]);
    expect(String(err)).toMatch(/STARTTLS/);
    expect((err as DeliveryError).permanent).toBe(true);
    // the same server on loopback (a local relay): AUTH without TLS is allowed
    const local = await startSmtp({ user: 'alerts-bot', pass: 'Plain-Text-PW' });
    await emailChannel(emailCfg(local.port), { env }).send(alert);
    expect(local.auths).toEqual(['alerts-bot']);
  });

  it('requires TLS whenever credentials go to a non-loopback host', () => {
    const auth = { user: 'u', pass: 'p' };
    expect(smtpOptions(emailCfg(587, { host: 'smtp.example.com' }), auth, 1000).requireTLS).toBe(true);
    expect(smtpOptions(emailCfg(587, { host: 'smtp.example.com' }), undefined, 1000).requireTLS).toBe(false);
    expect(smtpOptions(emailCfg(465, { host: 'smtp.example.com', secure: true }), auth, 1000).requireTLS).toBe(false); // TLS from the first byte
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(smtpOptions(emailCfg(25, { host }), auth, 1000).requireTLS).toBe(false);
    for (const host of ['192.0.2.2', '10.0.0.1', 'localhost.example.com', '::ffff:10.0.0.1']) expect(isLoopback(host)).toBe(false);
  });

  it('warns, naming only the variables, when just one credential is set', () => {
    const lines: string[] = [];
    emailChannel(emailCfg(25), { env: { LF_TEST_SMTP_PASSWORD: 'pw-value-123' }, log: (l) => lines.push(l) });
    expect(lines).toEqual(['logframe alerts: email: LF_TEST_SMTP_PASSWORD is set but LF_TEST_SMTP_USER is not; sending without SMTP authentication']);
  });

  it('redacts secrets in plain, base64 and AUTH PLAIN form', () => {
    const r = new Redactor();
    r.addCredentials('bob', 'pa55');
    const plain = Buffer.from('\u0000bob\u0000pa55').toString('base64');
    expect(r.redact(`x pa55 ${Buffer.from('pa55').toString('base64')} ${plain} y`)).toBe('x [REDACTED] [REDACTED] [REDACTED] y');
  });
});

describe('webhook channel', () => {
  it('posts the alerts.log line as JSON', async () => {
    const http = await startHttp();
    const ch = webhookChannel({ url: `${http.url}/hook`, shape: 'json', headers: { 'x-token': 'abc' } });
    await ch.send(alert);
    expect(http.hits).toHaveLength(1);
    expect(http.hits[0]!.headers['content-type']).toBe('application/json');
    expect(http.hits[0]!.headers['x-token']).toBe('abc');
    expect(http.hits[0]!.body).toEqual({
      time: '2025-01-10T05:00:00.000Z', rule: 'error_rate', severity: 'HIGH', scope: 'payment', value: 0.4, threshold: 0.1, message: alert.message, status: 'firing',
    });
  });

  it('posts the Slack shape: text and blocks with header, message, service/time/value, action', async () => {
    const http = await startHttp();
    const [incident] = fromDetections([], [{
      start: at(10), end: at(25), type: 'Cascading Failure', severity: 'CRITICAL', services: ['database', 'api-gateway'],
      description: 'Multiple services failing simultaneously', recommendation: 'IMMEDIATE: Check infrastructure, possible system-wide issue',
    }]);
    await webhookChannel({ url: http.url, shape: 'slack', headers: {} }).send(incident!);
    expect(http.hits[0]!.body).toEqual({
      text: '🚨 CRITICAL incident:cascading_failure on all',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '🚨 CRITICAL · incident:cascading_failure', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: incident!.message } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Service:*\nall' },
            { type: 'mrkdwn', text: '*Time:*\n2025-01-10T05:10:00.000Z' },
            { type: 'mrkdwn', text: '*Value:*\n2 (threshold 0)' },
            { type: 'mrkdwn', text: '*Status:*\nfiring' },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*Action:* IMMEDIATE: Check infrastructure, possible system-wide issue' } },
      ],
    });
    // Slack control characters in text are escaped.
    expect(JSON.stringify(slackPayload(alert))).toContain('Check the &lt;db&gt; &amp; its pool.');
    expect(slackPayload({ ...alert, status: 'resolved' }).text).toBe('✅ RESOLVED HIGH error_rate on payment');
    expect(slackPayload({ ...alert, scope: '<!channel> a&b <https://x.example|c>' }).text).toBe('🚨 HIGH error_rate on &lt;!channel&gt; a&amp;b &lt;https://x.example|c&gt;');
  });

  it('never prints the URL beyond scheme and host, whatever the shared redactor changed first', async () => {
    // The QA case: the SMTP user is also the URL's user; redacting it first broke the URL match.
    const redactor = new Redactor();
    redactor.addCredentials('qauser', 'smtp-pw');
    const url = 'http://qauser:UrlPassw0rd@127.0.0.1:9/creds/TOKENINPATH?k=QSECRET';
    const err = await webhookChannel({ url, shape: 'json', headers: { 'x-api-key': 'TOKENINPATH' } }, 0, { redactor }).send(alert).catch((e: Error) => e);
    expect(String(err)).toBe('DeliveryError: POST webhook#1 http://127.0.0.1:9: Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:9/…');
    // A server that echoes the path (raw or decoded) and the query in its answer.
    const echo = (body: string): typeof fetch => async () => new Response(body, { status: 500 });
    const enc = 'https://hooks.example.com/sp%61ce/ENC%54OKEN/x?token=Q%2FSECRET';
    const hook = (u: string, body: string): Promise<unknown> => webhookChannel({ url: u, shape: 'json', headers: {} }, 0, { fetch: echo(body) }).send(alert).catch((e: Error) => e.message);
    expect(await hook(enc, 'no route /space/ENCTOKEN/x?token=Q/SECRET or /sp%61ce/ENC%54OKEN/x?token=Q%2FSECRET for ?token=Q%2FSECRET'))
      .toBe('POST webhook#1 https://hooks.example.com: HTTP 500: no route /… or /… for ?…');
    expect(urlHider(url)(`at ${url} and ${new URL(url).href} as qauser:UrlPassw0rd`)).toBe('at http://127.0.0.1:9/… and http://127.0.0.1:9/… as [REDACTED]:[REDACTED]');
  });

  it('reads url_env and headers_env from the environment and never prints their values', async () => {
    const hits: { url: string; key: string | undefined }[] = [];
    const server = createServer((req, res) => {
      hits.push({ url: req.url ?? '', key: req.headers['x-api-key'] as string | undefined });
      req.resume();
      // A careless server echoing the request's secrets.
      res.writeHead(500).end(`bad ${req.url ?? ''} key=${String(req.headers['x-api-key'])}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = { LF_HOOK_URL: `${origin}/services/T0/B0/ENVTOKEN`, LF_HOOK_KEY: 'KEY-FROM-ENV' };
    const redactor = new Redactor();
    const cfg = { url_env: 'LF_HOOK_URL', shape: 'json' as const, headers: {}, headers_env: { 'X-Api-Key': 'LF_HOOK_KEY' } };
    const ch = webhookChannel(cfg, 0, { env, redactor });
    expect(ch.name).toBe(`webhook#1 ${origin}`);
    const err = await ch.send(alert).catch((e: Error) => e.message);
    expect(hits).toEqual([{ url: '/services/T0/B0/ENVTOKEN', key: 'KEY-FROM-ENV' }]);
    expect(err).toBe(`POST webhook#1 ${origin}: HTTP 500: bad /… key=[REDACTED]`);
    // the shared redactor hides them from the manager's lines too
    expect(redactor.redact(`${env.LF_HOOK_URL} ${env.LF_HOOK_KEY}`)).toBe('[REDACTED] [REDACTED]');
  });

  it('names a missing or bad environment variable, never its value', () => {
    const cfg = { url_env: 'LF_HOOK_URL', shape: 'json' as const, headers: {}, headers_env: { Authorization: 'LF_HOOK_AUTH' } };
    expect(() => webhookChannel(cfg, 1, { env: { LF_HOOK_AUTH: 'Bearer x' } })).toThrow(
      new Error("alerts.channels.webhook[1].url_env: the environment variable LF_HOOK_URL is not set; set it to the webhook's URL"),
    );
    expect(() => webhookChannel(cfg, 0, { env: { LF_HOOK_URL: 'https://hooks.example.com/x' } })).toThrow(
      new Error('alerts.channels.webhook[0].headers_env.Authorization: the environment variable LF_HOOK_AUTH is not set; set it to the value of the Authorization header'),
    );
    const bad = (url: string): string => {
      try {
        webhookChannel(cfg, 0, { env: { LF_HOOK_URL: url, LF_HOOK_AUTH: 'a' } });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad('ftp://hooks.example.com/SECRETPATH')).toBe(
      "alerts.channels.webhook[0].url_env: LF_HOOK_URL: expected a http or https URL such as 'https://hooks.example.com/alerts' (got 'ftp://hooks.example.com/…')",
    );
    expect(bad('https://u:PASSWORD@hooks.example.com/SECRETPATH')).toMatch(/^alerts\.channels\.webhook\[0\]\.url_env: LF_HOOK_URL: a user or password in the URL is not accepted \(got 'https:\/\/hooks\.example\.com\/…'\)/);
    // a batch run checks before its scan
    const config: AlertsConfig = {
      cooldown: 0, rate_limit: 20, window: 60_000, fast_window: 0, rules: { error_rate: 0.1, error_count: 100, critical_count: 5 },
      channels: { console: false, file: false, webhook: [{ url: 'https://hooks.example.com/a', shape: 'json', headers: {} }, cfg] },
    };
    expect(() => checkAlertEnv(config, {})).toThrow(/webhook\[1\]\.url_env: the environment variable LF_HOOK_URL is not set/);
  });

  it('names a webhook by origin only', () => {
    expect(webhookName({ url: 'https://hooks.slack.com/services/T0/B0/XYZ', shape: 'slack', headers: {} }, 0)).toBe('webhook#1 https://hooks.slack.com');
  });
});

describe('failing channels', () => {
  it('retries a 500 with backoff, logs it, delivers on the next attempt; other channels are not held back', async () => {
    const http = await startHttp([500]);
    const logs: string[] = [];
    const delays: number[] = [];
    const rec = recorder();
    const m = new AlertManager({ cooldown: 600_000, rate_limit: 20, window: 60_000 }, [webhookChannel({ url: http.url, shape: 'json', headers: {} }), rec], () => 0, {
      log: (l) => logs.push(l),
      retry: { retries: 3, baseMs: 200, factor: 4, maxMs: 30_000, jitter: 0 },
      sleep: async (ms) => void delays.push(ms),
    });
    m.evaluate([alert], at(0));
    expect(rec.sent).toHaveLength(1);
    await m.flush();
    expect(http.hits).toHaveLength(2);
    expect(delays).toEqual([200]);
    expect(logs).toEqual([`logframe alerts: webhook#1 ${http.url}: error_rate/payment at 2025-01-10T05:00:00.000Z: attempt 1/4 failed: POST webhook#1 ${http.url}: HTTP 500: internal error; retrying in 200 ms`]);
    expect(m.stats()).toMatchObject({ delivered: { [`webhook#1 ${http.url}`]: 1, rec: 1 }, errors: 1 });
  });

  it('gives up on a closed port after 200/800/3200 ms of backoff, logs without the URL token, and the job goes on', async () => {
    const port = await closedPort();
    const http = await startHttp();
    const smtp = await startSmtp();
    const logs: string[] = [];
    const delays: number[] = [];
    const dead = webhookChannel({ url: `http://127.0.0.1:${port}/services/T000/B000/SECRETTOKEN`, shape: 'slack', headers: { authorization: 'Bearer tok-987' } });
    const live = webhookChannel({ url: http.url, shape: 'json', headers: {} }, 1);
    const mail = emailChannel(emailCfg(smtp.port), { env: {} });
    const file = path.join(tmp(), 'alerts.log');
    const m = new AlertManager({ cooldown: 600_000, rate_limit: 20, window: 60_000 }, [dead, live, mail, fileChannel(file)], () => 0, {
      log: (l) => logs.push(l),
      retry: { retries: 3, baseMs: 200, factor: 4, maxMs: 30_000, jitter: 0 },
      sleep: async (ms) => void delays.push(ms),
    });
    m.evaluate([alert], at(0));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2); // on disk before evaluate returned
    await m.close();
    expect(delays).toEqual([200, 800, 3200]);
    expect(logs).toHaveLength(4);
    expect(logs[0]).toBe(`logframe alerts: webhook#1 http://127.0.0.1:${port}: error_rate/payment at 2025-01-10T05:00:00.000Z: attempt 1/4 failed: POST webhook#1 http://127.0.0.1:${port}: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}; retrying in 200 ms`);
    expect(logs[3]).toMatch(/gave up after 4 attempts: .*ECONNREFUSED/);
    expect(logs.join('\n')).not.toMatch(/SECRETTOKEN|tok-987/);
    expect(http.hits).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    expect(m.stats()).toMatchObject({ failed: { [`webhook#1 http://127.0.0.1:${port}`]: 1 }, errors: 4 });
    expect(m.stats().delivered).toEqual({ [`webhook#2 ${http.url}`]: 1, email: 1, file: 1 });
  });

  it('does not follow a redirect (the headers would go to its target) and does not retry it', async () => {
    const target = await startHttp();
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(307, { location: `${target.url}/landed/REDIRTOKEN` }).end('moved to /landed/REDIRTOKEN');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logs: string[] = [];
    const ch = webhookChannel({ url: `${origin}/redirect/PATHTOKEN`, shape: 'json', headers: { 'x-api-key': 'APIKEYSECRET' } });
    const m = new AlertManager({ cooldown: 1, rate_limit: 20, window: 60_000 }, [ch], () => 0, { log: (l) => logs.push(l), retry: { ...noRetry, retries: 3 } });
    m.evaluate([alert], at(0));
    await m.flush();
    expect(hits).toEqual(['/redirect/PATHTOKEN']);
    expect(target.hits).toHaveLength(0);
    expect(logs).toEqual([
      `logframe alerts: webhook#1 ${origin}: error_rate/payment at 2025-01-10T05:00:00.000Z: not retried (permanent failure): `
      + `POST webhook#1 ${origin}: HTTP 307 redirect, not followed (a webhook endpoint does not redirect: check the configured URL)`,
    ]);
  });

  it('does not retry a 4xx refusal (it cannot succeed)', async () => {
    const http = await startHttp([400]);
    const logs: string[] = [];
    const m = new AlertManager({ cooldown: 1, rate_limit: 20, window: 60_000 }, [webhookChannel({ url: http.url, shape: 'slack', headers: {} })], () => 0, { log: (l) => logs.push(l) });
    m.evaluate([alert], at(0));
    await m.flush();
    expect(http.hits).toHaveLength(1);
    expect(logs).toEqual([`logframe alerts: webhook#1 ${http.url}: error_rate/payment at 2025-01-10T05:00:00.000Z: not retried (permanent failure): POST webhook#1 ${http.url}: HTTP 400: internal error`]);
  });
});

describe('createAlerting', () => {
  it('wires every configured channel; an incident reaches webhook and mailbox within a second of evaluation', async () => {
    const smtp = await startSmtp();
    const http = await startHttp();
    const dir = tmp();
    const printed: string[] = [];
    const config: AlertsConfig = {
      cooldown: 600_000, rate_limit: 20, window: 60_000, fast_window: 5_000, rules: { error_rate: 0.1, error_count: 100, critical_count: 5 },
      channels: {
        console: true, file: { path: 'out/alerts.log' }, email: emailCfg(smtp.port),
        webhook: [{ url: `${http.url}/slack`, shape: 'slack', headers: { authorization: 'Bearer tok-1' } }],
      },
    };
    const m = createAlerting(config, dir, { consoleWrite: (t) => printed.push(t), env: {} });
    expect(existsSync(path.join(dir, 'out', 'alerts.log'))).toBe(true);
    const incidents = fromDetections([], [{ start: at(0), end: at(5), type: 'High Error Rate', severity: 'CRITICAL', services: 'database', description: 'Error rate exceeded 30% threshold', recommendation: 'Investigate service logs, check dependencies' }]);
    const t0 = Date.now();
    const sent = m.evaluate([...incidents, candidate('error_rate', 'all', at(0))], at(1));
    expect(sent.map((a) => a.rule)).toEqual(['incident:high_error_rate', 'error_rate']);
    expect(printed).toHaveLength(2);
    await m.flush();
    const latest = Math.max(...http.hits.map((h) => h.at));
    expect(latest - t0).toBeLessThan(1000);
    expect(smtp.mails).toHaveLength(2);
    expect(http.hits[0]!.headers.authorization).toBe('Bearer tok-1');
    expect(parseMail(smtp.mails[0]!.raw).headers).toContain('Subject: [logframe] CRITICAL incident:high_error_rate (database)');
    expect(readFileSync(path.join(dir, 'out', 'alerts.log'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule)).toEqual(['incident:high_error_rate', 'error_rate']);
    await m.close();
  });

  it('restores follower state from disk and starts fresh from a corrupt file', async () => {
    const { loadAlertState, saveAlertState } = await import('../index.js');
    const dir = tmp();
    const stateFile = path.join(dir, 'alerts.state.json');
    const config: AlertsConfig = {
      cooldown: 600_000, rate_limit: 20, window: 60_000, fast_window: 5_000, rules: { error_rate: 0.1, error_count: 100, critical_count: 5 },
      channels: { console: false, file: false, webhook: [] },
    };
    const a = createAlerting(config, dir);
    expect(loadAlertState(a, stateFile)).toBe(false);
    a.evaluate([candidate('error_rate', 'all', at(0))], at(0));
    await saveAlertState(a, stateFile);
    const b = createAlerting(config, dir);
    expect(loadAlertState(b, stateFile)).toBe(true);
    expect(b.evaluate([candidate('error_rate', 'all', at(0))], at(0))).toEqual([]);
    writeFileSync(stateFile, '{"version":1,');
    const logs: string[] = [];
    expect(loadAlertState(createAlerting(config, dir), stateFile, (l) => logs.push(l))).toBe(false);
    expect(logs[0]).toMatch(/ignoring alert state .*starting fresh/);
  });
});
