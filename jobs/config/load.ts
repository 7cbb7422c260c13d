/**
 * Reading a config: YAML text -> raw data (with source positions) -> CLI overrides ->
 * schema -> paths resolved. Every problem is collected into one ConfigError whose lines
 * name the file:line:column (or the flag), the key path and what was expected.
 *
 * Relative paths (input.paths, input.checkpoint, output.dir, alerts.channels.file.path)
 * resolve against the current working directory, not the config file's folder: the job runs
 * from the repository root, and a path reads the same on the command line and in the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { convertPathToPattern, isDynamicPattern } from 'tinyglobby';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, configErrorMap, pathString, type ConfigIssue } from './errors.js';
import { locate } from './locate.js';
import { applyOverrides, type CliOverrides } from './overrides.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

/** Options of parseConfig. */
export interface ParseOptions {
  /** CLI flags, applied before validation. */
  overrides?: CliOverrides;
  /** Directory relative paths resolve against (default process.cwd()). */
  cwd?: string;
}

/** Resolve a file path or a glob against cwd; a glob keeps glob syntax and escapes cwd's own special characters. */
export function resolveInputPath(p: string, cwd: string): string {
  if (path.isAbsolute(p)) return p;
  return isDynamicPattern(p) ? path.posix.join(convertPathToPattern(cwd), p) : path.resolve(cwd, p);
}

/** The config with its relative paths resolved against cwd. */
function resolvePaths(c: Config, cwd: string): Config {
  const { file } = c.alerts.channels;
  return {
    ...c,
    input: {
      ...c.input,
      paths: c.input.paths.map((p) => resolveInputPath(p, cwd)),
      ...(c.input.checkpoint !== undefined ? { checkpoint: path.resolve(cwd, c.input.checkpoint) } : {}),
    },
    output: { ...c.output, dir: path.resolve(cwd, c.output.dir) },
    alerts: { ...c.alerts, channels: { ...c.alerts.channels, file: file === false ? false : { path: path.resolve(cwd, file.path) } } },
  };
}

/** The value at `path` in raw YAML data, or undefined. */
function valueAt(raw: unknown, path: readonly string[]): unknown {
  let v = raw;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}

/** Sort: flags first, then by position; the sort is stable, so issues at one place keep their order. */
function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  const fa = a.flag !== undefined ? 0 : 1;
  const fb = b.flag !== undefined ? 0 : 1;
  return fa - fb || a.line - b.line || a.column - b.column;
}

/** Parse and validate config text; `sourceName` names it in messages. Throws ConfigError listing every problem. */
export function parseConfig(text: string, sourceName: string, options: ParseOptions = {}): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      sourceName,
      doc.errors.map((e) => ({ path: '', ...at(e.pos[0]), message: `invalid YAML: ${e.message}` })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Alias trouble (an alias before its anchor, alias bombs) surfaces only when converting.
    throw new ConfigError(sourceName, [{ path: '', line: 0, column: 0, message: `invalid YAML: ${e instanceof Error ? e.message : String(e)}` }]);
  }

  const { data, applied } = applyOverrides(raw, options.overrides);
  const result = configSchema.safeParse(data, { errorMap: configErrorMap });
  if (result.success && applied.length > 0) {
    // A flag replaces a key's value, but a bad value written in the file is still a mistake in the
    // file (the next run without the flag would fail on it): the file's own values of the keys the
    // flags set must be valid too. A key the file leaves out is fine (the flag supplies it).
    const own = configSchema.safeParse(raw, { errorMap: configErrorMap });
    const bad = own.success ? [] : own.error.issues.filter((iss) => applied.some((o) =>
      o.path.every((seg, i) => iss.path[i] === seg) && valueAt(raw, o.path) !== undefined));
    if (bad.length > 0) {
      throw new ConfigError(sourceName, bad.map((iss): ConfigIssue => ({
        path: pathString(iss.path), ...locate(doc, lc, iss.path), message: `${iss.message} (a command-line flag overrides this key, but the file's value must be valid too)`,
      })).sort(byPosition));
    }
  }
  if (!result.success) {
    const issues = result.error.issues.map((iss): ConfigIssue => {
      const flag = applied.find((o) => o.path.every((seg, i) => iss.path[i] === seg))?.flag;
      const pos = flag !== undefined ? { line: 0, column: 0 } : locate(doc, lc, iss.path, iss.code === 'custom' && iss.params?.at === 'key' ? 'key' : 'value');
      return { path: pathString(iss.path), ...pos, ...(flag !== undefined ? { flag } : {}), message: iss.message };
    });
    throw new ConfigError(sourceName, issues.sort(byPosition));
  }
  return resolvePaths(result.data, options.cwd ?? process.cwd());
}

/** Read, validate and resolve the config file at `file` (relative to the working directory), with CLI overrides. */
export function loadConfig(file: string, overrides?: CliOverrides): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : e instanceof Error ? e.message : String(e);
    throw new ConfigError(file, [{ path: '', line: 0, column: 0, message: `cannot read the config file: ${why}` }]);
  }
  return parseConfig(text, file, { overrides });
}
