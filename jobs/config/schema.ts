/**
 * The config schema: every section and key, its validation and its default.
 * Parsing raw YAML data with it gives a typed Config (paths not yet resolved: see load.ts).
 * Checks across keys run on the raw mappings (StrictOptions.check) so they are reported
 * together with every other error, never hidden behind one.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { LEVELS, type Level } from '../../engine/schema.js';
import { capturedNames, namedRegexSchema, patternSchema } from './captures.js';
import { conditionSchema } from './condition.js';
import { INPUT_FORMATS, MAPPED_FIELDS, OUTPUT_FORMATS, QUERY_FIELDS, RESERVED_TABLE_NAMES, TIME_BUCKETS, type MappedField } from './fields.js';
import { metricSchema } from './metric.js';
import { DEFAULT_RULES } from './rules.js';
import { parseDuration } from './duration.js';
import type { Config } from './types.js';
import {
  Invalid, bool, countInt, dflt, duration, fraction, int, isMapping, issue, leaf, list, num, oneOf, opt, port, positiveInt, regex, req,
  show, size, str, strMatching, strictObject, text, timezone, strptime, url, type Schema,
} from './values.js';

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const nameOf = (x: unknown): string | undefined => (isMapping(x) && typeof x.name === 'string' ? x.name : undefined);
const upper = (x: unknown): string | undefined => (typeof x === 'string' ? x.toUpperCase() : undefined);

// ---------------------------------------------------------------------------
// engine

const engineSchema = strictObject(
  {
    workers: dflt(positiveInt, () => os.availableParallelism()),
    partition_size: dflt(size, '32MB'),
    executor: dflt(oneOf(['local', 'cluster'] as const), 'local'),
    redis: opt(url(['redis:', 'rediss:'], 'redis://localhost:6379')),
    queue: opt(strMatching('a queue name of letters, digits, _ . -', /^[A-Za-z0-9_.-]+$/)),
  },
  {
    check(raw, ctx) {
      if (raw.executor === 'cluster' && !isSet(raw.redis)) issue(ctx, ['redis'], `required when executor is cluster (e.g. 'redis://localhost:6379')`);
    },
  },
);

// ---------------------------------------------------------------------------
// input

/** A level name, case-insensitive, normalised to upper case. */
const level: Schema<Level> = leaf((v) => {
  const up = upper(v);
  return up !== undefined && (LEVELS as readonly string[]).includes(up) ? (up as Level) : new Invalid(`expected a level, one of ${LEVELS.join(', ')} (got ${show(v)})`);
});

const delimiter = leaf((v) =>
  typeof v === 'string' && v.length === 1 && v !== '"' && v !== '\n' && v !== '\r' ? v : new Invalid(`expected one character such as ',', ';' or "\\t" (got ${show(v)})`),
);

const fieldsSchema = strictObject(Object.fromEntries(MAPPED_FIELDS.map((f) => [f, opt(str)])) as { [K in MappedField]: Schema<string | undefined> });

