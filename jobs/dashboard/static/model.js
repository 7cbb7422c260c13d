// @ts-check
/**
 * The dashboard's data model: Arrow tables and summary.json → indexed facts → a filtered view.
 * Pure (no DOM, no Arrow import), so the browser page and the Node report share it.
 *
 * Every table the job writes is seen as a *source* of additive facts over some dimensions
 * (time, level, service, or its own key). A panel asks for counts grouped by some dimensions;
 * the query picks the source that can apply the most active filters (ties: the coarsest, which
 * is the exact whole-run table), and says which filters it could not apply.
 */

/** @typedef {import('./types').Row} Row */
/** @typedef {import('./types').Value} Value */
/** @typedef {import('./types').Columns} Columns */
/** @typedef {import('./types').Summary} Summary */
/** @typedef {import('./types').Alert} Alert */
/** @typedef {import('./types').Inputs} Inputs */
/** @typedef {import('./types').Filter} Filter */
/** @typedef {import('./types').Dim} Dim */
/** @typedef {import('./types').Fact} Fact */
/** @typedef {import('./types').Source} Source */
/** @typedef {import('./types').Agg} Agg */
/** @typedef {import('./types').QueryResult} QueryResult */
/** @typedef {import('./types').Score} Score */
/** @typedef {import('./types').Incident} Incident */
/** @typedef {import('./types').DetectorInfo} DetectorInfo */
/** @typedef {import('./types').Model} Model */
/** @typedef {import('./types').View} View */
/** @typedef {import('./types').ServiceRow} ServiceRow */

/** Level names in severity order (the engine's normalized levels). */
export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'CRITICAL', 'FATAL', 'UNKNOWN'];
/** Levels counted as errors unless summary.json says otherwise. */
export const DEFAULT_ERROR_LEVELS = ['ERROR', 'CRITICAL', 'FATAL'];
/** Incident severities, most severe first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
/** One minute, in ms. */
export const MINUTE = 60_000;
/** One hour, in ms. */
export const HOUR = 3_600_000;
/** One day, in ms (days are UTC days). */
export const DAY = 86_400_000;
/** Alerts this close to the end of the data count as active. */
export const ACTIVE_ALERT_WINDOW = HOUR;

/**
 * The Arrow tables the page reads (arrow/NAME.arrow). The first group is the output contract;
 * the second are finer tables that let every filter reach every panel, read when the job writes them.
 */
export const TABLE_NAMES = [
  'logs_by_level', 'errors_by_minute', 'errors_per_service', 'errors_per_ip', 'errors_by_type', 'top_errors',
  'service_health', 'anomalies', 'incidents',
  'minute_level_service', 'levels_over_time', 'anomaly_scores', 'response_time_histogram', 'activity_heatmap',
  'error_types_by_hour', 'ip_level_service_hour',
];

/**
 * The fine tables (filter cubes) that only matter once a filter is set: with no filter every
 * query takes a coarser, exact table. The page draws its first view without them and decodes them
 * right after (model.test.ts checks every panel, card and table comes out the same).
 */
export const LAZY_TABLES = ['minute_level_service', 'ip_level_service_hour', 'error_types_by_hour'];

/** True when the filter filters nothing (the view LAZY_TABLES are not needed for). */
export function isDefaultFilter(/** @type {Filter} */ f) {
  return f.from === null && f.to === null && f.levels === null && f.services === null;
}

/** Filter dimension → words for notes. */
const DIM_WORDS = /** @type {Record<string, string>} */ ({ t: 'date range', level: 'level', service: 'service' });

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * @typedef {{ name: string, type: { typeId: number, unit?: number } }} ArrowField
 * @typedef {{ offset: number, length: number, nullCount: number, nullBitmap?: Uint8Array, valueOffsets?: Int32Array, values?: Uint8Array }} ArrowData
 * @typedef {{ length: number, nullCount: number, type: { typeId: number }, data: ArrowData[], toArray(): ArrayLike<unknown>, [Symbol.iterator](): Iterator<unknown> }} ArrowVector
 * @typedef {{ numRows: number, schema: { fields: ArrowField[] }, getChild(name: string): ArrowVector | null }} ArrowTable
 */

/** Arrow type ids read on the fast paths (Int, Float, Utf8, Timestamp). */
const T_INT = 2, T_FLOAT = 3, T_UTF8 = 5, T_TIMESTAMP = 10;
/** Divisor from a timestamp unit (s, ms, us, ns) to ms. */
const TS_SCALE = [1e-3, 1, 1e3, 1e6];
const decoder = new TextDecoder();

/** An Arrow table's columns as plain arrays: int64 → number, timestamps → ms, nulls as null. */
export function decodeArrow(/** @type {unknown} */ input) {
  const table = /** @type {ArrowTable} */ (input);
  /** @type {Record<string, ArrayLike<Value>>} */
  const cols = {};
  for (const f of table.schema.fields) cols[f.name] = columnValues(f, table.getChild(f.name), table.numRows);
  return /** @type {Columns} */ ({ length: table.numRows, cols });
}

/** Row objects of decoded columns (for the small tables, where objects read best). */
export function rowsOf(/** @type {Columns} */ c) {
  const names = Object.keys(c.cols);
  const arrays = names.map((n) => /** @type {ArrayLike<Value>} */ (c.cols[n]));
  /** @type {Row[]} */
  const rows = new Array(c.length);
  for (let i = 0; i < c.length; i++) {
    /** @type {Row} */
    const r = {};
    for (let j = 0; j < names.length; j++) r[/** @type {string} */ (names[j])] = /** @type {ArrayLike<Value>} */ (arrays[j])[i] ?? null;
    rows[i] = r;
  }
  return rows;
}

/** Plain rows from an Arrow table (decodeArrow, then rowsOf). */
export function rowsFromArrow(/** @type {unknown} */ input) {
  return rowsOf(decodeArrow(input));
}

/**
 * @param {ArrowField} field
 * @param {ArrowVector | null} vec
 * @param {number} n
 * @returns {ArrayLike<Value>}
 */
