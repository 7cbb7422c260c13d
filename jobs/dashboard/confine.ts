/**
 * Confinement: a request path maps to a report file inside the output folder, or to a refusal.
 * Checked twice: by name (every segment decoded and vetted, so `..`, `%2e%2e`, encoded slashes,
 * absolute paths and hidden temp files never reach the file system) and by real path (so a
 * symlink inside the folder cannot lead out of it).
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

/** A refusal: HTTP status and a reason for the log. */
export interface Refusal {
  ok: false;
  status: 400 | 403 | 404;
  reason: string;
}

/** A report file the server may send. */
export interface Confined {
  ok: true;
  path: string;
  size: number;
  mtimeMs: number;
}

/** Extensions of the report files served; anything else in the folder stays private. */
export const REPORT_EXTENSIONS = new Set(['.json', '.csv', '.arrow', '.log', '.html', '.png', '.txt']);

/** A plain segment: starts with a letter, digit or underscore (so no `.`, `..` or hidden temp file), then word characters, dots and dashes. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const MAX_DEPTH = 3;
const MAX_LENGTH = 512;

/**
 * Decode and vet the segments of a raw request path (as sent, before any normalisation).
 * Refuses traversal in every spelling: `..`, `%2e%2e`, `%2f`, `%5c`, NUL, empty segments (`//`, an absolute path after the prefix).
 */
export function splitRequestPath(raw: string): { ok: true; segments: string[] } | Refusal {
  if (raw.length > MAX_LENGTH) return refuse(400, 'path too long');
  const parts = raw.split('/');
  const segments: string[] = [];
  for (const part of parts) {
    let seg: string;
    try {
      seg = decodeURIComponent(part);
    } catch {
      return refuse(400, 'malformed percent-encoding');
    }
    if (seg === '..' || seg === '.' || seg.includes('/') || seg.includes('\\') || seg.includes('\0')) return refuse(403, `path escapes the report folder: ${JSON.stringify(seg)}`);
    if (seg === '') return refuse(403, 'empty path segment (absolute path or //)');
    segments.push(seg);
  }
  return { ok: true, segments };
}

/** True when a raw request path tries to climb or smuggle separators anywhere (checked before routing). */
export function looksLikeTraversal(rawPath: string): boolean {
  let decoded = rawPath;
  // Decode repeatedly so %252e%252e is caught too.
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return true;
    }
    if (next === decoded) break;
    decoded = next;
  }
  return /(^|[/\\])\.\.?([/\\]|$)/.test(decoded) || decoded.includes('\\') || decoded.includes('\0') || /\/\//.test(decoded);
}

/** Resolve `segments` to a regular report file inside `root`, following symlinks only when they stay inside. */
export async function confine(root: string, segments: string[]): Promise<Confined | Refusal> {
  if (segments.length === 0 || segments.length > MAX_DEPTH) return refuse(404, 'no such report');
  for (const s of segments) if (!SEGMENT.test(s)) return refuse(403, `not a report file name: ${JSON.stringify(s)}`);
  if (!REPORT_EXTENSIONS.has(extname(segments[segments.length - 1]!).toLowerCase())) return refuse(404, 'not a report file type');
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(join(realRoot, ...segments));
  } catch {
    return refuse(404, 'no such report');
  }
  if (!real.startsWith(realRoot + sep)) return refuse(403, 'symlink leads outside the report folder');
  try {
    const st = await stat(real);
    if (!st.isFile()) return refuse(404, 'not a file');
    return { ok: true, path: real, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return refuse(404, 'no such report');
  }
}

function refuse(status: Refusal['status'], reason: string): Refusal {
  return { ok: false, status, reason };
}
