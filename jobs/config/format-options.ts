/** The engine's typed format options from a validated input config. */
import type { FormatOptions } from '../../engine/formats/format.js';
import type { InputConfig } from './types.js';

/** FormatOptions for the engine's parsers: only what the chosen format reads is meaningful, the rest is inert. */
export function toFormatOptions(input: InputConfig): FormatOptions {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.fields)) if (v !== undefined) fields[k] = v;
  return {
    timezone: input.timezone,
    csv: { delimiter: input.csv.delimiter, multiline: input.csv.multiline },
    ...(input.pattern !== undefined ? { pattern: input.pattern } : {}),
    ...(input.regex !== undefined ? { regex: input.regex } : {}),
    fields,
    ...(input.timestamp !== undefined ? { timestamp: { from: input.timestamp.from, ...(input.timestamp.format !== undefined ? { format: input.timestamp.format } : {}) } } : {}),
    levelFromStatus: { error: input.level_from_status.error, warn: input.level_from_status.warn },
  };
}
