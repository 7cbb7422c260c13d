/**
 * Config errors users meet, made in one place: each names where (file:line:column or the
 * CLI flag), which key (dotted path) and what was expected.
 */
import type { z } from 'zod';
import { show } from './values.js';

/** One problem in a config. */
export interface ConfigIssue {
  /** Dotted key path, list items in brackets: 'analytics.custom[0].metrics[1]'; '' for the whole document. */
  path: string;
  /** 1-based line and column in the file; 0 when unknown or when the value came from a CLI flag. */
  line: number;
  column: number;
  /** The CLI flag that supplied the value ('--workers'), when one did. */
  flag?: string;
  message: string;
}

/** One line per issue: `file:line:col: path: message`, or `--flag: message` for a CLI flag. */
export function formatIssue(source: string, i: ConfigIssue): string {
  if (i.flag !== undefined) return `${i.flag}: ${i.message}`;
  const where = i.line > 0 ? `${source}:${i.line}:${i.column}` : source;
  return `${where}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`;
}

/** An invalid config: every issue found, each formatted on its own line of the message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The config file name as given (or a label for text that came from elsewhere). */
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    const lines = issues.map((i) => formatIssue(source, i));
    super(lines.length === 1 ? lines[0]! : `${lines.length} errors in ${source}:\n  ${lines.join('\n  ')}`);
  }
}

/** Dotted path of zod path segments: ['a', 0, 'b'] -> 'a[0].b'. */
export function pathString(path: readonly (string | number)[]): string {
  return path.reduce<string>((s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s === '' ? seg : `${s}.${seg}`), '');
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
};

/**
 * Messages for the issues zod makes itself (structure, not leaves): missing and mistyped
 * mappings and lists. Leaves and checks carry their own messages, which zod keeps.
 */
export const configErrorMap: z.ZodErrorMap = (iss, ctx) => {
  const data: unknown = ctx.data;
  if (iss.code === 'invalid_type') {
    if (data === undefined) return { message: 'required' };
    return { message: `expected ${TYPE_NAMES[iss.expected] ?? iss.expected} (got ${show(data)})` };
  }
  return { message: ctx.defaultError };
};