const multilineSchema: Schema<false | { start?: string }> = z
  .preprocess(
    (v, ctx) => {
      if (v === true) return {};
      if (v === false || v === undefined || v === null) return undefined;
      if (isMapping(v)) return v;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected true, false or a mapping {start: 'regex'} (got ${show(v)})`, fatal: true });
      return z.NEVER;
    },
    strictObject({ start: opt(regex) }).optional(),
  )
  .transform((v) => v ?? false);

const statusCode = int('an HTTP status from 100 to 599', (n) => n >= 100 && n <= 599);

const PATTERN_EXAMPLE = `'<Date> <Time> <Level> <Component>: <Content>'`;
const REGEX_EXAMPLE = `'(?<time>\\S+ \\S+) (?<level>\\w+) (?<message>.*)'`;

/** Checks of input keys against each other: the format's required option, and names the pattern or regex must capture. */
function checkInput(raw: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const format = raw.format ?? 'text';
  if (format === 'pattern' && !isSet(raw.pattern)) issue(ctx, ['pattern'], `required when format is pattern, e.g. ${PATTERN_EXAMPLE}`);
  if (format === 'regex' && !isSet(raw.regex)) issue(ctx, ['regex'], `required when format is regex, e.g. ${REGEX_EXAMPLE}`);
  const fields = isMapping(raw.fields) ? raw.fields : {};
  const ts = isMapping(raw.timestamp) ? raw.timestamp : undefined;
  if (isSet(fields.timestamp) && ts !== undefined) issue(ctx, ['fields', 'timestamp'], 'set either fields.timestamp or timestamp.from, not both');
  const names = capturedNames(format, raw);
  if (names === undefined) return;
  const what = `the ${format} (it captures ${names.join(', ')})`;
  for (const [key, name] of Object.entries(fields)) {
    if (typeof name === 'string' && !names.includes(name)) issue(ctx, ['fields', key], `'${name}' is not captured by ${what}`);
  }
  const from = ts?.from;
  if (typeof from === 'string' && !names.includes(from)) issue(ctx, ['timestamp', 'from'], `'${from}' is not captured by ${what}`);
  if (Array.isArray(from)) {
    from.forEach((name, i) => {
      if (typeof name === 'string' && !names.includes(name)) issue(ctx, ['timestamp', 'from', i], `'${name}' is not captured by ${what}`);
    });
  }
}

/** input.broker: consume log lines from a RabbitMQ queue (S2) instead of following files. */
const brokerSchema = strictObject({
  url: req(url(['amqp:', 'amqps:'], 'amqp://localhost:5672')),
  queue: req(strMatching('a queue name', /^[^\s]{1,255}$/)),
  format: dflt(oneOf(['lines', 'json'] as const), 'lines'),
  batch_size: dflt(positiveInt, 1000),
  // basic.qos carries the prefetch count in 16 bits
  prefetch: dflt(int('an integer from 1 to 65535', (n) => n >= 1 && n <= 65535), 60000),
});

/** Broker ingestion reads no files of its own: its lines go through a spool file the broker code names. */
const BROKER_SPOOL_PLACEHOLDER = '(broker spool)';

const inputObject = strictObject(
  {
    paths: req(list(str, { single: true, min: 1, what: 'path' })),
    broker: opt(brokerSchema),
    format: dflt(oneOf(INPUT_FORMATS), 'text'),
    timezone: dflt(timezone, 'UTC'),
    follow: dflt(bool, false),
    checkpoint: opt(str),
    multiline: multilineSchema,
    csv: dflt(strictObject({ delimiter: dflt(delimiter, ','), multiline: dflt(bool, false) }), {}),
    pattern: opt(patternSchema),
    regex: opt(namedRegexSchema),
    fields: dflt(fieldsSchema, {}),
    timestamp: opt(strictObject({ from: req(list(str, { single: true, min: 1, what: 'name' })), format: opt(strptime) })),
    level_from_status: dflt(
      strictObject(
        { error: dflt(statusCode, 500), warn: dflt(statusCode, 400) },
        {
          check(raw, ctx) {
            const { error = 500, warn = 400 } = raw;
            if (typeof error === 'number' && typeof warn === 'number' && warn > error) issue(ctx, ['warn'], `must not exceed error (${warn} > ${error})`);
          },
        },
      ),
      {},
    ),
  },
  { check: checkInput },
);

const inputSchema = z.preprocess(
  (v) => (isMapping(v) && isSet(v.broker) && !isSet(v.paths) ? { ...v, paths: [BROKER_SPOOL_PLACEHOLDER] } : v),
  inputObject,
);

// ---------------------------------------------------------------------------
// levels

const levelsSchema = strictObject({
  error: dflt(list(level, { single: true, min: 1, what: 'level', uniqueBy: upper }), ['ERROR', 'CRITICAL', 'FATAL']),
  critical: dflt(list(level, { single: true, what: 'level', uniqueBy: upper }), ['CRITICAL', 'FATAL']),
});

// ---------------------------------------------------------------------------
// analytics

const aggregationName = leaf((v) => {
  if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return new Invalid(`expected an identifier (letters, digits and _, not starting with a digit) (got ${show(v)})`);
  return RESERVED_TABLE_NAMES.includes(v) ? new Invalid(`'${v}' is a standard report table: choose another name`) : v;
});

const customSchema = strictObject({
  name: aggregationName,
  where: opt(conditionSchema),
  group_by: dflt(list(oneOf([...QUERY_FIELDS, ...TIME_BUCKETS]), { single: true, what: 'group key', uniqueBy: (x) => (typeof x === 'string' ? x : undefined) }), []),
  metrics: dflt(list(metricSchema, { single: true, min: 1, what: 'metric', uniqueBy: (x) => (typeof x === 'string' ? x.trim() : undefined) }), ['count']),
});

const analyticsSchema = strictObject({
  top_n: dflt(positiveInt, 20),
  custom: dflt(list(customSchema, { what: 'name', uniqueBy: nameOf }), []),
});

// ---------------------------------------------------------------------------
// detection

const ruleSchema = strictObject({
  name: str,
  pattern: regex,
  ignore_case: dflt(bool, true),
  level: opt(level),
  category: str,
});

/** A whole number of minutes from '0m' to '60m' ('2m', '120s'), as ms. */
const wholeMinutes: Schema<number> = leaf((v) => {
  let ms = NaN;
  try {
    if (typeof v === 'string') ms = parseDuration(v);
  } catch {
    // one message below for every bad value
  }
  return ms >= 0 && ms <= 3_600_000 && ms % 60_000 === 0 ? ms : new Invalid(`expected whole minutes from '0m' to '60m' such as '0m' or '2m' (got ${show(v)})`);
});

const detectionSchema = strictObject({
  enabled: dflt(bool, true),
  templates: dflt(
    strictObject({
      enabled: dflt(bool, true),
      similarity: dflt(num('a number greater than 0 and at most 1', (n) => n > 0 && n <= 1), 0.5),
      depth: dflt(positiveInt, 4),
      new_window: dflt(duration(), '1h'),
    }),
    {},
  ),
  zscore: dflt(
    strictObject({
      enabled: dflt(bool, true),
      threshold: dflt(num('a number greater than 0', (n) => n > 0), 3),
      per_service: dflt(bool, true),
      mode: dflt(oneOf(['global', 'rolling', 'robust'] as const), 'rolling'),
      window: dflt(duration(), '60m'),
    }),
    {},
  ),
  isolation_forest: dflt(
    strictObject({
      enabled: dflt(bool, true),
      trees: dflt(positiveInt, 100),
      sample_size: dflt(int('an integer of at least 2', (n) => n >= 2), 256),
      contamination: dflt(num('a number greater than 0 and at most 0.5', (n) => n > 0 && n <= 0.5), 0.02),
      seed: dflt(int('an integer', () => true), 42),
    }),
    {},
  ),
  lines: dflt(
    strictObject({
      enabled: dflt(bool, true),
      trees: dflt(positiveInt, 100),
      sample_size: dflt(int('an integer of at least 2', (n) => n >= 2), 256),
      training_lines: dflt(int('an integer of at least 2', (n) => n >= 2), 4096),
      contamination: dflt(num('a number greater than 0 and at most 0.5', (n) => n > 0 && n <= 0.5), 0.01),
      seed: dflt(int('an integer', () => true), 42),
      context_share: dflt(num('a number greater than 0 and at most 1', (n) => n > 0 && n <= 1), 0.05),
      slow_ms: dflt(num('a number greater than 0', (n) => n > 0), 1000),
    }),
    {},
  ),
  rules: dflt(list(ruleSchema, { what: 'rule name', uniqueBy: nameOf }), DEFAULT_RULES),
  incidents: dflt(
    strictObject({
      error_rate: dflt(
        strictObject({
          threshold: dflt(num('a number greater than 0 and at most 1', (n) => n > 0 && n <= 1), 0.3),
          window: dflt(duration(), '10m'),
          min_events: dflt(positiveInt, 20),
        }),
        {},
      ),
      latency: dflt(strictObject({ factor: dflt(num('a number of at least 1', (n) => n >= 1), 2) }), {}),
      cascade: dflt(
        strictObject({ services: dflt(int('an integer of at least 2', (n) => n >= 2), 3), window: dflt(duration(), '5m') }),
        {},
      ),
    }),
    {},
  ),
  evidence: dflt(strictObject({ per_minute: dflt(countInt, 5) }), {}),
  correlations: dflt(
    strictObject({
      enabled: dflt(bool, true),
      window: dflt(wholeMinutes, '0m'),
      min_support: dflt(positiveInt, 3),
      min_lift: dflt(num('a number of at least 1', (n) => n >= 1), 2),
      max_p_value: dflt(num('a number greater than 0 and at most 1', (n) => n > 0 && n <= 1), 0.01),
    }),
    {},
  ),
});

// ---------------------------------------------------------------------------
// alerts

const address = strMatching(`an e-mail address such as 'ops@example.com'`, /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/);
const envName = strMatching('an environment variable name such as SMTP_PASSWORD', /^[A-Za-z_][A-Za-z0-9_]*$/);

const emailSchema = strictObject(
  {
    host: str,
    port: dflt(port, 587),
    secure: dflt(bool, false),
    from: address,
    to: req(list(address, { single: true, min: 1, what: 'address' })),
    user_env: dflt(envName, 'SMTP_USER'),
    password_env: dflt(envName, 'SMTP_PASSWORD'),
    subject_prefix: dflt(text, '[logframe]'),
  },
  {
    // Secrets never live in the config file: it is read by people and committed to repositories.
    forbid(key, raw) {
      if (key === 'password_env' || key === 'user_env' || !/pass|secret/i.test(key)) return undefined;
      const env = typeof raw.password_env === 'string' ? raw.password_env : 'SMTP_PASSWORD';
      return `never put a password in the config: set it in the environment variable named by password_env ('${env}')`;
    },
  },
);

const fileChannel: Schema<false | { path?: string }> = z
  .preprocess(
    (v, ctx) => {
      if (v === false) return undefined;
      if (v === true || v === undefined || v === null) return {};
      if (isMapping(v)) return v;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected true, false or a mapping {path: 'alerts.log'} (got ${show(v)})`, fatal: true });
      return z.NEVER;
    },
    strictObject({ path: opt(str) }).optional(),
  )
  .transform((v) => v ?? false);

