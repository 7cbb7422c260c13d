/**
 * Building blocks of the config schema: leaf values with the messages users see,
 * lists, optional and defaulted keys, and strict mappings that name unknown keys.
 * Leaves report their own messages (custom issues) so zod's wording never reaches users.
 */
import { z } from 'zod';
import { compileStrptime, makeZone } from '../../engine/formats/time.js';
import { parseSize } from '../../partitions/size.js';
import { parseDuration } from './duration.js';
import { closest } from './suggest.js';

/** A zod schema from raw YAML data (unknown) to T. */
export type Schema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** A rejected value: the message says what was expected. */
export class Invalid {
  constructor(readonly message: string) {}
}

/** A short rendering of a raw value for messages: 'txt', 12, null, a list, a mapping. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** Whether v is a plain mapping (what YAML gives for `key: value` blocks). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A leaf value checked by `check`, which returns the typed value or an Invalid; a missing value is 'required'. */
export function leaf<T>(check: (v: unknown) => T | Invalid): Schema<T> {
  return z.unknown().transform((v, ctx) => {
    const r = v === undefined ? new Invalid('required') : check(v);
    if (r instanceof Invalid) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: r.message });
      return z.NEVER;
    }
    return r;
  });
}

// A key written with no value (`checkpoint:`) means "not set": it takes its default.
const unset = (v: unknown): unknown => (v === null ? undefined : v);

/** An optional key: absent or empty gives undefined. */
export function opt<T>(s: Schema<T>): Schema<T | undefined> {
  return z.preprocess(unset, s.optional());
}

/** A required key or section: empty counts as missing ('required'). */
export function req<T>(s: Schema<T>): Schema<T> {
  return z.preprocess(unset, s);
}

/** A key with a default, written in YAML form (it goes through `s` like a user's value). */
export function dflt<T>(s: Schema<T>, value: unknown): Schema<T> {
  return z.preprocess(unset, s.default(typeof value === 'function' ? (value as () => unknown) : () => value));
}

/** true or false. */
export const bool: Schema<boolean> = leaf((v) => (typeof v === 'boolean' ? v : new Invalid(`expected true or false (got ${show(v)})`)));

/** An integer accepted by `ok`, described as `what` ('a positive integer'). */
export function int(what: string, ok: (n: number) => boolean): Schema<number> {
  return leaf((v) => (typeof v === 'number' && Number.isInteger(v) && ok(v) ? v : new Invalid(`expected ${what} (got ${show(v)})`)));
}

/** A finite number accepted by `ok`, described as `what` ('a number from 0 to 1'). */
export function num(what: string, ok: (n: number) => boolean): Schema<number> {
  return leaf((v) => (typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : new Invalid(`expected ${what} (got ${show(v)})`)));
}

/** An integer >= 1. */
export const positiveInt = int('a positive integer', (n) => n >= 1);
/** An integer >= 0. */
export const countInt = int('a non-negative integer', (n) => n >= 0);
/** A TCP port. */
export const port = int('a port number from 1 to 65535', (n) => n >= 1 && n <= 65535);
/** A fraction in [0, 1]. */
export const fraction = num('a number from 0 to 1', (n) => n >= 0 && n <= 1);

/** A non-empty string. */
export const str: Schema<string> = leaf((v) =>
  typeof v === 'string' && v.trim() !== '' ? v : new Invalid(typeof v === 'string' ? 'expected a non-empty string' : `expected a string (got ${show(v)})`),
);

/** Any string, empty included. */
export const text: Schema<string> = leaf((v) => (typeof v === 'string' ? v : new Invalid(`expected a string (got ${show(v)})`)));

/** A string matching `re`, described as `what`. */
export function strMatching(what: string, re: RegExp): Schema<string> {
  return leaf((v) => (typeof v === 'string' && re.test(v) ? v : new Invalid(`expected ${what} (got ${show(v)})`)));
}

