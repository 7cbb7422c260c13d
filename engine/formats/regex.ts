/**
 * `regex`: a regular expression with named groups (options.regex); the groups map to
 * record fields through the same mapping as `pattern` (captures.ts).
 */
import './linear-regexp.js';
import type { Batch } from '../batch.js';
import { CaptureMapping, positionalGroups } from './captures.js';
import type { Format, FormatContext, LineParser } from './format.js';

class RegexParser implements LineParser {
  private readonly re: RegExp;
  private readonly mapping: CaptureMapping;

  constructor(ctx: FormatContext) {
    const regex = ctx.options.regex;
    if (!regex) throw new Error("format 'regex' needs the option 'regex': a regular expression with named groups");
    let compiled: { source: string; names: Map<string, number> };
    try {
      compiled = positionalGroups(regex);
      // 's': in multi-line mode a record spans lines, and '.' should cross them
      this.re = new RegExp(compiled.source, 's');
    } catch (err) {
      throw new Error(`regex: '${regex}' is not a valid regular expression: ${(err as Error).message}`);
    }
    if (compiled.names.size === 0) throw new Error(`regex: '${regex}' has no named group such as (?<level>\\w+)`);
    this.mapping = new CaptureMapping(compiled.names, ctx.options, 'regex');
  }

  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null {
    const line = buf.toString('utf8', s, e);
    const m = this.re.exec(line);
    if (m === null) return 'does not match regex';
    return this.mapping.apply(m, line, line.length === e - s, e, b, row);
  }

  startsRecord(buf: Buffer, s: number, e: number): boolean {
    return this.re.test(buf.toString('utf8', s, e));
  }
}

export const regexFormat: Format = {
  name: 'regex',
  create: (ctx: FormatContext): LineParser => new RegexParser(ctx),
};
