import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { parseConfig } from './load.js';
import { parseMetric } from './metric.js';
import { DEFAULT_RULES } from './rules.js';
import type { Config } from './types.js';

const CWD = '/repo';
const parse = (text: string): Config => parseConfig(text, 'c.yaml', { cwd: CWD });
/** The formatted error lines of an invalid config. */
function errors(text: string): string[] {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected the config to be invalid');
}

describe('defaults', () => {
  it('fills every section from a config with only input.paths', () => {
    const c = parse('input:\n  paths: data/sample.log\n');
    const expected: Config = {
      engine: { workers: os.availableParallelism(), partition_size: 32 * 1024 * 1024, executor: 'local' },
      input: {
        paths: ['/repo/data/sample.log'],
        format: 'text',
        timezone: 'UTC',
        follow: false,
        multiline: false,
        csv: { delimiter: ',', multiline: false },
        fields: {},
        level_from_status: { error: 500, warn: 400 },
      },
      levels: { error: ['ERROR', 'CRITICAL', 'FATAL'], critical: ['CRITICAL', 'FATAL'] },
      analytics: { top_n: 20, custom: [] },
      detection: {
        enabled: true,
        templates: { enabled: true, similarity: 0.5, depth: 4, new_window: 3_600_000 },
        zscore: { enabled: true, threshold: 3, per_service: true, mode: 'rolling', window: 3_600_000 },
        isolation_forest: { enabled: true, trees: 100, sample_size: 256, contamination: 0.02, seed: 42 },
        lines: { enabled: true, trees: 100, sample_size: 256, training_lines: 4096, contamination: 0.01, seed: 42, context_share: 0.05, slow_ms: 1000 },
        rules: DEFAULT_RULES.map((r) => ({ ...r, level: r.level as never, ignore_case: true })),
        incidents: {
          error_rate: { threshold: 0.3, window: 600_000, min_events: 20 },
          latency: { factor: 2 },
          cascade: { services: 3, window: 300_000 },
        },
        evidence: { per_minute: 5 },
        correlations: { enabled: true, window: 0, min_support: 3, min_lift: 2, max_p_value: 0.01 },
      },
      alerts: {
        cooldown: 600_000,
        rate_limit: 20,
        window: 60_000,
        fast_window: 1_000,
        rules: { error_rate: 0.1, error_count: 100, critical_count: 5 },
        channels: { console: true, file: { path: '/repo/out/alerts.log' }, webhook: [] },
      },
      output: { dir: '/repo/out', formats: ['csv', 'json', 'arrow'], parsed: false, refresh: 5_000, anomaly_report_limit: 1000 },
      dashboard: { enabled: false, host: '127.0.0.1', port: 8501 },
    };
    expect(c).toEqual(expected);
  });

  it('treats a key with no value as unset', () => {
    const c = parse('engine:\ninput:\n  paths: [a.log]\n  timezone:\n  checkpoint:\ndashboard:\n');
    expect(c.engine.partition_size).toBe(32 * 1024 * 1024);
    expect(c.input.timezone).toBe('UTC');
    expect(c.input.checkpoint).toBeUndefined();
    expect(c.dashboard.port).toBe(8501);
  });

  it('ships default rules that compile case-insensitively and match their failures', () => {
    const rules = parse('input: {paths: [a]}').detection.rules.map((r) => ({ name: r.name, re: new RegExp(r.pattern, r.ignore_case ? 'i' : '') }));
    const hit = (msg: string): string[] => rules.filter((r) => r.re.test(msg)).map((r) => r.name);
    expect(hit('Database connection failed: connection refused')).toEqual(['database_connection_failure']);
    expect(hit('could not connect to postgres at db-1:5432')).toEqual(['database_connection_failure']);
    expect(hit('ERROR 1040: Too many connections')).toEqual(['database_connection_failure']);
    expect(hit('Authentication failed for user bob')).toEqual(['authentication_failure']);
    expect(hit('Failed password for invalid user admin from 1.2.3.4 port 22 ssh2')).toEqual(['authentication_failure']);
    expect(hit('java.lang.OutOfMemoryError: Java heap space')).toEqual(['out_of_memory']);
    expect(hit('Out of memory: Killed process 1234 (java)')).toEqual(['out_of_memory']);
    expect(hit('write failed: No space left on device')).toEqual(['disk_full']);
    expect(hit('accept: Too many open files')).toEqual(['too_many_open_files']);
    expect(hit('Slow query detected: SELECT * FROM orders (2300 ms)')).toEqual(['slow_query']);
    expect(hit('query took 2300ms')).toEqual(['slow_query']);
    expect(hit('Request timed out after 30s')).toEqual(['timeout']);
    expect(hit('upstream timeout while reading response header')).toEqual(['timeout']);
    expect(hit('User logged in from 10.0.0.1')).toEqual([]);
    expect(hit('PacketResponder 1 for block blk_38865049064139660 terminating')).toEqual([]);
  });
});