/** One of a fixed set of strings (case-sensitive). */
export function oneOf<const T extends readonly string[]>(options: T): Schema<T[number]> {
  return leaf((v) => (typeof v === 'string' && options.includes(v) ? (v as T[number]) : new Invalid(`expected one of ${options.join(', ')} (got ${show(v)})`)));
}

/** A duration ('500ms', '5s', '10m', '1h', '1d') in ms; zero only when allowZero. */
export function duration(allowZero = false): Schema<number> {
  return leaf((v) => {
    const what = `expected a duration such as '500ms', '5s', '10m', '1h' or '1d' (got ${show(v)})`;
    if (typeof v !== 'string') return new Invalid(what);
    let ms: number;
    try {
      ms = parseDuration(v);
    } catch {
      return new Invalid(what);
    }
    return ms > 0 || allowZero ? ms : new Invalid(`expected a duration longer than zero (got ${show(v)})`);
  });
}

/** A byte size ('32MB', '512KB', '1GiB' or whole bytes) in bytes. */
export const size: Schema<number> = leaf((v) => {
  if (typeof v === 'string' || typeof v === 'number') {
    try {
      return parseSize(v);
    } catch {
      // fall through to one message for every bad size
    }
  }
  return new Invalid(`expected a size such as '32MB', '512KB', '1GiB' or a whole number of bytes (got ${show(v)})`);
});

/** Why `source` does not compile as a JavaScript regular expression (with `flags`), or undefined when it does. */
export function regexError(source: string, flags = ''): string | undefined {
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (e) {
    // V8 says "Invalid regular expression: /(/: Unterminated group"; keep the reason.
    const msg = e instanceof Error ? e.message : String(e);
    return msg.slice(msg.lastIndexOf(': ') + 2);
  }
}

/** A regular expression source that compiles. */
export const regex: Schema<string> = leaf((v) => {
  if (typeof v !== 'string' || v === '') return new Invalid(`expected a regular expression (got ${show(v)})`);
  const err = regexError(v);
  return err === undefined ? v : new Invalid(`invalid regular expression: ${err}`);
});

/** A time zone: 'UTC', an offset such as '+02:00', or an IANA name ('Europe/Paris'). */
export const timezone: Schema<string> = leaf((v) => {
  const what = `expected 'UTC', an offset such as '+02:00' or an IANA time zone such as 'Europe/Paris' (got ${show(v)})`;
  if (typeof v !== 'string' || v.trim() === '') return new Invalid(what);
  try {
    makeZone(v);
    return v.trim();
  } catch {
    return new Invalid(what);
  }
});

/** A strptime-style format the engine can compile ('%Y-%m-%d %H:%M:%S,%f'). */
export const strptime: Schema<string> = leaf((v) => {
  if (typeof v !== 'string' || v === '') return new Invalid(`expected a strptime format such as '%Y-%m-%d %H:%M:%S' (got ${show(v)})`);
  try {
    compileStrptime(v, makeZone('UTC'));
    return v;
  } catch (e) {
    return new Invalid(e instanceof Error ? e.message : String(e));
  }
});

/**
 * A URL for messages: its scheme and host only. A path, query or user:password is often a
 * secret (a Slack webhook's path is its token), and a config error is printed and pasted into
 * tickets; a string that does not parse shows nothing of itself.
 */
export function showUrl(v: unknown): string {
  if (typeof v !== 'string') return show(v);
  try {
    const u = new URL(v);
    const rest = u.username || u.password || u.pathname.length > 1 || u.search || u.hash;
    return u.host ? `'${u.protocol}//${u.host}${rest ? '/…' : ''}'` : `'${u.protocol}…'`;
  } catch {
    return 'a string that is not a URL';
  }
}

/** Options of `url`. */
export interface UrlOptions {
  /** Refuse user:password in the URL (fetch refuses to send such a URL, and it would sit in the config). */
  noCredentials?: boolean;
}

