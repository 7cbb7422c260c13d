/**
 * HTML text with escaping by default: `html` interpolates values escaped, except fragments made
 * by `html` itself or marked with `trusted` (our own markup: CSS, echarts SVG). Data from the
 * logs can only ever become text.
 */

/** Markup that is already safe (built by `html`, or our own). */
export class Markup {
  constructor(readonly text: string) {}
  /** The markup text. */
  toString(): string {
    return this.text;
  }
}

/** Escape text for an element body or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Mark our own markup (never data) as safe to insert. */
export function trusted(text: string): Markup {
  return new Markup(text);
}

/** Tagged template: values are escaped; arrays are joined; null, undefined and false vanish. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += fragment(values[i]) + strings[i + 1]!;
  return new Markup(out);
}

function fragment(v: unknown): string {
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return v.map(fragment).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

/** JSON for a `<script type="application/json">` block: `<` escaped so the text cannot close the element. */
export function jsonScript(value: unknown): Markup {
  return new Markup(JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'));
}