describe('values', () => {
  it('reads sizes in every unit, any case, as bytes', () => {
    const size = (v: string): number => parse(`engine: {partition_size: ${v}}\ninput: {paths: [a]}`).engine.partition_size;
    expect(size('512KB')).toBe(512 * 1024);
    expect(size('512kib')).toBe(512 * 1024);
    expect(size('32MB')).toBe(32 * 1024 * 1024);
    expect(size('32MiB')).toBe(32 * 1024 * 1024);
    expect(size('1GiB')).toBe(1024 ** 3);
    expect(size('2gb')).toBe(2 * 1024 ** 3);
    expect(size('100B')).toBe(100);
    expect(size('65536')).toBe(65536);
  });

  it('normalises lists written as one item, level case and the multiline and file shorthands', () => {
    const c = parse(
      [
        'input: {paths: a.log, multiline: true, timestamp: {from: ts}}',
        'levels: {error: error, critical: [fatal]}',
        'alerts: {channels: {file: false, webhook: {url: "https://h.example/x"}}}',
        'output: {formats: csv}',
      ].join('\n'),
    );
    expect(c.input.paths).toEqual(['/repo/a.log']);
    expect(c.input.multiline).toEqual({});
    expect(c.input.timestamp).toEqual({ from: ['ts'] });
    expect(c.levels).toEqual({ error: ['ERROR'], critical: ['FATAL'] });
    expect(c.alerts.channels.file).toBe(false);
    expect(c.alerts.channels.webhook).toEqual([{ url: 'https://h.example/x', shape: 'json', headers: {} }]);
    expect(c.output.formats).toEqual(['csv']);
  });

  it('accepts UTC, fixed offsets and IANA zones', () => {
    for (const tz of ['UTC', '+02:00', '-05:30', 'Europe/Paris', 'America/New_York']) {
      expect(parse(`input: {paths: [a], timezone: '${tz}'}`).input.timezone).toBe(tz);
    }
  });
});

