/**
 * Line formatters for the four output formats (shapes documented in README-formats.md).
 * This is the writer's hot path: timestamps are built from a per-minute prefix plus padded
 * seconds and milliseconds from lookup tables, never through Date per line.
 */
import { Rng, WeightedTable } from './rng.js';
import { REFERERS, USER_AGENTS, USER_AGENT_WEIGHTS } from './catalog.js';
import type { GenRecord } from './model.js';

/** The line shapes the generator writes. */
export const OUTPUT_FORMATS = ['text', 'csv', 'jsonl', 'access'] as const;
/** One of the output format names. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Turns records into lines (without the newline); `header` is the first line when the format has one. */
export interface LineFormatter {
  readonly header: string | null;
  line(rec: GenRecord): string;
}

/** The CSV header, fixed by the output contract. */
export const CSV_HEADER = 'timestamp,log_level,service,message,ip,endpoint,method,status_code,response_time_ms,bytes';

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Caches the formatted "date and HH:MM" part of the current minute. */
class MinutePrefix {
  private key = Number.NaN;
  private prefix = '';
  constructor(private readonly build: (d: Date) => string) {}
  get(t: number): string {
    const m = Math.floor(t / 60_000);
    if (m !== this.key) {
      this.key = m;
      this.prefix = this.build(new Date(m * 60_000));
    }
    return this.prefix;
  }
}
const ymd = (d: Date): string => `${d.getUTCFullYear()}-${PAD2[d.getUTCMonth() + 1]}-${PAD2[d.getUTCDate()]}`;
const hm = (d: Date): string => `${PAD2[d.getUTCHours()]}:${PAD2[d.getUTCMinutes()]}:`;
// Seconds and milliseconds within the minute; t may be negative before 1970, so take a true modulo.
const msInMinute = (t: number): number => ((t % 60_000) + 60_000) % 60_000;

/** A formatter for `format`; `seed` drives the access-log fields the record does not carry (referer, agent). */
export function makeFormatter(format: OutputFormat, seed = 42): LineFormatter {
  switch (format) {
    case 'text': {
      const p = new MinutePrefix((d) => `${ymd(d)} ${hm(d)}`);
      return {
        header: null,
        line: (r) => {
          const x = msInMinute(r.timestamp);
          return `${p.get(r.timestamp)}${PAD2[Math.floor(x / 1000)]},${PAD3[x % 1000]} ${r.level} ${r.service} ${r.message} ip=${r.ip} endpoint=${r.endpoint} method=${r.method} status=${r.status_code} rt=${r.response_time_ms}ms bytes=${r.bytes}`;
        },
      };
    }
    case 'csv': {
      const p = new MinutePrefix((d) => `${ymd(d)} ${hm(d)}`);
      return {
        header: CSV_HEADER,
        line: (r) => {
          const x = msInMinute(r.timestamp);
          return `${p.get(r.timestamp)}${PAD2[Math.floor(x / 1000)]}.${PAD3[x % 1000]},${r.level},${r.service},${csvCell(r.message)},${r.ip},${csvCell(r.endpoint)},${r.method},${r.status_code},${r.response_time_ms},${r.bytes}`;
        },
      };
    }
    case 'jsonl': {
      const p = new MinutePrefix((d) => `${ymd(d)}T${hm(d)}`);
      return {
        header: null,
        line: (r) => {
          const x = msInMinute(r.timestamp);
          return `{"timestamp":"${p.get(r.timestamp)}${PAD2[Math.floor(x / 1000)]}.${PAD3[x % 1000]}Z","level":"${r.level}","service":"${r.service}","message":${JSON.stringify(r.message)},"ip":"${r.ip}","endpoint":${JSON.stringify(r.endpoint)},"method":"${r.method}","status_code":${r.status_code},"response_time_ms":${r.response_time_ms},"bytes":${r.bytes}}`;
        },
      };
    }
    case 'access': {
      const p = new MinutePrefix((d) => `${PAD2[d.getUTCDate()]}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hm(d)}`);
      const rng = new Rng(seed, 0xacce55);
      const agents = new WeightedTable(USER_AGENTS, USER_AGENT_WEIGHTS);
      return {
        header: null,
        line: (r) => {
          const x = msInMinute(r.timestamp);
          const proto = rng.chance(0.2) ? 'HTTP/2.0' : 'HTTP/1.1';
          // %b writes '-' for an empty body; %D is the latency in microseconds.
          return `${r.ip} - - [${p.get(r.timestamp)}${PAD2[Math.floor(x / 1000)]} +0000] "${r.method} ${r.endpoint} ${proto}" ${r.status_code} ${r.bytes === 0 ? '-' : r.bytes} "${rng.pick(REFERERS)}" "${agents.draw(rng)}" ${Math.round(r.response_time_ms * 1000)}`;
        },
      };
    }
  }
}

const NEEDS_QUOTES = /[",\r\n]/;
/** RFC 4180 cell: quoted (inner quotes doubled) only when it holds a comma, quote or line break. */
export function csvCell(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
