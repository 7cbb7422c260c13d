/**
 * `pattern`: Loghub-style format strings ('<Date> <Time> <Level> <Component>: <Content>'),
 * read the way Loghub's benchmark (logparser `generate_logformat_regex`) reads them:
 * each `<Name>` captures `.*?`, runs of spaces match any whitespace, the other literal
 * text is regular-expression source (so `sshd\[<Pid>\]` works), anchored at both ends.
 */
import './linear-regexp.js';
import type { Batch } from '../batch.js';
import { CaptureMapping, positionalGroups } from './captures.js';
import type { Format, FormatContext, LineParser } from './format.js';

/** The regex source of a Loghub format string and its capture-group numbers by name. */
export function loghubRegex(format: string): { source: string; names: Map<string, number> } {
  const fields: string[] = [];
  let source = '';
  // split keeps the <Name> separators at odd indices, as Python's re.split with a group does
  const parts = format.split(/(<[^<>]+>)/);
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    if (k % 2 === 0) {
      source += part.replace(/ +/g, '\\s+');
    } else {
      const name = part.slice(1, -1);
      if (fields.includes(name)) throw new Error(`pattern: field <${name}> appears twice in '${format}'`);
      // named by position here (any name is allowed); the literal text may hold groups of its own
      // (Loghub's Mac and Thunderbird formats: `<Component>(\[<PID>\])?`), so numbers are counted
      source += `(?<__f${fields.length}>.*?)`;
      fields.push(name);
    }
  }
  // positional groups: no per-match `groups` object
  const compiled = positionalGroups('^' + source + '$');
  const names = new Map<string, number>();
  fields.forEach((name, i) => names.set(name, compiled.names.get(`__f${i}`)!));
  return { source: compiled.source, names };
}

/** Whether a byte is whitespace in Python's str.strip() sense (ASCII part). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

class PatternParser implements LineParser {
  private readonly re: RegExp;
  private readonly mapping: CaptureMapping;

  constructor(ctx: FormatContext) {
    const format = ctx.options.pattern;
    if (!format) throw new Error("format 'pattern' needs the option 'pattern', e.g. '<Date> <Time> <Level> <Component>: <Content>'");
    let names: Map<string, number>;
    try {
      const compiled = loghubRegex(format);
      names = compiled.names;
      // 's': in multi-line mode a record spans lines and its last field takes them all
      this.re = new RegExp(compiled.source, 's');
    } catch (err) {
      if ((err as Error).message.startsWith('pattern:')) throw err;
      throw new Error(`pattern: '${format}' is not a valid pattern: ${(err as Error).message}`);
    }
    if (names.size === 0) throw new Error(`pattern: '${format}' has no <Name> field`);
    this.mapping = new CaptureMapping(names, ctx.options, 'pattern');
  }

  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null {
    // Loghub strips each line before matching; so do we, on the bytes
    while (s < e && isSpace(buf[s]!)) s++;
    while (e > s && isSpace(buf[e - 1]!)) e--;
    const line = buf.toString('utf8', s, e);
    const m = this.re.exec(line);
    if (m === null) return 'does not match pattern';
    return this.mapping.apply(m, line, line.length === e - s, e, b, row);
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    while (s < e && isSpace(buf[s]!)) s++;
    while (e > s && isSpace(buf[e - 1]!)) e--;
    return this.re.test(buf.toString('utf8', s, e));
  }
}

export const patternFormat: Format = {
  name: 'pattern',
  create: (ctx: FormatContext): LineParser => new PatternParser(ctx),
};