function columnValues(field, vec, n) {
  if (vec === null) return new Array(n).fill(null);
  const typeId = field.type.typeId;
  // Fast paths: per-value get() through Arrow's visitors is ~10x slower than reading the buffers.
  if (typeId === T_UTF8) return utf8Values(vec);
  if (vec.nullCount === 0 && (typeId === T_INT || typeId === T_FLOAT || typeId === T_TIMESTAMP)) {
    const raw = vec.toArray();
    const scale = typeId === T_TIMESTAMP ? TS_SCALE[field.type.unit ?? 1] ?? 1 : 1;
    if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
      const out = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) out[i] = Number(raw[i]) / scale;
      return out;
    }
    if (scale === 1) return /** @type {ArrayLike<number>} */ (raw);
    return Array.from(/** @type {ArrayLike<number>} */ (raw), (v) => v / scale);
  }
  const out = Array.from(vec, (v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v));
  return /** @type {Value[]} */ (out);
}

/**
 * Strings of a Utf8 column, read from its offsets and bytes. An ASCII buffer is decoded in one
 * call and sliced; otherwise short values (levels, services, scopes repeat a lot) are decoded
 * once and shared, keyed by a hash checked byte for byte.
 * @param {ArrowVector} vec
 */
function utf8Values(vec) {
  /** @type {(string | null)[]} */
  const out = new Array(vec.length);
  /** @type {Map<number, { bytes: Uint8Array, s: string }>} */
  const cache = new Map();
  let k = 0;
  for (const d of vec.data) {
    const off = /** @type {Int32Array} */ (d.valueOffsets);
    const bytes = /** @type {Uint8Array} */ (d.values);
    const bm = d.nullBitmap;
    const nulls = d.nullCount > 0 && bm !== undefined && bm.length > 0;
    // ASCII buffer (as many characters as bytes): decode once, then every value is a slice.
    const text = bytes.length <= 1 << 24 ? decoder.decode(bytes) : null;
    if (text !== null && text.length === bytes.length) {
      for (let i = 0; i < d.length; i++) {
        const j = d.offset + i;
        out[k++] = nulls && (((/** @type {Uint8Array} */ (bm)[j >> 3] ?? 0) >> (j & 7)) & 1) === 0 ? null : text.slice(/** @type {number} */ (off[j]), /** @type {number} */ (off[j + 1]));
      }
      continue;
    }
    for (let i = 0; i < d.length; i++) {
      const j = d.offset + i;
      if (nulls && (((/** @type {Uint8Array} */ (bm)[j >> 3] ?? 0) >> (j & 7)) & 1) === 0) {
        out[k++] = null;
        continue;
      }
      const a = /** @type {number} */ (off[j]), b = /** @type {number} */ (off[j + 1]);
      const len = b - a;
      if (len > 40) {
        out[k++] = decoder.decode(bytes.subarray(a, b));
        continue;
      }
      let h = 2166136261 ^ len;
      for (let x = a; x < b; x++) h = Math.imul(h ^ /** @type {number} */ (bytes[x]), 16777619);
      const hit = cache.get(h);
      if (hit && hit.bytes.length === len && sameBytes(hit.bytes, bytes, a)) {
        out[k++] = hit.s;
        continue;
      }
      const s = decoder.decode(bytes.subarray(a, b));
      if (!hit) cache.set(h, { bytes: bytes.slice(a, b), s });
      out[k++] = s;
    }
  }
  return out;
}

/** @param {Uint8Array} x @param {Uint8Array} buf @param {number} at */
function sameBytes(x, buf, at) {
  for (let i = 0; i < x.length; i++) if (x[i] !== buf[at + i]) return false;
  return true;
}

/** Alerts from alerts.log text (one JSON object per line); lines that are not JSON objects are skipped. */
export function parseAlerts(/** @type {string} */ text) {
  /** @type {Alert[]} */
  const out = [];
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (s === '') continue;
    let o;
    try {
      o = JSON.parse(s);
    } catch {
      continue;
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) continue;
    out.push({
      time: toTime(o.time),
      rule: toStr(o.rule),
      severity: toStr(o.severity).toUpperCase(),
      scope: toStr(o.scope),
      value: toNum(o.value),
      threshold: toNum(o.threshold),
      message: toStr(o.message),
    });
  }
  return out;
}

