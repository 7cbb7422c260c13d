import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig, parseConfig, resolveInputPath } from './load.js';
import type { CliOverrides } from './overrides.js';
import type { Config } from './types.js';

const CWD = '/repo';
const SRC = 'config/pipeline.yaml';

/** The ConfigError parseConfig throws for `text`. */
function fail(text: string, overrides?: CliOverrides): ConfigError {
  try {
    parseConfig(text, SRC, { overrides, cwd: CWD });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected the config to be invalid');
}
/** The message lines of the error for `text`. */
const lines = (text: string, overrides?: CliOverrides): string[] => fail(text, overrides).message.split('\n').slice(1).map((l) => l.trim());
const only = (text: string, overrides?: CliOverrides): string => {
  const e = fail(text, overrides);
  expect(e.issues).toHaveLength(1);
  return e.message;
};

describe('error messages name file:line:column, key path and expectation', () => {
  it('takes the correlation window in whole minutes only', () => {
    expect(only('input: {paths: [a]}\ndetection:\n  correlations: {window: 90s}\n')).toBe(
      `${SRC}:3:26: detection.correlations.window: expected whole minutes from '0m' to '60m' such as '0m' or '2m' (got '90s')`,
    );
    expect(only('input: {paths: [a]}\ndetection:\n  correlations: {max_p_value: 0}\n')).toMatch(/detection\.correlations\.max_p_value: expected a number greater than 0 and at most 1/);
  });

  it('reports a bad enum value at the value', () => {
    const e = fail('input:\n  paths: [a.log]\n  format: txt\n');
    expect(e.message).toBe(`${SRC}:3:11: input.format: expected one of text, csv, jsonl, access, pattern, regex (got 'txt')`);
    expect(e.issues).toEqual([
      { path: 'input.format', line: 3, column: 11, message: "expected one of text, csv, jsonl, access, pattern, regex (got 'txt')" },
    ]);
    expect(e.source).toBe(SRC);
  });

  it('reports unknown keys at the key, with the likely intended key', () => {
    expect(only('input: {paths: [a]}\ndetection:\n  zscore:\n    treshold: 3\n')).toBe(
      `${SRC}:4:5: detection.zscore.treshold: unknown key (did you mean 'threshold'?)`,
    );
    expect(only('input: {paths: [a]}\nengine:\n  partitionSize: 1MB\n')).toBe(`${SRC}:3:3: engine.partitionSize: unknown key (did you mean 'partition_size'?)`);
    expect(only('input: {paths: [a]}\noutput:\n  banana: 1\n')).toBe(
      `${SRC}:3:3: output.banana: unknown key (expected one of dir, formats, parsed, refresh, anomaly_report_limit)`,
    );
    expect(only('input: {paths: [a]}\nspark: {master: local}\n')).toBe(
      `${SRC}:2:1: spark: unknown key (expected one of engine, input, levels, analytics, detection, alerts, output, dashboard)`,
    );
  });

  it('reports missing required keys at their section', () => {
    expect(only('engine:\n  workers: 2\n')).toBe(`${SRC}:1:1: input: required`);
    expect(only('input:\n')).toBe(`${SRC}:1:1: input: required`);
    expect(only('input:\n  format: csv\n')).toBe(`${SRC}:2:3: input.paths: required`);
    expect(only('input:\n  paths: []\n')).toBe(`${SRC}:2:10: input.paths: expected at least 1 path`);
    expect(only('')).toBe(`${SRC}:1:1: input: required`);
  });

  it('reports wrong types with what was found', () => {
    expect(lines('input: [a.log]\nengine: 4\nlevels: {error: 3}\n')).toEqual([
      `${SRC}:1:8: input: expected a mapping (got a list)`,
      `${SRC}:2:9: engine: expected a mapping (got 4)`,
      `${SRC}:3:17: levels.error[0]: expected a level, one of TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRITICAL, FATAL, UNKNOWN (got 3)`,
    ]);
    expect(only('- a\n- b\n')).toBe(`${SRC}:1:1: expected a mapping (got a list)`);
  });

  it('reports every engine error', () => {
    expect(lines('input: {paths: [a]}\nengine:\n  workers: 0\n  partition_size: 32XB\n  executor: cluster\n')).toEqual([
      `${SRC}:3:3: engine.redis: required when executor is cluster (e.g. 'redis://localhost:6379')`,
      `${SRC}:3:12: engine.workers: expected a positive integer (got 0)`,
      `${SRC}:4:19: engine.partition_size: expected a size such as '32MB', '512KB', '1GiB' or a whole number of bytes (got '32XB')`,
    ]);
    expect(only('input: {paths: [a]}\nengine: {executor: cluster, redis: "http://x"}\n')).toBe(
      `${SRC}:2:36: engine.redis: expected a redis or rediss URL such as 'redis://localhost:6379' (got 'http://x')`,
    );
    expect(only('input: {paths: [a]}\nengine: {executor: yarn}\n')).toBe(`${SRC}:2:20: engine.executor: expected one of local, cluster (got 'yarn')`);
    expect(only('input: {paths: [a]}\nengine: {workers: 2.5}\n')).toBe(`${SRC}:2:19: engine.workers: expected a positive integer (got 2.5)`);
  });

  it('reports every input error', () => {
    expect(
      lines(`input:
  paths: [a.log, '']
  timezone: Mars/Olympus
  follow: yes
  multiline: {start: '(', stop: x}
  csv: {delimiter: ';;', multiline: 1}
  fields: {level: lvl, severity: sev}
  level_from_status: {error: 400, warn: 500}
`),
    ).toEqual([
      `${SRC}:2:18: input.paths[1]: expected a non-empty string`,
      `${SRC}:3:13: input.timezone: expected 'UTC', an offset such as '+02:00' or an IANA time zone such as 'Europe/Paris' (got 'Mars/Olympus')`,
      `${SRC}:4:11: input.follow: expected true or false (got 'yes')`,
      `${SRC}:5:22: input.multiline.start: invalid regular expression: Unterminated group`,
      `${SRC}:5:27: input.multiline.stop: unknown key (expected one of start)`,
      `${SRC}:6:20: input.csv.delimiter: expected one character such as ',', ';' or "\\t" (got ';;')`,
      `${SRC}:6:37: input.csv.multiline: expected true or false (got 1)`,
      `${SRC}:7:24: input.fields.severity: unknown key (expected one of timestamp, level, service, message, ip, endpoint, method, status_code, response_time_ms, bytes)`,
      `${SRC}:8:41: input.level_from_status.warn: must not exceed error (500 > 400)`,
    ]);
    expect(only('input: {paths: [a], multiline: sometimes}\n')).toBe(`${SRC}:1:32: input.multiline: expected true, false or a mapping {start: 'regex'} (got 'sometimes')`);
  });

  it('requires the option of the chosen format and checks names against what it captures', () => {
    expect(only('input: {paths: [a], format: pattern}\n')).toBe(
      `${SRC}:1:8: input.pattern: required when format is pattern, e.g. '<Date> <Time> <Level> <Component>: <Content>'`,
    );
    expect(only('input: {paths: [a], format: regex}\n')).toBe(
      `${SRC}:1:8: input.regex: required when format is regex, e.g. '(?<time>\\S+ \\S+) (?<level>\\w+) (?<message>.*)'`,
    );
    expect(
      lines(`input:
  paths: [a]
  format: pattern
  pattern: '<Date> <Time> <Level> <Content>'
  fields: {level: Level, service: Component}
  timestamp: {from: [Date, Tim], format: '%Y-%m-%d %Q'}
`),
    ).toEqual([
      `${SRC}:5:35: input.fields.service: 'Component' is not captured by the pattern (it captures Date, Time, Level, Content)`,
      `${SRC}:6:28: input.timestamp.from[1]: 'Tim' is not captured by the pattern (it captures Date, Time, Level, Content)`,
      `${SRC}:6:42: input.timestamp.format: unsupported strptime directive '%Q' in '%Y-%m-%d %Q'`,
    ]);
    expect(only("input: {paths: [a], format: regex, regex: '(?<lvl>\\w+) (?<msg>.*)', fields: {level: level}}\n")).toBe(
      `${SRC}:1:85: input.fields.level: 'level' is not captured by the regex (it captures lvl, msg)`,
    );
    expect(only("input: {paths: [a], format: regex, regex: '(\\w+) (.*)'}\n")).toBe(
      `${SRC}:1:43: input.regex: the regex has no named groups: capture fields as (?<name>...)`,
    );
    expect(only("input: {paths: [a], format: regex, regex: '(?<a>x'}\n")).toBe(`${SRC}:1:43: input.regex: invalid regular expression: Unterminated group`);
    expect(only("input: {paths: [a], format: pattern, pattern: 'no fields'}\n")).toBe(
      `${SRC}:1:47: input.pattern: a pattern needs at least one <Name> field, e.g. '<Date> <Time> <Level> <Component>: <Content>'`,
    );
    expect(only("input: {paths: [a], format: pattern, pattern: '<A> <A>'}\n")).toBe(`${SRC}:1:47: input.pattern: field <A> appears twice`);
    expect(only("input: {paths: [a], format: pattern, pattern: '<My Field>'}\n")).toBe(
      `${SRC}:1:47: input.pattern: field <My Field>: names are letters, digits and _ (not starting with a digit)`,
    );
    expect(only('input: {paths: [a], fields: {timestamp: ts}, timestamp: {from: ts}}\n')).toBe(
      `${SRC}:1:41: input.fields.timestamp: set either fields.timestamp or timestamp.from, not both`,
    );
  });

  it('reports levels, analytics and detection errors', () => {
    expect(
      lines(`input: {paths: [a]}
levels: {error: [ERROR, error, LOUD], critical: []}
analytics: {top_n: -1}
detection:
  templates: {similarity: 1.5, new_window: 1 hour}
  zscore: {mode: adaptive, window: 0s}
  isolation_forest: {contamination: 0.6, sample_size: 1, seed: x}
  rules:
    - {name: r, pattern: '[', category: c, level: LOUD}
    - {name: r, pattern: 'x'}
  incidents: {error_rate: {threshold: 0}, cascade: {services: 1}, latency: {factor: 0.5}}
  evidence: {per_minute: -1}
`),
    ).toEqual([
      `${SRC}:2:25: levels.error[1]: duplicate level 'error' (first at [0])`,
      `${SRC}:2:32: levels.error[2]: expected a level, one of TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRITICAL, FATAL, UNKNOWN (got 'LOUD')`,
      `${SRC}:3:20: analytics.top_n: expected a positive integer (got -1)`,
      `${SRC}:5:27: detection.templates.similarity: expected a number greater than 0 and at most 1 (got 1.5)`,
      `${SRC}:5:44: detection.templates.new_window: expected a duration such as '500ms', '5s', '10m', '1h' or '1d' (got '1 hour')`,
      `${SRC}:6:18: detection.zscore.mode: expected one of global, rolling, robust (got 'adaptive')`,
      `${SRC}:6:36: detection.zscore.window: expected a duration longer than zero (got '0s')`,
      `${SRC}:7:37: detection.isolation_forest.contamination: expected a number greater than 0 and at most 0.5 (got 0.6)`,
      `${SRC}:7:55: detection.isolation_forest.sample_size: expected an integer of at least 2 (got 1)`,
      `${SRC}:7:64: detection.isolation_forest.seed: expected an integer (got 'x')`,
      `${SRC}:9:26: detection.rules[0].pattern: invalid regular expression: Unterminated character class`,
      `${SRC}:9:51: detection.rules[0].level: expected a level, one of TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRITICAL, FATAL, UNKNOWN (got 'LOUD')`,
      `${SRC}:10:7: detection.rules[1]: duplicate rule name 'r' (first at [0])`,
      `${SRC}:10:7: detection.rules[1].category: required`,
      `${SRC}:11:39: detection.incidents.error_rate.threshold: expected a number greater than 0 and at most 1 (got 0)`,
      `${SRC}:11:63: detection.incidents.cascade.services: expected an integer of at least 2 (got 1)`,
      `${SRC}:11:85: detection.incidents.latency.factor: expected a number of at least 1 (got 0.5)`,
      `${SRC}:12:26: detection.evidence.per_minute: expected a non-negative integer (got -1)`,
    ]);
  });

  it('reports alerts, output and dashboard errors', () => {
    expect(
      lines(`input: {paths: [a]}
alerts:
  cooldown: forever
  rate_limit: 0
  rules: {error_rate: 10, error_count: -5}
  channels:
    console: 1
    file: alerts.log
    webhook:
      - {url: 'ftp://x', shape: teams, headers: {X-Token: 3}}
output: {formats: [csv, xlsx], refresh: 0ms, anomaly_report_limit: 1.5}
dashboard: {port: 70000, host: ''}
`),
    ).toEqual([
      `${SRC}:3:13: alerts.cooldown: expected a duration such as '500ms', '5s', '10m', '1h' or '1d' (got 'forever')`,
      `${SRC}:4:15: alerts.rate_limit: expected a positive integer (got 0)`,
      `${SRC}:5:23: alerts.rules.error_rate: expected a number from 0 to 1 (got 10)`,
      `${SRC}:5:40: alerts.rules.error_count: expected a non-negative integer (got -5)`,
      `${SRC}:7:14: alerts.channels.console: expected true or false (got 1)`,
      `${SRC}:8:11: alerts.channels.file: expected true, false or a mapping {path: 'alerts.log'} (got 'alerts.log')`,
      `${SRC}:10:15: alerts.channels.webhook[0].url: expected a http or https URL such as 'https://hooks.example.com/alerts' (got 'ftp://x')`,
      `${SRC}:10:33: alerts.channels.webhook[0].shape: expected one of json, slack (got 'teams')`,
      `${SRC}:10:59: alerts.channels.webhook[0].headers.X-Token: expected a string (got 3)`,
      `${SRC}:11:25: output.formats[1]: expected one of csv, json, arrow (got 'xlsx')`,
      `${SRC}:11:41: output.refresh: expected a duration longer than zero (got '0ms')`,
      `${SRC}:11:68: output.anomaly_report_limit: expected a non-negative integer (got 1.5)`,
      `${SRC}:12:19: dashboard.port: expected a port number from 1 to 65535 (got 70000)`,
      `${SRC}:12:32: dashboard.host: expected a non-empty string`,
    ]);
  });

  it('never echoes a URL beyond its scheme and host, and refuses a webhook URL with user:password', () => {
    const hook = (u: string): string => `input: {paths: [a]}\nalerts:\n  channels:\n    webhook:\n      - url: ${u}\n`;
    expect(only(hook('ftp://127.0.0.1/hooks/SECRETPATHTOKEN?k=QSECRET'))).toBe(
      `${SRC}:5:14: alerts.channels.webhook[0].url: expected a http or https URL such as 'https://hooks.example.com/alerts' (got 'ftp://127.0.0.1/…')`,
    );
    expect(only(hook("'https://qauser:UrlPassw0rd@hooks.example.com/T0/SECRET'"))).toBe(
      `${SRC}:5:14: alerts.channels.webhook[0].url: a user or password in the URL is not accepted (got 'https://hooks.example.com/…'): `
      + 'send credentials in a header, e.g. headers_env: {Authorization: WEBHOOK_AUTH}',
    );
    expect(only(hook("'not a url SECRET'"))).toMatch(/\(got a string that is not a URL\)$/);
    expect(only(`input: {paths: [a]}\nengine: {redis: 'http://u:REDISPW@cache:6379/0'}\n`)).toBe(
      `${SRC}:2:17: engine.redis: expected a redis or rediss URL such as 'redis://localhost:6379' (got 'http://cache:6379/…')`,
    );
    // amqp and redis URLs may carry credentials (their clients send them)
    expect(() => parseConfig(`input: {paths: [a]}\nengine: {redis: 'redis://u:pw@cache:6379'}\n`, SRC, { cwd: CWD })).not.toThrow();
  });

  it('takes a webhook URL and header values from environment variables: exactly one of url and url_env', () => {
    const hook = (body: string): string => `input: {paths: [a]}\nalerts:\n  channels:\n    webhook:\n      - ${body}\n`;
    const c = parseConfig(hook('{url_env: SLACK_WEBHOOK_URL, shape: slack, headers: {X-Env: prod}, headers_env: {X-Api-Key: HOOK_KEY}}'), SRC, { cwd: CWD });
    expect(c.alerts.channels.webhook).toEqual([{ url_env: 'SLACK_WEBHOOK_URL', shape: 'slack', headers: { 'X-Env': 'prod' }, headers_env: { 'X-Api-Key': 'HOOK_KEY' } }]);
    const both = 'set exactly one of url (the URL) and url_env (the environment variable holding it, for a URL that carries a token)';
    expect(only(hook('{url: "https://h.example/x", url_env: HOOK}'))).toBe(`${SRC}:5:9: alerts.channels.webhook[0]: ${both}`);
    expect(only(hook('{shape: slack}'))).toBe(`${SRC}:5:9: alerts.channels.webhook[0]: ${both}`);
    expect(lines(hook('{url_env: 1X, headers: {x-api-key: a}, headers_env: {X-Api-Key: KEY, X-B: "b-c"}}'))).toEqual([
      `${SRC}:5:19: alerts.channels.webhook[0].url_env: expected an environment variable name such as SMTP_PASSWORD (got '1X')`,
      `${SRC}:5:73: alerts.channels.webhook[0].headers_env.X-Api-Key: header 'X-Api-Key' is also set in headers: set it in one of them`,
      `${SRC}:5:83: alerts.channels.webhook[0].headers_env.X-B: expected an environment variable name such as SMTP_PASSWORD (got 'b-c')`,
    ]);
  });

  it('refuses a password in the config and names the environment variable instead', () => {
    const email = (extra: string): string =>
      `input: {paths: [a]}\nalerts:\n  channels:\n    email:\n      host: smtp.example.com\n      from: a@example.com\n      to: ops@example.com\n${extra}`;
    expect(only(email('      password: hunter2\n'))).toBe(
      `${SRC}:8:7: alerts.channels.email.password: never put a password in the config: set it in the environment variable named by password_env ('SMTP_PASSWORD')`,
    );
    expect(only(email('      password_env: MAIL_PW\n      smtp_password: hunter2\n'))).toBe(
      `${SRC}:9:7: alerts.channels.email.smtp_password: never put a password in the config: set it in the environment variable named by password_env ('MAIL_PW')`,
    );
    expect(lines(email('      port: 0\n      cc: x\n      user_env: 1X\n'))).toEqual([
      `${SRC}:8:13: alerts.channels.email.port: expected a port number from 1 to 65535 (got 0)`,
      `${SRC}:9:7: alerts.channels.email.cc: unknown key (expected one of host, port, secure, from, to, user_env, password_env, subject_prefix)`,
      `${SRC}:10:17: alerts.channels.email.user_env: expected an environment variable name such as SMTP_PASSWORD (got '1X')`,
    ]);
    expect(only(email('').replace('to: ops@example.com', 'to: [ops@example.com, not-an-address]'))).toBe(
      `${SRC}:7:29: alerts.channels.email.to[1]: expected an e-mail address such as 'ops@example.com' (got 'not-an-address')`,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(only('input:\n  paths: [a\nb: 1\n')).toBe(`${SRC}:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`);
    expect(only('input: {paths: [a]}\n\tfoo: 1\n')).toBe(`${SRC}:2:1: invalid YAML: Tabs are not allowed as indentation`);
    expect(only('input: {paths: [a]}\ninput: {paths: [b]}\n')).toBe(`${SRC}:2:1: invalid YAML: Map keys must be unique`);
    expect(only('input: {paths: *missing}\n')).toBe(`${SRC}: invalid YAML: Unresolved alias (the anchor must be set before the alias): missing`);
  });

  it('lists every problem in one error, flags first then by position', () => {
    const e = fail('input: {paths: [a], format: txt}\ndashboard: {port: 0}\n', { workers: 'many' });
    expect(e.message).toBe(
      [
        `3 errors in ${SRC}:`,
        `  --workers: expected a positive integer (got 'many')`,
        `  ${SRC}:1:29: input.format: expected one of text, csv, jsonl, access, pattern, regex (got 'txt')`,
        `  ${SRC}:2:19: dashboard.port: expected a port number from 1 to 65535 (got 0)`,
      ].join('\n'),
    );
    expect(e.issues[0]).toEqual({ path: 'engine.workers', line: 0, column: 0, flag: '--workers', message: "expected a positive integer (got 'many')" });
  });
});

describe('CLI overrides', () => {
  const base = 'input:\n  paths: [data/sample.log]\n  format: text\nengine:\n  workers: 2\noutput:\n  dir: out\n';

  it('replace the config values before validation', () => {
    const c = parseConfig(base, SRC, {
      cwd: CWD,
      overrides: { input: ['logs/*.log', '/var/log/app.log'], format: 'csv', out: 'reports', workers: '8', partitionSize: '4MB', follow: true },
    });
    expect(c.input.paths).toEqual(['/repo/logs/*.log', '/var/log/app.log']);
    expect(c.input.format).toBe('csv');
    expect(c.input.follow).toBe(true);
    expect(c.engine.workers).toBe(8);
    expect(c.engine.partition_size).toBe(4 * 1024 * 1024);
    expect(c.output.dir).toBe('/repo/reports');
    expect(c.alerts.channels.file).toEqual({ path: '/repo/reports/alerts.log' });
  });

  it('do not hide a bad value the file holds for the key they set', () => {
    const bad = 'input:\n  paths: [data/sample.log]\nengine:\n  workers: two\noutput:\n  dir: 5\n';
    expect(lines(bad, { workers: 1, out: 'reports' })).toEqual([
      `${SRC}:4:12: engine.workers: expected a positive integer (got 'two') (a command-line flag overrides this key, but the file's value must be valid too)`,
      `${SRC}:6:8: output.dir: expected a string (got 5) (a command-line flag overrides this key, but the file's value must be valid too)`,
    ]);
    // a key the file leaves out, or a good value, is simply replaced
    expect(parseConfig('input:\n  paths: [a.log]\n', SRC, { cwd: CWD, overrides: { workers: 1 } }).engine.workers).toBe(1);
  });

  it('supply a section the file lacks', () => {
    const c = parseConfig('', SRC, { cwd: CWD, overrides: { input: ['a.log'], workers: 3 } });
    expect(c.input.paths).toEqual(['/repo/a.log']);
    expect(c.engine.workers).toBe(3);
  });

  it('report their errors by flag name', () => {
    expect(lines(base, { workers: '0', partitionSize: 'huge', format: 'xml', input: [], out: '' })).toEqual([
      '--workers: expected a positive integer (got 0)',
      "--partition-size: expected a size such as '32MB', '512KB', '1GiB' or a whole number of bytes (got 'huge')",
      '--input: expected at least 1 path',
      "--format: expected one of text, csv, jsonl, access, pattern, regex (got 'xml')",
      '--out: expected a non-empty string',
    ]);
    expect(only(base, { workers: '-2' })).toBe('--workers: expected a positive integer (got -2)');
    expect(only(base, { format: 'pattern' })).toBe(
      `${SRC}:2:3: input.pattern: required when format is pattern, e.g. '<Date> <Time> <Level> <Component>: <Content>'`,
    );
  });
});

describe('paths', () => {
  it('resolve against the working directory; globs keep their syntax', () => {
    expect(resolveInputPath('data/sample.log', '/repo')).toBe('/repo/data/sample.log');
    expect(resolveInputPath('../shared/data/x.log', '/repo')).toBe('/shared/data/x.log');
    expect(resolveInputPath('logs/**/*.log', '/repo')).toBe('/repo/logs/**/*.log');
    expect(resolveInputPath('logs/*.log', '/my (dir)')).toBe('/my \\(dir\\)/logs/*.log');
    expect(resolveInputPath('/abs/*.log', '/repo')).toBe('/abs/*.log');
    const c = parseConfig('input: {paths: [a], checkpoint: state/ck.json}\nalerts: {channels: {file: {path: logs/alerts.log}}}\n', SRC, { cwd: CWD });
    expect(c.input.checkpoint).toBe('/repo/state/ck.json');
    expect(c.alerts.channels.file).toEqual({ path: '/repo/logs/alerts.log' });
  });

  it('loadConfig reads a file relative to the working directory and names it in errors', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'logframe-config-'));
    const file = path.join(dir, 'job.yaml');
    writeFileSync(file, 'input:\n  paths: [x.log]\n');
    expect(loadConfig(file).input.paths).toEqual([path.resolve('x.log')]);
    expect(loadConfig(file, { input: ['y.log'] }).input.paths).toEqual([path.resolve('y.log')]);
    writeFileSync(file, 'input:\n  paths: [x.log]\n  format: 3\n');
    expect(() => loadConfig(file)).toThrow(`${file}:3:11: input.format: expected one of text, csv, jsonl, access, pattern, regex (got 3)`);
    expect(() => loadConfig(path.join(dir, 'missing.yaml'))).toThrow(`${path.join(dir, 'missing.yaml')}: cannot read the config file: no such file`);
  });
});

