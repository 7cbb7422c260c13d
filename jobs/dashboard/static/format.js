// @ts-check
/** Number and time formatting shared by the page, the panels and report.html (all times in UTC). */

/** @type {Intl.NumberFormat | null} */
let big = null;

/**
 * A finite number rounded to an integer with thousands separators, as Intl.NumberFormat('en-US',
 * { maximumFractionDigits: 0 }) prints it (half away from zero, "-0" for a negative that rounds
 * to 0). Written out because creating that formatter loads ICU's locale data: ~0.1 s of the
 * page's start, before anything is drawn.
 */
function grouped(/** @type {number} */ n) {
  const a = Math.abs(n);
  if (a >= 1e21) return (big ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(n);
  const digits = String(Math.round(a));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}

/** 28000 → "28,000"; null → "–". */
export function fmtInt(/** @type {number | null | undefined} */ n) {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : grouped(n);
}

/** Compact count: 1234 → "1.2k", 2500000 → "2.5M". */
export function fmtCompact(/** @type {number | null | undefined} */ n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}B`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e4) return `${trim(n / 1e3)}k`;
  return grouped(n);
}

/** @param {number} x */
function trim(x) {
  return (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)).replace(/\.0$/, '');
}

/** A share as a percentage: 0.027714 → "2.77%". */
export function fmtPct(/** @type {number | null | undefined} */ x, digits = 2) {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;
}

/** Milliseconds: 361.458 → "361 ms", 12.34 → "12.3 ms", 2500 → "2.50 s". */
export function fmtMs(/** @type {number | null | undefined} */ ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** A score or threshold: up to 3 significant decimals. */
export function fmtScore(/** @type {number | null | undefined} */ x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** @param {number} n */
function pad(n) {
  return String(n).padStart(2, '0');
}

/** UTC time "2025-01-10 05:07" (with seconds when `seconds`). */
export function fmtTime(/** @type {number | null | undefined} */ ms, seconds = false) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return seconds ? `${base}:${pad(d.getUTCSeconds())}` : base;
}

/** The value of an `<input type="datetime-local">` for a UTC instant: "2025-01-10T05:07". */
export function toInputTime(/** @type {number} */ ms) {
  return fmtTime(ms).replace(' ', 'T');
}

/** A UTC instant from an `<input type="datetime-local">` value (read as UTC), or null. */
export function fromInputTime(/** @type {string} */ value) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** A long text cut to `max` characters with an ellipsis. */
export function ellipsis(/** @type {string} */ s, max = 60) {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