describe('custom aggregations', () => {
  it('parses conditions into tagged data, metrics into {op, field, q}', () => {
    const c = parse(`
input: {paths: [a]}
analytics:
  custom:
    - name: slow
      where:
        all:
          - {field: response_time_ms, gt: 1000}
          - {field: level, in: [warn, Error]}
          - {not: {field: message, matches: 'health ?check', ignore_case: true}}
          - {any: [{field: ip, eq: null}, {field: timestamp, gte: '2025-01-10 05:00:00'}]}
      group_by: [service, hour]
      metrics: [count, errors, sum:bytes, mean:response_time_ms, min:timestamp, distinct:ip, p95:response_time_ms, p99.9:response_time_ms]
    - name: everything
`);
    const [slow, all] = c.analytics.custom;
    expect(slow).toEqual({
      name: 'slow',
      where: {
        op: 'all',
        conditions: [
          { op: 'gt', field: 'response_time_ms', value: 1000 },
          { op: 'in', field: 'level', values: ['WARN', 'ERROR'] },
          { op: 'not', condition: { op: 'matches', field: 'message', pattern: 'health ?check', flags: 'i' } },
          {
            op: 'any',
            conditions: [
              { op: 'eq', field: 'ip', value: null },
              { op: 'gte', field: 'timestamp', value: Date.UTC(2025, 0, 10, 5) },
            ],
          },
        ],
      },
      group_by: ['service', 'hour'],
      metrics: [
        { op: 'count', column: 'count' },
        { op: 'errors', column: 'errors' },
        { op: 'sum', field: 'bytes', column: 'sum_bytes' },
        { op: 'mean', field: 'response_time_ms', column: 'mean_response_time_ms' },
        { op: 'min', field: 'timestamp', column: 'min_timestamp' },
        { op: 'distinct', field: 'ip', column: 'distinct_ip' },
        { op: 'quantile', field: 'response_time_ms', q: 0.95, column: 'p95_response_time_ms' },
        { op: 'quantile', field: 'response_time_ms', q: 0.999, column: 'p99_9_response_time_ms' },
      ],
    });
    expect(all).toEqual({ name: 'everything', group_by: [], metrics: [{ op: 'count', column: 'count' }] });
  });

  it('parses quantiles from p0 to p100', () => {
    expect(parseMetric('p50:bytes')).toEqual({ op: 'quantile', field: 'bytes', q: 0.5, column: 'p50_bytes' });
    expect(parseMetric('p0:bytes')).toMatchObject({ q: 0 });
    expect(parseMetric('p100:bytes')).toMatchObject({ q: 1 });
  });

  it('reports every bad metric, group key and name', () => {
    expect(
      errors(`input: {paths: [a]}
analytics:
  custom:
    - name: 1st
      group_by: [service, week, service]
      metrics: [count, avg:bytes, p95:latency, sum:service, p101:bytes, distinct, count]
    - name: top_errors
    - name: ok
    - name: ok
`),
    ).toEqual([
      "4:13: analytics.custom[0].name: expected an identifier (letters, digits and _, not starting with a digit) (got '1st')",
      '5:27: analytics.custom[0].group_by[1]: expected one of timestamp, level, service, message, ip, endpoint, method, status_code, response_time_ms, bytes, file, minute, hour, day (got \'week\')',
      "5:33: analytics.custom[0].group_by[2]: duplicate group key 'service' (first at [0])",
      "6:24: analytics.custom[0].metrics[1]: unknown metric 'avg:bytes': expected count, errors, sum:FIELD, mean:FIELD, min:FIELD, max:FIELD, distinct:FIELD or pNN:FIELD (e.g. p95:response_time_ms); did you mean 'mean:bytes'?",
      "6:35: analytics.custom[0].metrics[2]: unknown field 'latency' in metric 'p95:latency': expected one of timestamp, level, service, message, ip, endpoint, method, status_code, response_time_ms, bytes, file",
      "6:48: analytics.custom[0].metrics[3]: metric 'sum:service' needs a numeric field, one of status_code, response_time_ms, bytes (got 'service')",
      "6:61: analytics.custom[0].metrics[4]: quantile 'p101' must be between p0 and p100",
      "6:73: analytics.custom[0].metrics[5]: metric 'distinct' needs a field: distinct:FIELD",
      "6:83: analytics.custom[0].metrics[6]: duplicate metric 'count' (first at [0])",
      "7:13: analytics.custom[1].name: 'top_errors' is a standard report table: choose another name",
      "9:7: analytics.custom[3]: duplicate name 'ok' (first at [2])",
    ]);
  });

  it('reports malformed conditions with their path', () => {
    expect(
      errors(`input: {paths: [a]}
analytics:
  custom:
    - name: c
      where:
        any:
          - {field: service}
          - {eq: 3}
          - {field: status_code, eq: 500, gt: 400}
          - {field: service, gt: 3}
          - {field: status_code, matches: '5..'}
          - {field: status_code, in: ['500']}
          - {field: level, eq: LOUD}
          - {field: timestamp, lt: yesterday}
          - {all: [], not: {field: ip, eq: x}}
          - {field: message, eq: x, ignore_case: true}
          - {}
          - {feild: ip, eq: x}
`),
    ).toEqual([
      '7:13: analytics.custom[0].where.any[0]: missing operator: one of eq, ne, gt, gte, lt, lte, in, matches',
      '8:13: analytics.custom[0].where.any[1].field: required with eq',
      '9:13: analytics.custom[0].where.any[2]: one operator per condition (got eq and gt); combine conditions with all: [...]',
      "10:21: analytics.custom[0].where.any[3].field: gt needs a numeric field, one of status_code, response_time_ms, bytes, timestamp (got 'service')",
      "11:21: analytics.custom[0].where.any[4].field: matches needs a text field, one of level, service, message, ip, endpoint, method, file (got 'status_code')",
      "12:39: analytics.custom[0].where.any[5].in[0]: expected a number for status_code (got '500')",
      "13:32: analytics.custom[0].where.any[6].eq: expected a level, one of TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRITICAL, FATAL, UNKNOWN (got 'LOUD')",
      "14:36: analytics.custom[0].where.any[7].lt: expected a time such as '2025-01-10T05:00:00Z' or ms since epoch for timestamp (got 'yesterday')",
      '15:13: analytics.custom[0].where.any[8]: a condition is one of {field, eq|ne|gt|gte|lt|lte|in|matches} or {all|any|not} (got all, not); nest conditions with all/any',
      '15:19: analytics.custom[0].where.any[8].all: expected at least 1 condition',
      '16:50: analytics.custom[0].where.any[9].ignore_case: only applies with matches',
      '17:13: analytics.custom[0].where.any[10]: expected a condition: {field, eq|ne|gt|gte|lt|lte|in|matches} or {all|any|not}',
      '18:13: analytics.custom[0].where.any[11].field: required with eq',
      "18:14: analytics.custom[0].where.any[11].feild: unknown key (did you mean 'field'?)",
    ]);
  });
});
