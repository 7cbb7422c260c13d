/** The format registry: name -> Format. Adding a format is one file and one line here. */
import type { Format } from './format.js';
import { textFormat } from './text.js';
import { csvFormat } from './csv.js';
import { accessFormat } from './access.js';
import { jsonlFormat } from './jsonl.js';
import { patternFormat } from './pattern.js';
import { regexFormat } from './regex.js';

const FORMATS = new Map<string, Format>([
  [textFormat.name, textFormat],
  [csvFormat.name, csvFormat],
  [accessFormat.name, accessFormat],
  [jsonlFormat.name, jsonlFormat],
  [patternFormat.name, patternFormat],
  [regexFormat.name, regexFormat],
]);

export function getFormat(name: string): Format {
  const f = FORMATS.get(name);
  if (!f) throw new Error(`unknown input format '${name}': expected one of ${[...FORMATS.keys()].join(', ')}`);
  return f;
}

export function formatNames(): string[] {
  return [...FORMATS.keys()];
}