/** Why `v` is not a URL of one of `protocols` (messages show scheme and host only), or the URL. */
export function checkUrl(v: unknown, protocols: readonly string[], example: string, o: UrlOptions = {}): string | Invalid {
  const what = `expected a ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL such as '${example}' (got ${showUrl(v)})`;
  if (typeof v !== 'string') return new Invalid(what);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return new Invalid(what);
  }
  if (!protocols.includes(u.protocol)) return new Invalid(what);
  if (o.noCredentials && (u.username || u.password)) {
    return new Invalid(`a user or password in the URL is not accepted (got ${showUrl(v)}): send credentials in a header, e.g. headers_env: {Authorization: WEBHOOK_AUTH}`);
  }
  return v;
}

/** A URL of one of `protocols`, e.g. ['http:', 'https:']. */
export function url(protocols: readonly string[], example: string, o: UrlOptions = {}): Schema<string> {
  return leaf((v) => checkUrl(v, protocols, example, o));
}

/** Options of `list`. */
export interface ListOptions {
  /** A single item stands for a list of one. */
  single?: boolean;
  /** Fewest items; the message names `what`. */
  min?: number;
  /** What the items are, for messages ('path', 'level'). */
  what?: string;
  /** Key under which items must be unique (reported on the later duplicate). */
  uniqueBy?: (item: unknown) => string | undefined;
}

/** A list of items, optionally written as a single item, with a minimum length and unique keys. */
export function list<T>(item: Schema<T>, o: ListOptions = {}): Schema<T[]> {
  const what = o.what ?? 'item';
  return z.preprocess(
    (v, ctx) => {
      const arr = o.single && v !== undefined && v !== null && !Array.isArray(v) ? [v] : v;
      if (Array.isArray(arr)) {
        if (o.min !== undefined && arr.length < o.min) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected at least ${o.min} ${what}${o.min === 1 ? '' : 's'}` });
        }
        const seen = new Map<string, number>();
        arr.forEach((x, i) => {
          const key = o.uniqueBy?.(x);
          if (key === undefined) return;
          const first = seen.get(key);
          if (first === undefined) seen.set(key, i);
          else ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `duplicate ${what} ${typeof x === 'string' ? show(x) : `'${key}'`} (first at [${first}])` });
        });
      } else if (v !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a list${o.single ? ` or a single ${what}` : ''} (got ${show(v)})`, fatal: true });
        return z.NEVER;
      }
      return arr;
    },
    z.array(item),
  );
}

/** Options of `strictObject`. */
export interface StrictOptions {
  /** A message for a key that must never appear (a secret), or undefined to treat it as an ordinary unknown key. */
  forbid?: (key: string, raw: Record<string, unknown>) => string | undefined;
  /** Checks across keys, run on the raw mapping even when some values are invalid, so every error is reported at once. */
  check?: (raw: Record<string, unknown>, ctx: z.RefinementCtx) => void;
}

/** The message for an unknown key: the likely intended key, or the known ones. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = closest(key, known);
  return near !== undefined ? `unknown key (did you mean '${near}'?)` : `unknown key (expected one of ${known.join(', ')})`;
}

/** A mapping with exactly the keys of `shape`: each unknown key is its own error, named with a likely intended key. */
export function strictObject<S extends z.ZodRawShape>(shape: S, o: StrictOptions = {}) {
  const known = Object.keys(shape);
  return z.preprocess((v, ctx) => {
    if (isMapping(v)) {
      for (const key of Object.keys(v)) {
        if (known.includes(key)) continue;
        const message = o.forbid?.(key, v) ?? unknownKeyMessage(key, known);
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message, params: { at: 'key' } });
      }
      o.check?.(v, ctx);
    }
    return v;
  }, z.object(shape));
}

/** A custom issue at `path` (relative to the value being checked). */
export function issue(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
}