const webhookSchema = strictObject(
  {
    // fetch refuses a URL with user:password (and it would sit in the config): credentials go in a header
    url: opt(url(['http:', 'https:'], 'https://hooks.example.com/alerts', { noCredentials: true })),
    url_env: opt(envName),
    shape: dflt(oneOf(['json', 'slack'] as const), 'json'),
    headers: dflt(z.record(z.string(), text), {}),
    headers_env: opt(z.record(z.string(), envName)),
  },
  {
    check(raw, ctx) {
      if (isSet(raw.url) === isSet(raw.url_env)) {
        issue(ctx, [], 'set exactly one of url (the URL) and url_env (the environment variable holding it, for a URL that carries a token)');
      }
      const inline = Object.keys(isMapping(raw.headers) ? raw.headers : {}).map((h) => h.toLowerCase());
      for (const h of Object.keys(isMapping(raw.headers_env) ? raw.headers_env : {})) {
        if (inline.includes(h.toLowerCase())) issue(ctx, ['headers_env', h], `header '${h}' is also set in headers: set it in one of them`);
      }
    },
  },
);

const alertsSchema = strictObject({
  cooldown: dflt(duration(true), '10m'),
  rate_limit: dflt(positiveInt, 20),
  window: dflt(duration(), '1m'),
  fast_window: dflt(duration(true), '1s'),
  rules: dflt(
    strictObject({ error_rate: dflt(fraction, 0.1), error_count: dflt(countInt, 100), critical_count: dflt(countInt, 5) }),
    {},
  ),
  channels: dflt(
    strictObject({
      console: dflt(bool, true),
      file: fileChannel,
      email: opt(emailSchema),
      webhook: dflt(list(webhookSchema, { single: true, what: 'webhook' }), []),
    }),
    {},
  ),
});

