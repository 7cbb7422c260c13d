/**
 * Secret redaction for every line the alerting writes to logs or puts in an error message.
 * Channels register their secrets; whatever the failing library said is passed through here.
 */

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Replaces registered secrets (and the encodings they travel in) with [REDACTED]. */
export class Redactor {
  private secrets: string[] = [];

  /** Register a secret, with its base64 and URL-encoded forms (SMTP AUTH LOGIN sends base64). */
  add(secret: string | undefined): void {
    if (!secret) return;
    this.push(secret, Buffer.from(secret, 'utf8').toString('base64'), encodeURIComponent(secret));
  }

  /** Register a user/password pair: AUTH PLAIN sends base64("\0user\0password"), which contains neither alone. */
  addCredentials(user: string | undefined, password: string | undefined): void {
    this.add(user);
    this.add(password);
    if (user && password) this.push(Buffer.from(`\u0000${user}\u0000${password}`, 'utf8').toString('base64'));
  }

  /** `text` with every registered secret replaced. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(REDACTED);
    return out;
  }

  private push(...values: string[]): void {
    for (const v of values) if (v && !this.secrets.includes(v)) this.secrets.push(v);
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }
}

/** A short, redacted description of any thrown value (with the cause's code: fetch hides ECONNREFUSED there). */
export function describeError(err: unknown, redact: (s: string) => string = (s) => s): string {
  const parts: string[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (depth > 3 || e === undefined || e === null) return;
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      const text = typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
      if (text && !parts.includes(text)) parts.push(text);
      visit((e as { cause?: unknown }).cause, depth + 1);
    } else if (typeof e === 'string') {
      parts.push(e);
    } else {
      parts.push(String(e));
    }
  };
  visit(err, 0);
  return redact(parts.join(': ') || 'unknown error').replace(/\s+/g, ' ').trim();
}
