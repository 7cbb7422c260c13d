/** The model-free checks (jobs/detect/lines/rules.ts) of a validated config. */
import { LEVEL_CODE, type Level } from '../../../engine/schema.js';
import type { Config } from '../../config/types.js';
import type { RuleSpec } from './rules.js';

const code = (l: string): number => LEVEL_CODE[l as Level] ?? LEVEL_CODE.UNKNOWN;

/** Whether the config asks for the anomaly report (it needs detection on as well). */
export function anomalyReportOn(config: Config): boolean {
  return config.detection.enabled && config.detection.lines.enabled;
}

/** The model-free checks of a config, as the JSON the workers receive. */
export function ruleSpecOf(config: Config): string {
  const spec: RuleSpec = {
    errorLevels: config.levels.error.map(code), criticalLevels: config.levels.critical.map(code),
    rules: config.detection.rules.map((r) => ({ name: r.name, pattern: r.pattern, flags: r.ignore_case ? 'i' : '', level: r.level ? code(r.level) : -1 })),
    slowMs: config.detection.lines.slow_ms,
  };
  return JSON.stringify(spec);
}