// ---------------------------------------------------------------------------
// output, dashboard

const outputSchema = strictObject({
  dir: dflt(str, 'out'),
  formats: dflt(list(oneOf(OUTPUT_FORMATS), { single: true, what: 'format', uniqueBy: (x) => (typeof x === 'string' ? x : undefined) }), [...OUTPUT_FORMATS]),
  parsed: dflt(bool, false),
  refresh: dflt(duration(), '5s'),
  anomaly_report_limit: dflt(countInt, 1000),
});

const dashboardSchema = strictObject({
  enabled: dflt(bool, false),
  host: dflt(str, '127.0.0.1'),
  port: dflt(port, 8501),
});

// ---------------------------------------------------------------------------

/** The schema of the whole config file (an empty document is an empty mapping). */
export const configSchema: Schema<Config> = z
  .preprocess(
    (v) => v ?? {},
    strictObject({
      engine: dflt(engineSchema, {}),
      input: req(inputSchema),
      levels: dflt(levelsSchema, {}),
      analytics: dflt(analyticsSchema, {}),
      detection: dflt(detectionSchema, {}),
      alerts: dflt(alertsSchema, {}),
      output: dflt(outputSchema, {}),
      dashboard: dflt(dashboardSchema, {}),
    }),
  )
  .transform((c) => {
    const { file } = c.alerts.channels;
    // The alerts file defaults into the output directory, wherever --out moved it.
    const resolvedFile = file === false ? false : { path: file.path ?? path.join(c.output.dir, 'alerts.log') };
    return { ...c, alerts: { ...c.alerts, channels: { ...c.alerts.channels, file: resolvedFile } } };
  });
