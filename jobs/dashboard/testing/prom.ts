/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a HELP, TYPE, comment or sample line; names, labels, escapes and values are checked; a metric's
 * TYPE comes once and before its samples; no sample repeats.
 */

/** One sample: metric name, labels and value. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition. */
export interface PromText {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parse `text`; throws with the line number on the first violation. */
export function parseProm(text: string): PromText {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: PromSample[] = [];
  const seen = new Set<string>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m;
      if (!NAME.test(name!)) fail('bad metric name');
      if (kind === 'HELP') {
        if (help.has(name!)) fail('second HELP');
        if (/\\[^\\n]/.test(rest!.replace(/\\\\/g, ''))) fail('bad escape in HELP');
        help.set(name!, rest!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      } else {
        if (types.has(name!)) fail('second TYPE');
        if (!TYPES.has(rest!)) fail('unknown type');
        if (samples.some((s) => s.name === name)) fail('TYPE after samples');
        types.set(name!, rest!);
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!m) fail('not a sample line');
    const [, name, , labelText, valueText] = m!;
    const labels = parseLabels(labelText ?? '', fail);
    const value = parseValue(valueText!, fail);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) fail('duplicate sample');
    seen.add(key);
    samples.push({ name: name!, labels, value });
  });
  return { types, help, samples };
}

function parseLabels(text: string, fail: (why: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  let pos = 0;
  while (pos < text.length) {
    const eq = text.indexOf('=', pos);
    if (eq < 0) fail('label without =');
    const name = text.slice(pos, eq);
    if (!LABEL.test(name)) fail(`bad label name ${name}`);
    if (text[eq + 1] !== '"') fail('label value not quoted');
    let value = '';
    let j = eq + 2;
    for (;; j++) {
      if (j >= text.length) fail('unterminated label value');
      const c = text[j]!;
      if (c === '"') break;
      if (c === '\\') {
        const n = text[++j];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else fail('bad escape in label value');
      } else {
        value += c;
      }
    }
    if (name in labels) fail(`label ${name} twice`);
    labels[name] = value;
    pos = j + 1;
    if (text[pos] === ',') pos++;
    else if (pos < text.length) fail('labels not separated by commas');
  }
  return labels;
}

function parseValue(text: string, fail: (why: string) => never): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail('bad value');
  return Number(text);
}

/** The value of the one sample of `name` with exactly `labels` (throws when absent). */
export function sampleValue(p: PromText, name: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  const s = p.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === want);
  if (!s) throw new Error(`no sample ${name}${want}`);
  return s.value;
}