describe('a full config', () => {
  it('round-trips every key into the typed Config', () => {
    const text = `
engine: {workers: 3, partition_size: 1GiB, executor: cluster, redis: 'redis://queue:6379'}
input:
  paths: [../logs/*.log, app.log]
  format: pattern
  timezone: Europe/Paris
  follow: true
  checkpoint: out/ck.json
  multiline: {start: '^\\d{4}-'}
  csv: {delimiter: "\\t", multiline: true}
  pattern: '<Date> <Time> <Level> <Component>: <Content>'
  fields: {level: Level, service: Component, message: Content}
  timestamp: {from: [Date, Time], format: '%y/%m/%d %H:%M:%S'}
  level_from_status: {error: 501, warn: 401}
levels: {error: [WARN, ERROR], critical: FATAL}
analytics:
  top_n: 5
  custom:
    - {name: by_service, where: {field: service, ne: auth}, group_by: service, metrics: [count, errors]}
detection:
  templates: {enabled: false, similarity: 0.7, depth: 5, new_window: 30m}
  zscore: {enabled: false, threshold: 2.5, per_service: false, mode: rolling, window: 2h}
  isolation_forest: {enabled: false, trees: 50, sample_size: 128, contamination: 0.1, seed: 7}
  rules: [{name: oops, pattern: oops, ignore_case: false, level: error, category: custom}]
  incidents:
    error_rate: {threshold: 0.5, window: 15m, min_events: 10}
    latency: {factor: 3}
    cascade: {services: 4, window: 2m}
  evidence: {per_minute: 0}
  correlations: {enabled: false, window: 2m, min_support: 4, min_lift: 1.5, max_p_value: 0.05}
  enabled: false
alerts:
  cooldown: 0s
  rate_limit: 5
  window: 5m
  fast_window: 2s
  rules: {error_rate: 0.2, error_count: 50, critical_count: 1}
  channels:
    console: false
    file: {path: /var/log/logframe-alerts.log}
    email: {host: smtp.example.com, port: 465, secure: true, from: 'Logframe <lf@example.com>', to: [a@example.com, b@example.com], user_env: MAIL_USER, password_env: MAIL_PASSWORD, subject_prefix: '[prod]'}
    webhook: [{url: 'https://hooks.slack.com/services/T/B/X', shape: slack, headers: {X-Env: prod}}]
output: {dir: /tmp/reports, formats: [json], parsed: true, refresh: 500ms, anomaly_report_limit: 10}
dashboard: {enabled: true, host: 0.0.0.0, port: 9000}
`;
    const expected: Config = {
      engine: { workers: 3, partition_size: 1024 ** 3, executor: 'cluster', redis: 'redis://queue:6379' },
      input: {
        paths: ['/logs/*.log', '/repo/app.log'],
        format: 'pattern',
        timezone: 'Europe/Paris',
        follow: true,
        checkpoint: '/repo/out/ck.json',
        multiline: { start: '^\\d{4}-' },
        csv: { delimiter: '\t', multiline: true },
        pattern: '<Date> <Time> <Level> <Component>: <Content>',
        fields: { level: 'Level', service: 'Component', message: 'Content' },
        timestamp: { from: ['Date', 'Time'], format: '%y/%m/%d %H:%M:%S' },
        level_from_status: { error: 501, warn: 401 },
      },
      levels: { error: ['WARN', 'ERROR'], critical: ['FATAL'] },
      analytics: {
        top_n: 5,
        custom: [
          {
            name: 'by_service',
            where: { op: 'ne', field: 'service', value: 'auth' },
            group_by: ['service'],
            metrics: [
              { op: 'count', column: 'count' },
              { op: 'errors', column: 'errors' },
            ],
          },
        ],
      },
      detection: {
        enabled: false,
        templates: { enabled: false, similarity: 0.7, depth: 5, new_window: 1_800_000 },
        zscore: { enabled: false, threshold: 2.5, per_service: false, mode: 'rolling', window: 7_200_000 },
        isolation_forest: { enabled: false, trees: 50, sample_size: 128, contamination: 0.1, seed: 7 },
        lines: { enabled: true, trees: 100, sample_size: 256, training_lines: 4096, contamination: 0.01, seed: 42, context_share: 0.05, slow_ms: 1000 },
        rules: [{ name: 'oops', pattern: 'oops', ignore_case: false, level: 'ERROR', category: 'custom' }],
        incidents: {
          error_rate: { threshold: 0.5, window: 900_000, min_events: 10 },
          latency: { factor: 3 },
          cascade: { services: 4, window: 120_000 },
        },
        evidence: { per_minute: 0 },
        correlations: { enabled: false, window: 120_000, min_support: 4, min_lift: 1.5, max_p_value: 0.05 },
      },
      alerts: {
        cooldown: 0,
        rate_limit: 5,
        window: 300_000,
        fast_window: 2_000,
        rules: { error_rate: 0.2, error_count: 50, critical_count: 1 },
        channels: {
          console: false,
          file: { path: '/var/log/logframe-alerts.log' },
          email: {
            host: 'smtp.example.com',
            port: 465,
            secure: true,
            from: 'Logframe <lf@example.com>',
            to: ['a@example.com', 'b@example.com'],
            user_env: 'MAIL_USER',
            password_env: 'MAIL_PASSWORD',
            subject_prefix: '[prod]',
          },
          webhook: [{ url: 'https://hooks.slack.com/services/T/B/X', shape: 'slack', headers: { 'X-Env': 'prod' } }],
        },
      },
      output: { dir: '/tmp/reports', formats: ['json'], parsed: true, refresh: 500, anomaly_report_limit: 10 },
      dashboard: { enabled: true, host: '0.0.0.0', port: 9000 },
    };
    expect(parseConfig(text, SRC, { cwd: CWD })).toEqual(expected);
  });
});
