/** The names a `pattern` or `regex` input captures, so `fields` and `timestamp.from` can be checked against them. */
import { Invalid, leaf, regexError, show, type Schema } from './values.js';

/**
 * A Loghub format string as a regex source, the way Loghub's benchmark reads it:
 * `<Name>` captures lazily, a run of spaces matches any whitespace, the rest is regex.
 */
export function loghubRegexSource(pattern: string): string {
  return pattern
    .split(/(<[^<>]+>)/)
    .map((part, i) => (i % 2 === 1 ? `(?<${part.slice(1, -1)}>.*?)` : part.replace(/ +/g, '\\s+')))
    .join('');
}

/** The named groups of a compiling regex source, in order of appearance. */
export function groupNames(source: string): string[] {
  // An empty alternative always matches, and `groups` lists every named group, matched or not.
  const groups = new RegExp(`(?:${source})|`).exec('')?.groups;
  return groups ? Object.keys(groups) : [];
}

/** A Loghub format string whose fields are identifiers and which compiles. */
export const patternSchema: Schema<string> = leaf((v) => {
  if (typeof v !== 'string' || v.trim() === '') return new Invalid(`expected a format string such as '<Date> <Time> <Level> <Component>: <Content>' (got ${show(v)})`);
  const names = [...v.matchAll(/<([^<>]+)>/g)].map((m) => m[1]!);
  if (names.length === 0) return new Invalid(`a pattern needs at least one <Name> field, e.g. '<Date> <Time> <Level> <Component>: <Content>'`);
  const bad = names.find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (bad !== undefined) return new Invalid(`field <${bad}>: names are letters, digits and _ (not starting with a digit)`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) return new Invalid(`field <${dup}> appears twice`);
  const err = regexError(`^${loghubRegexSource(v)}$`);
  return err === undefined ? v : new Invalid(`the pattern is not a valid regular expression once its fields are replaced: ${err}`);
});

/** A regular expression with at least one named group. */
export const namedRegexSchema: Schema<string> = leaf((v) => {
  if (typeof v !== 'string' || v === '') return new Invalid(`expected a regular expression with named groups such as '(?<level>\\w+) (?<message>.*)' (got ${show(v)})`);
  const err = regexError(v);
  if (err !== undefined) return new Invalid(`invalid regular expression: ${err}`);
  return groupNames(v).length > 0 ? v : new Invalid(`the regex has no named groups: capture fields as (?<name>...)`);
});

/** The names a raw `pattern` or `regex` value captures, or undefined when it is not valid (its own error is reported). */
export function capturedNames(format: unknown, raw: Record<string, unknown>): string[] | undefined {
  if (format === 'pattern' && typeof raw.pattern === 'string') {
    const src = loghubRegexSource(raw.pattern);
    return regexError(src) === undefined ? groupNames(src) : undefined;
  }
  if (format === 'regex' && typeof raw.regex === 'string') {
    return regexError(raw.regex) === undefined ? groupNames(raw.regex) : undefined;
  }
  return undefined;
}