/** @param {unknown} v */
function toNum(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** @param {unknown} v */
function toStr(v) {
  return v === null || v === undefined ? '' : String(v);
}

/** @param {unknown} v */
function toTime(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Model

/** The first of these columns present holds a table's time bucket. */
const TIME_COLUMNS = ['minute', 'hour', 'day', 'timestamp', 'time', 't'];
/** A missing column reads as nulls. */
const NO_COLUMN = /** @type {ArrayLike<Value>} */ ({ length: 0 });

/** @param {Columns | undefined} c */
function timeColumn(c) {
  if (!c) return null;
  return TIME_COLUMNS.find((name) => name in c.cols && (c.length === 0 || typeof c.cols[name]?.[0] === 'number')) ?? null;
}

/** @param {Columns} c @param {string | null} name */
function col(c, name) {
  return name === null ? NO_COLUMN : c.cols[name] ?? NO_COLUMN;
}

/** @param {Value | undefined} v */
function num(v) {
  return typeof v === 'number' ? (Number.isFinite(v) ? v : null) : toNum(v);
}

/** @param {Value | undefined} v */
function strOrNull(v) {
  return v === null || v === undefined ? null : String(v);
}

/** Index the decoded contents of an output folder. */
export function buildModel(/** @type {Inputs} */ inputs) {
  const summary = inputs.summary;
  const T = inputs.tables;
  /** Small tables read as rows. @param {string} name */
  const rows = (name) => (T[name] ? rowsOf(/** @type {Columns} */ (T[name])) : undefined);
  const errorLevels = Array.isArray(summary?.error_levels) ? summary.error_levels.map(String) : DEFAULT_ERROR_LEVELS;
  const errSet = new Set(errorLevels);
  /** @param {string} level @param {number} count */
  const errOf = (level, count) => (errSet.has(level) ? count : 0);

  /** @type {Source[]} */
  const logs = [];
  const byLevel = rows('logs_by_level');
  if (byLevel) {
    logs.push(source('logs_by_level', ['level'], byLevel.map((r) => {
      const level = toStr(r.level), count = toNum(r.count) ?? 0;
      return { level, count, errors: errOf(level, count) };
    })));
  }
  const perService = rows('errors_per_service');
  if (perService) {
    logs.push(source('errors_per_service', ['service'], perService.map((r) => ({
      service: r.service === null ? null : toStr(r.service), count: toNum(r.total) ?? 0, errors: toNum(r.errors) ?? 0,
    }))));
  }
  if (T.errors_by_minute) {
    const c = T.errors_by_minute;
    const t = col(c, timeColumn(c) ?? 'minute'), tot = col(c, 'total'), err = col(c, 'errors');
    /** @type {Fact[]} */
    const facts = new Array(c.length);
    for (let i = 0; i < c.length; i++) facts[i] = { t: num(t[i]) ?? 0, count: num(tot[i]) ?? 0, errors: num(err[i]) ?? 0 };
    logs.push(source('errors_by_minute', ['t'], facts));
  }
  if (T.levels_over_time && timeColumn(T.levels_over_time)) {
    const c = T.levels_over_time;
    const tc = timeColumn(c);
    const t = col(c, tc);
    /** @type {Fact[]} */
    const facts = [];
    if ('level' in c.cols) {
      // Long form: (time, level, count).
      const lv = col(c, 'level'), n = col(c, 'count');
      for (let i = 0; i < c.length; i++) {
        const level = toStr(lv[i]), count = num(n[i]) ?? 0;
        facts.push({ t: num(t[i]) ?? 0, level, count, errors: errOf(level, count) });
      }
    } else {
      // Wide form, as the job writes it: (hour, DEBUG, INFO, ...), one count column per level.
      const levelCols = Object.keys(c.cols).filter((k) => k !== tc && LEVELS.includes(k.toUpperCase()));
      for (const name of levelCols) {
        const n = col(c, name), level = name.toUpperCase();
        for (let i = 0; i < c.length; i++) {
          const count = num(n[i]) ?? 0;
          if (count > 0) facts.push({ t: num(t[i]) ?? 0, level, count, errors: errOf(level, count) });
        }
      }
    }
    logs.push(source('levels_over_time', ['t', 'level'], facts));
  }
  if (T.minute_level_service) {
    const c = T.minute_level_service;
    const t = col(c, timeColumn(c) ?? 'minute'), lv = col(c, 'level'), sv = col(c, 'service'), n = col(c, 'count');
    const rtSum = col(c, 'rt_sum'), rtCount = col(c, 'rt_count'), ok = col(c, 'ok_count'), st = col(c, 'status_count');
    const measures = [];
    if ('rt_sum' in c.cols && 'rt_count' in c.cols) measures.push('rt_sum', 'rt_count');
    if ('ok_count' in c.cols && 'status_count' in c.cols) measures.push('ok', 'status');
    /** @type {Fact[]} */
    const facts = new Array(c.length);
    // Hot loop: one fact per row of the finest table (tens of thousands), fixed object shape.
    for (let i = 0; i < c.length; i++) {
      const level = toStr(lv[i]), count = num(n[i]) ?? 0;
      facts[i] = {
        t: num(t[i]) ?? 0, level, service: strOrNull(sv[i]), count, errors: errOf(level, count),
        rt_sum: num(rtSum[i]) ?? 0, rt_count: num(rtCount[i]) ?? 0, ok: num(ok[i]) ?? 0, status: num(st[i]) ?? 0,
      };
    }
    logs.push(source('minute_level_service', ['t', 'level', 'service'], facts, measures));
  }

  /** @type {Source[]} */
  const ips = [];
  const perIp = rows('errors_per_ip');
  if (perIp) {
    ips.push(source('errors_per_ip', ['key'], perIp.filter((r) => r.ip !== null).map((r) => ({
      key: toStr(r.ip), count: toNum(r.total) ?? 0, errors: toNum(r.errors) ?? 0,
    }))));
  }
  if (T.ip_level_service_hour) {
    const c = T.ip_level_service_hour;
    const t = col(c, timeColumn(c) ?? 'hour'), ip = col(c, 'ip'), lv = col(c, 'level'), sv = col(c, 'service'), n = col(c, 'count');
    /** @type {Fact[]} */
    const facts = [];
    for (let i = 0; i < c.length; i++) {
      if (ip[i] === null || ip[i] === undefined) continue;
      const level = toStr(lv[i]), count = num(n[i]) ?? 0;
      facts.push({ t: num(t[i]) ?? 0, key: toStr(ip[i]), level, service: strOrNull(sv[i]), count, errors: errOf(level, count) });
    }
    ips.push(source('ip_level_service_hour', ['t', 'key', 'level', 'service'], facts));
  }

  /** @type {Model['typeInfo']} */
  const typeInfo = new Map();
  /** @type {Source[]} */
  const types = [];
  const byType = rows('errors_by_type');
  const topErrors = rows('top_errors');
  if (byType) {
    for (const r of byType) {
      typeInfo.set(String(toNum(r.type_id)), {
        type_id: toNum(r.type_id), template: toStr(r.template), example: toStr(r.example),
        first_seen: toNum(r.first_seen), last_seen: toNum(r.last_seen),
      });
    }
    types.push(source('errors_by_type', ['key'], byType.map((r) => {
      const errors = toNum(r.errors) ?? 0;
      return { key: String(toNum(r.type_id)), count: errors, errors };
    })));
  } else if (topErrors) {
    for (const r of topErrors) {
      typeInfo.set(toStr(r.template), { type_id: null, template: toStr(r.template), example: '', first_seen: null, last_seen: null });
    }
    types.push(source('top_errors', ['key'], topErrors.map((r) => {
      const errors = toNum(r.errors) ?? 0;
      return { key: toStr(r.template), count: errors, errors };
    })));
  }
  if (T.error_types_by_hour && byType) {
    const c = T.error_types_by_hour;
    const t = col(c, timeColumn(c) ?? 'hour'), id = col(c, 'type_id'), lv = col(c, 'level'), sv = col(c, 'service');
    const n = 'errors' in c.cols ? col(c, 'errors') : col(c, 'count');
    /** @type {Fact[]} */
    const facts = new Array(c.length);
    for (let i = 0; i < c.length; i++) {
      const errors = num(n[i]) ?? 0;
      facts[i] = { t: num(t[i]) ?? 0, key: String(num(id[i])), level: toStr(lv[i]), service: strOrNull(sv[i]), count: errors, errors };
    }
    types.push(source('error_types_by_hour', ['t', 'key', 'level', 'service'], facts));
  }

  /** @type {Source[]} */
  const latency = [];
  /** @type {Map<number, number>} */
  const latencyBuckets = new Map();
  if (T.response_time_histogram && T.response_time_histogram.length > 0) {
    const c = T.response_time_histogram;
    const tc = timeColumn(c);
    const hasService = 'service' in c.cols;
    const t = col(c, tc), sv = col(c, 'service'), lo = col(c, 'lower_ms'), hi = col(c, 'upper_ms'), n = col(c, 'count');
    /** @type {Dim[]} */
    const dims = ['key'];
    if (tc) dims.push('t');
    if (hasService) dims.push('service');
    /** @type {Fact[]} */
    const facts = new Array(c.length);
    for (let i = 0; i < c.length; i++) {
      const lower = num(lo[i]) ?? 0;
      latencyBuckets.set(lower, num(hi[i]) ?? lower);
      /** @type {Fact} */
      const f = { key: lower, count: num(n[i]) ?? 0, errors: 0 };
      if (tc) f.t = num(t[i]) ?? 0;
      if (hasService) f.service = strOrNull(sv[i]);
      facts[i] = f;
    }
    latency.push(source('response_time_histogram', dims, facts));
  }

  const { scores, scored } = scoresOf(T.anomaly_scores, T.anomalies);
  const incidents = (rows('incidents') ?? []).map((r) => ({
    start: toNum(r.start), end: toNum(r.end), type: toStr(r.type), severity: toStr(r.severity).toUpperCase(),
    services: toStr(r.services).split(/[,;|]/).map((x) => x.trim()).filter((x) => x !== ''),
    description: toStr(r.description), recommendation: toStr(r.recommendation),
  })).sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const serviceHealth = rows('service_health') ?? [];

  const levelSet = new Set(Object.keys(summary?.levels ?? {}));
  for (const s of logs) for (const r of s.dims.includes('level') ? s.rows : []) if (r.count > 0 && r.level) levelSet.add(r.level);
  const levels = [...LEVELS.filter((l) => levelSet.has(l)), ...[...levelSet].filter((l) => !LEVELS.includes(l)).sort()];

  const serviceSet = new Set();
  for (const s of logs) for (const r of s.dims.includes('service') ? s.rows : []) if (r.service) serviceSet.add(r.service);
  for (const r of serviceHealth) if (r.service !== null) serviceSet.add(toStr(r.service));
  const serviceTotals = new Map();
  for (const r of perService ?? []) serviceTotals.set(toStr(r.service), toNum(r.errors) ?? 0);
  const services = /** @type {string[]} */ ([...serviceSet]).sort((a, b) => (serviceTotals.get(b) ?? 0) - (serviceTotals.get(a) ?? 0) || (a < b ? -1 : 1));

  return {
    summary,
    errorLevels,
    levels,
    services,
    span: spanOf(summary, logs),
    logs: sortSources(logs),
    ips: sortSources(ips),
    types: sortSources(types),
    latency,
    latencyBuckets,
    typeInfo,
    serviceHealth,
    heatmapTable: rows('activity_heatmap') ?? [],
    scores,
    detectors: detectorsOf(scores, scored),
    incidents,
    alerts: [...inputs.alerts].sort((a, b) => (a.time ?? 0) - (b.time ?? 0)),
    present: Object.keys(T).sort(),
  };
}

/**
 * @param {string} name
 * @param {Dim[]} dims
 * @param {Fact[]} rows
 * @param {string[]} [measures]
 * @returns {Source}
 */
function source(name, dims, rows, measures = []) {
  return { name, dims, rows, measures, width: dims.includes('t') ? bucketWidth(rows) : null };
}

/** Time resolution of a source: the smallest gap between its buckets (a minute when it cannot tell). */
function bucketWidth(/** @type {Fact[]} */ rows) {
  const ts = [...new Set(rows.map((r) => /** @type {number} */ (r.t)))].sort((a, b) => a - b);
  let w = Infinity;
  for (let i = 1; i < ts.length; i++) w = Math.min(w, /** @type {number} */ (ts[i]) - /** @type {number} */ (ts[i - 1]));
  return Number.isFinite(w) && w > 0 ? Math.min(w, DAY) : MINUTE;
}

/** Coarsest first: with equal filter coverage the query takes the exact whole-run table. */
function sortSources(/** @type {Source[]} */ list) {
  return [...list].sort((a, b) => a.dims.length - b.dims.length);
}

/**
 * The data's span in whole minutes: summary timestamps, else the time sources.
 * @param {Summary | null} summary
 * @param {Source[]} logs
 */
function spanOf(summary, logs) {
  let from = toTime(summary?.first_timestamp ?? null);
  let to = toTime(summary?.last_timestamp ?? null);
  if (from === null || to === null) {
    for (const s of logs) {
      if (!s.dims.includes('t')) continue;
      for (const r of s.rows) {
        if (r.count <= 0 || r.t === undefined) continue;
        if (from === null || r.t < from) from = r.t;
        if (to === null || r.t > to) to = r.t;
      }
    }
  }
  if (from === null || to === null) return null;
  return { from: Math.floor(from / MINUTE) * MINUTE, to: Math.floor(to / MINUTE) * MINUTE + MINUTE };
}

/**
 * Anomaly scores: every scored window from anomaly_scores, plus the flagged rows of anomalies for
 * detectors anomaly_scores does not cover. When anomaly_scores has no detector or threshold
 * column (the job's first version), its rows take the detector and the per-scope thresholds the
 * anomalies table shows for the score column it matches.
 * @param {Columns | undefined} all
 * @param {Columns | undefined} flagged
 */
function scoresOf(all, flagged) {
  /** @type {Score[]} */
  const fromFlagged = [];
  if (flagged) {
    const t = 'timestamp' in flagged.cols ? col(flagged, 'timestamp') : col(flagged, timeColumn(flagged));
    const scope = col(flagged, 'scope'), det = col(flagged, 'detector'), val = col(flagged, 'value'), score = col(flagged, 'score'), thr = col(flagged, 'threshold'), details = col(flagged, 'details');
    for (let i = 0; i < flagged.length; i++) {
      fromFlagged.push({
        t: num(t[i]) ?? 0, scope: toStr(scope[i]) || 'all', detector: toStr(det[i]) || 'anomaly',
        value: num(val[i]), score: num(score[i]) ?? 0, threshold: num(thr[i]), details: toStr(details[i]),
      });
    }
  }
  if (!all) return { scores: fromFlagged.sort((a, b) => a.t - b.t), scored: new Set() };
  const flaggedDetectors = [...new Set(fromFlagged.map((s) => s.detector))];
  // Without a detector column, the scores belong to the forest if the job flags with one, else to the only detector.
  const implied = flaggedDetectors.find((d) => /forest/i.test(d)) ?? (flaggedDetectors.length === 1 ? flaggedDetectors[0] : undefined) ?? 'score';
  /** @type {Map<string, Map<number, number>>} threshold counts by detector and scope */
  const seen = new Map();
  for (const s of fromFlagged) {
    if (s.threshold === null) continue;
    const key = `${s.detector}\u0001${s.scope}`;
    let m = seen.get(key);
    if (!m) seen.set(key, (m = new Map()));
    m.set(s.threshold, (m.get(s.threshold) ?? 0) + 1);
  }
  /** @param {string} detector @param {string} scope */
  const jobThreshold = (detector, scope) => mode(seen.get(`${detector}\u0001${scope}`)) ?? mode(seen.get(`${detector}\u0001all`));
  const t = 'timestamp' in all.cols ? col(all, 'timestamp') : col(all, timeColumn(all));
  const scope = col(all, 'scope'), det = col(all, 'detector'), val = col(all, 'value'), score = col(all, 'score'), thr = col(all, 'threshold'), details = col(all, 'details');
  const hasDetector = 'detector' in all.cols, hasThreshold = 'threshold' in all.cols;
  /** @type {Map<string, Map<string, number | null>>} job threshold by detector, then scope */
  const thresholds = new Map();
  // Flagged rows by time: they carry the details (and value) the score table may lack.
  /** @type {Map<number, Score[]>} */
  const flaggedAt = new Map();
  for (const f of fromFlagged) {
    let l = flaggedAt.get(f.t);
    if (!l) flaggedAt.set(f.t, (l = []));
    l.push(f);
  }
  /** @type {Score[]} */
  const out = new Array(all.length);
  // Hot loop: one score per scored window (tens of thousands); numbers as keys, strings only when new.
  for (let i = 0; i < all.length; i++) {
    const detector = hasDetector ? toStr(det[i]) || implied : implied;
    const sc = toStr(scope[i]) || 'all';
    let threshold = null;
    if (hasThreshold) {
      threshold = num(thr[i]);
    } else {
      let m = thresholds.get(detector);
      if (!m) thresholds.set(detector, (m = new Map()));
      if (!m.has(sc)) m.set(sc, jobThreshold(detector, sc));
      threshold = m.get(sc) ?? null;
    }
    const t0 = num(t[i]) ?? 0;
    const s = { t: t0, scope: sc, detector, value: num(val[i]), score: num(score[i]) ?? 0, threshold, details: toStr(details[i]) };
    const same = flaggedAt.get(t0)?.find((f) => f.detector === detector && f.scope === sc);
    if (same) {
      if (s.details === '') s.details = same.details;
      if (s.value === null) s.value = same.value;
    }
    out[i] = s;
  }
  const scored = new Set(hasDetector ? out.map((x) => x.detector) : [implied]);
  for (const f of fromFlagged) if (!scored.has(f.detector)) out.push(f);
  return { scores: out.sort((a, b) => a.t - b.t), scored };
}

/** The most frequent key of a count map (ties: the smaller), or null. @param {Map<number, number> | undefined} m */
function mode(m) {
  if (!m) return null;
  let best = null, n = 0;
  for (const [k, c] of m) if (c > n || (c === n && best !== null && k < best)) { best = k; n = c; }
  return best;
}

/**
 * Slider ranges and the job's threshold for each detector (from its overall scope when it has one).
 * @param {Score[]} scores
 * @param {Set<string>} scored detectors with every window scored (from anomaly_scores)
 */
function detectorsOf(scores, scored) {
  /** @type {Map<string, { min: number, max: number, thresholds: Map<number, number>, overall: Map<number, number>, hasAll: boolean }>} */
  const by = new Map();
  for (const s of scores) {
    let d = by.get(s.detector);
    if (!d) by.set(s.detector, (d = { min: s.score, max: s.score, thresholds: new Map(), overall: new Map(), hasAll: false }));
    d.min = Math.min(d.min, s.score);
    d.max = Math.max(d.max, s.score);
    if (s.scope === 'all') d.hasAll = true;
    if (s.threshold !== null) {
      d.thresholds.set(s.threshold, (d.thresholds.get(s.threshold) ?? 0) + 1);
      if (s.scope === 'all') d.overall.set(s.threshold, (d.overall.get(s.threshold) ?? 0) + 1);
    }
  }
  /** @type {DetectorInfo[]} */
  const out = [];
  for (const [name, d] of by) {
    out.push({ name, min: d.min, max: d.max, threshold: mode(d.overall) ?? mode(d.thresholds), hasAll: d.hasAll, allScores: scored.has(name) });
  }
  // Fully scored detectors first (the slider can move both ways), then z-score (S0's slider), then by name.
  return out.sort((a, b) => Number(b.allScores) - Number(a.allScores) || (a.name === 'zscore' ? -1 : b.name === 'zscore' ? 1 : a.name < b.name ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Filtering

/** No filter: the whole run. */
export function defaultFilter() {
  return /** @type {Filter} */ ({ from: null, to: null, levels: null, services: null });
}

/** A filter with no-op parts dropped (every level selected = no level filter), so "filtered" means something is cut. */
export function normalizeFilter(/** @type {Model} */ model, /** @type {Filter} */ f) {
  const levels = f.levels === null || model.levels.every((l) => f.levels?.includes(l)) ? null : [...f.levels];
  const services = f.services === null || (model.services.length > 0 && model.services.every((s) => f.services?.includes(s))) ? null : [...f.services];
  const span = model.span;
  const from = f.from !== null && (span === null || f.from > span.from) ? f.from : null;
  const to = f.to !== null && (span === null || f.to < span.to) ? f.to : null;
  return { from, to, levels, services };
}

/** @param {Filter} f @returns {Dim[]} */
function activeDims(f) {
  /** @type {Dim[]} */
  const out = [];
  if (f.from !== null || f.to !== null) out.push('t');
  if (f.levels !== null) out.push('level');
  if (f.services !== null) out.push('service');
  return out;
}

/** @returns {Agg} */
function emptyAgg() {
  return { count: 0, errors: 0, rt_sum: 0, rt_count: 0, ok: 0, status: 0 };
}

/**
 * Group facts by `groupBy` under filter `f`, from the source that applies the most active filters.
 * @param {Source[]} sources
 * @param {Dim[]} groupBy
 * @param {Filter} f
 * @returns {QueryResult}
 */
export function query(sources, groupBy, f) {
  const active = activeDims(f);
  /** @type {Source | null} */
  let best = null;
  let bestScore = -1;
  for (const s of sources) {
    if (!groupBy.every((d) => s.dims.includes(d))) continue;
    // A filter applied exactly counts 2, a time range cut at coarser buckets than its ends counts 1.
    let score = 0;
    for (const d of active) if (s.dims.includes(d)) score += d === 't' && !aligned(f, s.width) ? 1 : 2;
    if (score > bestScore) { best = s; bestScore = score; }
  }
  /** @type {QueryResult['groups']} */
  const groups = new Map();
  if (best === null) return { groups, source: null, unapplied: [] };
  const unapplied = active.filter((d) => !best.dims.includes(d)).map((d) => DIM_WORDS[d] ?? d);
  if (active.includes('t') && best.dims.includes('t') && !aligned(f, best.width)) unapplied.push(`minute-exact date range (${best.name} has ${widthWords(best.width)} buckets)`);
  const useT = active.includes('t') && best.dims.includes('t');
  const from = f.from ?? -Infinity, to = f.to ?? Infinity;
  const levels = active.includes('level') && best.dims.includes('level') ? new Set(f.levels) : null;
  const services = active.includes('service') && best.dims.includes('service') ? new Set(f.services) : null;
  const extra = best.measures.length > 0;
  const single = groupBy.length === 1 ? /** @type {Dim} */ (groupBy[0]) : null;
  // Hot loop over up to ~10^5 facts per filter change: plain loop, string keys only when grouping.
  for (const r of best.rows) {
    if (useT && !(/** @type {number} */ (r.t) >= from && /** @type {number} */ (r.t) < to)) continue;
    if (levels !== null && !levels.has(/** @type {string} */ (r.level))) continue;
    if (services !== null && (r.service === null || r.service === undefined || !services.has(r.service))) continue;
    // One dimension: its raw value is the key (no string per row); several: joined text.
    const key = groupBy.length === 0 ? '' : single !== null ? r[single] ?? null : groupBy.map((d) => String(r[d])).join('\u0001');
    let g = groups.get(key);
    if (!g) {
      /** @type {Partial<Record<Dim, string | number | null>>} */
      const dims = {};
      for (const d of groupBy) dims[d] = r[d] ?? null;
      g = { dims, agg: emptyAgg() };
      groups.set(key, g);
    }
    const a = g.agg;
    a.count += r.count;
    a.errors += r.errors;
    if (extra) {
      a.rt_sum += r.rt_sum ?? 0; a.rt_count += r.rt_count ?? 0;
      a.ok += r.ok ?? 0; a.status += r.status ?? 0;
    }
  }
  return { groups, source: best.name, unapplied };
}

/** "Not filtered by level and service: needs X." — or null when every filter applied. */
export function unappliedText(/** @type {string[]} */ unapplied, /** @type {string | null} */ needs) {
  if (unapplied.length === 0) return null;
  const list = unapplied.length === 1 ? unapplied[0] : `${unapplied.slice(0, -1).join(', ')} and ${unapplied[unapplied.length - 1]}`;
  return `Not filtered by ${list}${needs ? `: needs ${needs}` : ''}.`;
}

/** True when the filter's time range starts and ends on bucket boundaries of `width`. */
function aligned(/** @type {Filter} */ f, /** @type {number | null} */ width) {
  if (width === null) return true;
  return (f.from === null || f.from % width === 0) && (f.to === null || f.to % width === 0);
}

/** "hourly" for an hour, "1-minute", "day". */
function widthWords(/** @type {number | null} */ w) {
  return w === MINUTE ? 'minute' : w === HOUR ? 'hourly' : w === DAY ? 'daily' : `${Math.round((w ?? MINUTE) / MINUTE)}-minute`;
}

/** Width of the automatic time bucket for a range: minutes up to 3 h, hours up to 7 days, then days. */
export function autoWidth(/** @type {number} */ ms) {
  return ms <= 3 * HOUR ? MINUTE : ms <= 7 * DAY ? HOUR : DAY;
}

/**
 * Bucket [t, ...values] points into `width`-wide UTC buckets over [from, to), gaps as zeros.
 * @template {{ t: number }} P
 * @param {P[]} points
 * @param {number} width
 * @param {{ from: number, to: number } | null} range
 * @param {(acc: P | null, p: P, t: number) => P} add
 * @param {(t: number) => P} zero
 * @returns {P[]}
 */
export function bucketize(points, width, range, add, zero) {
  /** @type {Map<number, P>} */
  const by = new Map();
  for (const p of points) {
    const t = Math.floor(p.t / width) * width;
    by.set(t, add(by.get(t) ?? null, p, t));
  }
  if (range === null) return [...by.values()].sort((a, b) => a.t - b.t);
  const first = Math.floor(range.from / width) * width;
  const last = Math.floor((range.to - 1) / width) * width;
  /** @type {P[]} */
  const out = [];
  // Cap the bucket count so a huge range at a fine width cannot freeze the page.
  if ((last - first) / width > 200_000) return [...by.values()].sort((a, b) => a.t - b.t);
  for (let t = first; t <= last; t += width) out.push(by.get(t) ?? zero(t));
  return out;
}

/** The range a view covers: the filter's, else the data's span. */
export function viewRange(/** @type {Model} */ model, /** @type {Filter} */ f) {
  const span = model.span;
  if (span === null && (f.from === null || f.to === null)) return null;
  return { from: f.from ?? /** @type {{from: number}} */ (span).from, to: f.to ?? /** @type {{to: number}} */ (span).to };
}

/**
 * Quantile of a histogram (buckets with lower/upper bounds and counts), linear inside the bucket.
 * @param {{ lower: number, upper: number, count: number }[]} buckets sorted by lower
 * @param {number} q
 */
export function histogramQuantile(buckets, q) {
  const total = buckets.reduce((s, b) => s + b.count, 0);
  if (total <= 0) return null;
  const target = q * total;
  let cum = 0;
  for (const b of buckets) {
    if (b.count > 0 && cum + b.count >= target) return b.lower + ((b.upper - b.lower) * (target - cum)) / b.count;
    cum += b.count;
  }
  const last = buckets[buckets.length - 1];
  return last ? last.upper : null;
}

/** S4's traffic lights, the job's rule: CRITICAL from 20% errors or under 80% success, DEGRADED from 5% or under 95%. */
export function serviceStatus(/** @type {number} */ errorRate, /** @type {number | null} */ successRate) {
  const sr = successRate ?? 1 - errorRate;
  if (errorRate >= 0.2 || sr < 0.8) return 'CRITICAL';
  if (errorRate >= 0.05 || sr < 0.95) return 'DEGRADED';
  return 'HEALTHY';
}

/** Everything the panels show under `filter`. */
export function applyFilters(/** @type {Model} */ model, /** @type {Filter} */ filter) {
  const f = normalizeFilter(model, filter);
  const filtered = activeDims(f).length > 0;
  const range = viewRange(model, f);
  const s = model.summary;

  const totalsQ = query(model.logs, [], f);
  const tAgg = totalsQ.groups.get('')?.agg ?? emptyAgg();
  const totals = !filtered && s
    ? { total: s.parsed, errors: s.errors, errorRate: s.error_rate, unapplied: [] }
    : { total: tAgg.count, errors: tAgg.errors, errorRate: tAgg.count > 0 ? tAgg.errors / tAgg.count : 0, unapplied: totalsQ.unapplied };

  const minQ = query(model.logs, ['t'], f);
  const minutes = {
    points: [...minQ.groups.values()].map((g) => ({ t: /** @type {number} */ (g.dims.t), count: g.agg.count, errors: g.agg.errors })).sort((a, b) => a.t - b.t),
    unapplied: minQ.unapplied, source: minQ.source,
  };

  const levQ = query(model.logs, ['level'], f);
  const levelCounts = {
    rows: orderLevels([...levQ.groups.values()].map((g) => ({ level: String(g.dims.level), count: g.agg.count }))).filter((r) => r.count > 0),
    unapplied: levQ.unapplied, source: levQ.source,
  };

  const lotQ = query(model.logs, ['t', 'level'], f);
  const width = autoWidth(range ? range.to - range.from : DAY);
  const lotLevels = orderLevels([...new Set([...lotQ.groups.values()].map((g) => String(g.dims.level)))].map((level) => ({ level, count: 0 }))).map((r) => r.level);
  /** @type {{ t: number, counts: Record<string, number> }[]} */
  const lotPoints = [...lotQ.groups.values()].map((g) => ({ t: /** @type {number} */ (g.dims.t), counts: { [String(g.dims.level)]: g.agg.count } }));
  const levelsOverTime = {
    width,
    levels: lotLevels,
    rows: lotQ.source === null ? [] : bucketize(lotPoints, width, range, (acc, p, t) => {
      const out = acc ?? { t, counts: {} };
      for (const [k, v] of Object.entries(p.counts)) out.counts[k] = (out.counts[k] ?? 0) + v;
      return out;
    }, (t) => ({ t, counts: {} })),
    unapplied: lotQ.unapplied, source: lotQ.source,
  };

  const svcQ = query(model.logs, ['service'], f);
  const hasRt = model.logs.find((x) => x.name === svcQ.source)?.measures.includes('rt_sum') ?? false;
  const healthBySvc = new Map(model.serviceHealth.map((r) => [toStr(r.service), r]));
  const services = {
    rows: [...svcQ.groups.values()].filter((g) => g.dims.service !== null).map((g) => ({
      service: String(g.dims.service), count: g.agg.count, errors: g.agg.errors,
      rt_mean: hasRt ? (g.agg.rt_count > 0 ? g.agg.rt_sum / g.agg.rt_count : null) : toNum(healthBySvc.get(String(g.dims.service))?.rt_mean),
    })).filter((r) => r.count > 0).sort((a, b) => b.errors - a.errors || b.count - a.count || (a.service < b.service ? -1 : 1)),
    unapplied: svcQ.unapplied, source: svcQ.source, rtFiltered: hasRt,
  };

  const ipQ = query(model.ips, ['key'], f);
  const ips = {
    rows: [...ipQ.groups.values()].map((g) => ({ ip: String(g.dims.key), total: g.agg.count, errors: g.agg.errors }))
      .filter((r) => r.total > 0).sort((a, b) => b.errors - a.errors || b.total - a.total || (a.ip < b.ip ? -1 : 1)),
    unapplied: ipQ.unapplied, source: ipQ.source,
  };

  const typeQ = query(model.types, ['key'], f);
  const types = {
    rows: [...typeQ.groups.values()].map((g) => {
      const key = String(g.dims.key);
      const info = model.typeInfo.get(key);
      return {
        key, template: info?.template ?? key, example: info?.example ?? '', errors: g.agg.errors,
        first_seen: info?.first_seen ?? null, last_seen: info?.last_seen ?? null, type_id: info?.type_id ?? null,
      };
    }).filter((r) => r.errors > 0).sort((a, b) => b.errors - a.errors || (a.key < b.key ? -1 : 1)),
    unapplied: typeQ.unapplied, source: typeQ.source,
  };

  const heatQ = query(model.logs, ['t'], f);
  const heat = new Map();
  for (const g of heatQ.groups.values()) {
    const d = new Date(/** @type {number} */ (g.dims.t));
    const k = ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
    heat.set(k, (heat.get(k) ?? 0) + g.agg.count);
  }
  let heatSource = heatQ.source, heatUnapplied = heatQ.unapplied;
  if (heatQ.source === null && model.heatmapTable.length > 0) {
    // Only the whole-run weekday x hour table exists: show it, every filter unapplied.
    heatSource = 'activity_heatmap';
    heatUnapplied = activeDims(f).map((d) => DIM_WORDS[d] ?? d);
    for (const r of model.heatmapTable) {
      const wd = weekdayIndex(r), h = toNum(r.hour);
      if (wd !== null && h !== null) heat.set(wd * 24 + h, (heat.get(wd * 24 + h) ?? 0) + (toNum(r.count) ?? 0));
    }
  }
  /** @type {[number, number, number][]} */
  const cells = [];
  for (let wd = 0; wd < 7; wd++) for (let h = 0; h < 24; h++) cells.push([h, wd, heat.get(wd * 24 + h) ?? 0]);
  const heatmap = { cells, max: Math.max(0, ...cells.map((c) => c[2])), unapplied: heatUnapplied, source: heatSource };

  const latQ = query(model.latency, ['key'], f);
  const buckets = [...latQ.groups.values()].map((g) => {
    const lower = Number(g.dims.key);
    return { lower, upper: model.latencyBuckets.get(lower) ?? lower, count: g.agg.count };
  }).sort((a, b) => a.lower - b.lower);
  const latencyUnapplied = latQ.unapplied;
  const exactP95 = !filtered && s?.response_time_ms ? s.response_time_ms.p95 : null;
  const latency = {
    buckets,
    p95: exactP95 ?? histogramQuantile(buckets, 0.95),
    unapplied: latencyUnapplied, source: latQ.source,
  };

  const serviceHealth = serviceHealthView(model, f, filtered, svcQ, hasRt);

  const svcFilter = f.services === null ? null : new Set(f.services);
  const inRange = (/** @type {number | null} */ t) => t === null || ((f.from === null || t >= f.from) && (f.to === null || t < f.to));
  // Without a service filter the panel shows each detector's overall scope ("all"); with one, those services' scopes.
  const overall = new Set(model.detectors.filter((d) => d.hasAll).map((d) => d.name));
  const scores = model.scores.filter((x) => inRange(x.t) && (svcFilter === null ? x.scope === 'all' || !overall.has(x.detector) : svcFilter.has(x.scope)));
  // The anomalies the job flagged (every scope) in the range and services.
  let flagged = 0;
  for (const x of model.scores) {
    if (x.threshold !== null && x.score >= x.threshold && inRange(x.t) && (svcFilter === null || svcFilter.has(x.scope))) flagged++;
  }
  const incidents = model.incidents.filter((x) => {
    const start = x.start ?? x.end, end = x.end ?? x.start;
    if (start !== null && end !== null && ((f.to !== null && start >= f.to) || (f.from !== null && end < f.from))) return false;
    return svcFilter === null || x.services.some((sv) => svcFilter.has(sv));
  });
  const alerts = model.alerts.filter((a) => inRange(a.time) && (svcFilter === null || svcFilter.has(a.scope)));
  const end = model.span?.to ?? Math.max(0, ...model.alerts.map((a) => a.time ?? 0));
  const activeAlerts = alerts.filter((a) => a.time !== null && a.time >= end - ACTIVE_ALERT_WINDOW).length;

  /** @type {View} */
  const view = {
    filter: f, filtered, totals, minutes, levelCounts, levelsOverTime, services, ips, types, heatmap, latency,
    serviceHealth, scores, flagged, incidents, alerts: [...alerts].reverse(), activeAlerts,
    health: { score: s?.health_score ?? null, status: s?.health_status ?? null },
  };
  return view;
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Monday-first weekday of an activity_heatmap row: its day name, else `weekday` read as JavaScript's getUTCDay (0 = Sunday), as the job writes it. */
function weekdayIndex(/** @type {Row} */ r) {
  const name = typeof r.day === 'string' ? DAY_NAMES.indexOf(r.day.slice(0, 3).toLowerCase()) : -1;
  if (name >= 0) return name;
  const wd = toNum(r.weekday);
  return wd === null ? null : (wd + 6) % 7;
}

/**
 * @template {{ level: string }} R
 * @param {R[]} rows
 */
function orderLevels(rows) {
  const idx = (/** @type {string} */ l) => { const i = LEVELS.indexOf(l); return i < 0 ? LEVELS.length : i; };
  return rows.sort((a, b) => idx(a.level) - idx(b.level) || (a.level < b.level ? -1 : 1));
}

/**
 * Service health under the filter: counts from the finest source, latency quantiles from the
 * histogram by service when present, else the whole-run table's values.
 * @param {Model} model
 * @param {Filter} f
 * @param {boolean} filtered
 * @param {QueryResult} svcQ
 * @param {boolean} hasRt
 */
function serviceHealthView(model, f, filtered, svcQ, hasRt) {
  const table = model.serviceHealth;
  if (!filtered || svcQ.source === null) {
    /** @type {ServiceRow[]} */
    const rows = table.filter((r) => r.service !== null).map((r) => ({
      service: toStr(r.service), total: toNum(r.total) ?? 0, errors: toNum(r.errors) ?? 0, error_rate: toNum(r.error_rate) ?? 0,
      rt_mean: toNum(r.rt_mean), rt_p95: toNum(r.rt_p95), rt_p99: toNum(r.rt_p99), success_rate: toNum(r.success_rate), status: toStr(r.status),
    }));
    return { rows, unapplied: filtered ? activeDims(f).map((d) => DIM_WORDS[d] ?? d) : [], source: table.length ? 'service_health' : null };
  }
  const byName = new Map(table.map((r) => [toStr(r.service), r]));
  const hasOk = model.logs.find((x) => x.name === svcQ.source)?.measures.includes('ok') ?? false;
  const latQ = query(model.latency, ['service', 'key'], f);
  /** @type {Map<string, { lower: number, upper: number, count: number }[]>} */
  const hist = new Map();
  for (const g of latQ.groups.values()) {
    const svc = String(g.dims.service), lower = Number(g.dims.key);
    let list = hist.get(svc);
    if (!list) hist.set(svc, (list = []));
    list.push({ lower, upper: model.latencyBuckets.get(lower) ?? lower, count: g.agg.count });
  }
  for (const list of hist.values()) list.sort((a, b) => a.lower - b.lower);
  const partial = new Set(svcQ.unapplied);
  if (!hasRt || latQ.source === null) for (const d of activeDims(f)) partial.add(DIM_WORDS[d] ?? d);
  /** @type {ServiceRow[]} */
  const rows = [...svcQ.groups.values()].filter((g) => g.dims.service !== null && g.agg.count > 0).map((g) => {
    const service = String(g.dims.service), a = g.agg, whole = byName.get(service);
    const errorRate = a.count > 0 ? a.errors / a.count : 0;
    const h = latQ.source !== null ? hist.get(service) : undefined;
    const success = hasOk ? (a.status > 0 ? a.ok / a.status : 1 - errorRate) : toNum(whole?.success_rate);
    return {
      service, total: a.count, errors: a.errors, error_rate: errorRate,
      rt_mean: hasRt ? (a.rt_count > 0 ? a.rt_sum / a.rt_count : null) : toNum(whole?.rt_mean),
      rt_p95: h ? histogramQuantile(h, 0.95) : toNum(whole?.rt_p95),
      rt_p99: h ? histogramQuantile(h, 0.99) : toNum(whole?.rt_p99),
      success_rate: success,
      status: serviceStatus(errorRate, success),
    };
  }).sort((a, b) => b.errors - a.errors || b.total - a.total || (a.service < b.service ? -1 : 1));
  return { rows, unapplied: [...partial], source: svcQ.source };
}

/**
 * The anomaly slider: scores of one detector, and those at or above `threshold`
 * (null threshold: each row's own threshold, i.e. the job's marks).
 * @param {Score[]} scores
 * @param {string | null} detector
 * @param {number | null} threshold
 */
export function markAnomalies(scores, detector, threshold) {
  const shown = detector === null ? scores : scores.filter((s) => s.detector === detector);
  const marked = threshold === null
    ? shown.filter((s) => s.threshold !== null && s.score >= s.threshold)
    : shown.filter((s) => s.score >= threshold);
  return { shown, marked };
}
