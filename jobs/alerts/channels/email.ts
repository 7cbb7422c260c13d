/**
 * Email channel: one message per alert through nodemailer's SMTP transport. The SMTP user and
 * password come from the environment variables the config names, are registered with the
 * redactor, and never reach a log line or an error message: failures are re-thrown as a new
 * DeliveryError built from redacted text, without the library's error object (or its cause).
 */
import { BlockList, isIP } from 'node:net';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { EmailChannel } from '../../config/types.js';
import { formatValue, oneLine } from '../format.js';
import { describeError, Redactor } from '../redact.js';
import { DeliveryError, isoTime, type Alert, type Channel } from '../types.js';

/** Environment, redaction and timeouts of the email channel. */
export interface EmailOptions {
  /** Where user_env/password_env are looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Receives the credentials; share it with the manager so its log lines are redacted too. */
  redactor?: Redactor;
  /** Connection, greeting and socket timeouts (ms, default 10 s): a dead server must not hold a delivery for minutes. */
  timeoutMs?: number;
  /** Configuration warnings (default stderr). */
  log?: (line: string) => void;
}

/** "[logframe] HIGH error_rate (payment)", or "[logframe] RESOLVED HIGH error_rate (payment)". */
export function emailSubject(prefix: string, a: Alert): string {
  const status = a.status === 'resolved' ? 'RESOLVED ' : '';
  return oneLine(`${prefix ? prefix + ' ' : ''}${status}${a.severity} ${a.rule} (${a.scope})`);
}

/** Plain-text body: the message first (it reads on its own), then the fields. */
export function emailBody(a: Alert): string {
  const rows: [string, string][] = [
    ['Status', a.status],
    ['Severity', a.severity],
    ['Rule', a.rule],
    ['Scope', a.scope],
    ['Time', isoTime(a.time)],
    ['Value', formatValue(a)],
  ];
  if (a.action) rows.push(['Action', a.action]);
  const fields = rows.map(([k, v]) => `${(k + ':').padEnd(10)} ${v}`).join('\n');
  return `${a.message}\n\n${fields}\n\n-- \nSent by logframe alerting.\n`;
}

// SMTP 5xx (and a refused login) will fail the same way next time; 4xx and network errors may not.
function isPermanent(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) return true;
  return e.code === 'EAUTH' || e.code === 'EENVELOPE';
}

// 127.0.0.0/8 and ::1: a relay on this machine, where the password never crosses a network.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether `host` is this machine: localhost, 127.x.x.x or ::1 (a name other than localhost is not trusted to be). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h.toLowerCase() === 'localhost') return true;
  const family = isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * nodemailer's SMTP options for `cfg`. With credentials and `secure: false`, `requireTLS` makes
 * STARTTLS mandatory: without it nodemailer sends AUTH in clear text to a server that offers no
 * STARTTLS (or to a man in the middle that strips it). A loopback host is exempt: a local relay
 * without TLS is common and the password does not leave the machine.
 */
export function smtpOptions(cfg: EmailChannel, auth: { user: string; pass: string } | undefined, timeout: number): SMTPTransport.Options {
  return {
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    requireTLS: auth !== undefined && !cfg.secure && !isLoopback(cfg.host),
    auth,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    // The library's own logging could print the AUTH exchange: keep it off whatever the defaults become.
    logger: false,
    debug: false,
  };
}

/** An SMTP channel for `cfg`; without credentials in the environment it sends without AUTH. */
export function emailChannel(cfg: EmailChannel, options: EmailOptions = {}): Channel {
  const env = options.env ?? process.env;
  const redactor = options.redactor ?? new Redactor();
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const user = env[cfg.user_env] || undefined;
  const pass = env[cfg.password_env] || undefined;
  redactor.addCredentials(user, pass);
  if ((user === undefined) !== (pass === undefined)) {
    // Name the variables, never their values.
    const [set, unset] = user === undefined ? [cfg.password_env, cfg.user_env] : [cfg.user_env, cfg.password_env];
    log(`logframe alerts: email: ${set} is set but ${unset} is not; sending without SMTP authentication`);
  }
  const timeout = options.timeoutMs ?? 10_000;
  // nodemailer is loaded only by a job that sends email (about 14 MB a process that does not)
  const auth = user !== undefined && pass !== undefined ? { user, pass } : undefined;
  const transport: Promise<Transporter> = import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpOptions(cfg, auth, timeout)));
  const where = `${cfg.host}:${cfg.port}`;
  return {
    name: 'email',
    rateLimited: true,
    async send(alert: Alert): Promise<void> {
      try {
        await (await transport).sendMail({ from: cfg.from, to: cfg.to, subject: emailSubject(cfg.subject_prefix, alert), text: emailBody(alert) });
      } catch (err) {
        throw new DeliveryError(redactor.redact(`SMTP ${where}: ${describeError(err, (s) => redactor.redact(s))}`), isPermanent(err));
      }
    },
    async close(): Promise<void> {
      (await transport).close();
    },
  };
}
