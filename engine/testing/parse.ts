/**
 * Parse lines with a format into one batch, as a task does (row n is line n, malformed lines
 * included, so columns line up with the input): for format tests that compare parses.
 */
import { Batch, makeDictionaries } from '../batch.js';
import type { FormatOptions } from '../formats/format.js';
import { getFormat } from '../formats/registry.js';

export interface ParseContext {
  /** The record fields wanted (projection); undefined: all. */
  fields?: ReadonlySet<string>;
  /** The header row, for formats that read one. */
  header?: string;
  options?: FormatOptions;
  /** The file name the batch's rows carry. */
  file?: string;
}

/** The batch of `lines` and each line's malformed reason (null: parsed). */
export function parseLines(format: string, lines: readonly string[], ctx: ParseContext = {}): { b: Batch; reasons: (string | null)[] } {
  const file = ctx.file ?? 'f';
  const buf = Buffer.from(lines.join('\n'));
  const b = new Batch(Math.max(1, lines.length), makeDictionaries(), file);
  b.buf = buf;
  const parser = getFormat(format).create({
    file, options: ctx.options ?? {}, ...(ctx.fields !== undefined ? { fields: ctx.fields } : {}), ...(ctx.header !== undefined ? { header: ctx.header } : {}),
  });
  const reasons: (string | null)[] = [];
  let pos = 0;
  lines.forEach((_, n) => {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    reasons.push(parser.parse(buf, pos, nl, b, b.begin(n, pos)));
    pos = nl + 1;
  });
  return { b, reasons };
}
