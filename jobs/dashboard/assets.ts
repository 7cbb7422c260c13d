/**
 * The files the server sends besides reports: the page's own static files (a fixed list) and
 * two vendor browser builds: the page's echarts build (made by `npm run build`, see bundle.ts)
 * and apache-arrow's from node_modules, nothing else from there.
 * Each is read once, with its gzip form, and kept in memory.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { staticDir } from './static-dir.js';
import { echartsBuildMissing, vendorMissing } from './errors.js';

/** Content types by extension, for assets and reports. */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.arrow': 'application/vnd.apache.arrow.file',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page's files under static/, by URL path. */
const STATIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/static/app.css': 'app.css',
  '/static/boot.js': 'boot.js',
  '/static/app.js': 'app.js',
  '/static/model.js': 'model.js',
  '/static/panels.js': 'panels.js',
  '/static/format.js': 'format.js',
  '/static/dom.js': 'dom.js',
  '/static/tables.js': 'tables.js',
  '/static/cluster.js': 'cluster.js',
  '/favicon.svg': 'favicon.svg',
};

/** Vendor browser builds: URL path → what it is and where it is. */
const VENDOR_FILES: Record<string, { name: string; path: () => string }> = {
  '/vendor/echarts.min.js': { name: 'echarts', path: () => bundledEchartsPath() },
  '/vendor/arrow.min.js': { name: 'apache-arrow', path: () => vendorPath('apache-arrow', 'Arrow.es2015.min.js') },
};

/** Where `npm run build` writes the page's echarts build: dist/jobs/dashboard/vendor/ (found from source and from dist). */
export function bundledEchartsPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromHere = join(here, 'vendor', 'echarts.min.js');
  if (basename(dirname(dirname(here))) === 'dist' || existsSync(fromHere)) return fromHere;
  return join(here, '..', '..', 'dist', 'jobs', 'dashboard', 'vendor', 'echarts.min.js');
}

/** An asset ready to send. */
export interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  /** Vendor files are immutable for an install; the page's own files revalidate. */
  immutable: boolean;
}

const require = createRequire(import.meta.url);

/** Absolute path of a vendor package's file (found through Node's resolution, from this module). */
export function vendorPath(pkg: string, file: string): string {
  // echarts' `require` entry is dist/echarts.js and apache-arrow's is Arrow.node.js: both sit at a known depth.
  const entry = require.resolve(pkg);
  const root = pkg === 'echarts' ? dirname(dirname(entry)) : dirname(entry);
  return join(root, file);
}

/** True when `path` names an asset. */
export function isAssetPath(path: string): boolean {
  return path in STATIC_FILES || path in VENDOR_FILES;
}

/** Loads assets on first use and caches them (the page's files are re-read when `dev`). */
export class Assets {
  private readonly cache = new Map<string, Promise<Asset>>();

  constructor(private readonly dev = false) {}

  /** The asset at URL `path`, or null when it is not one. */
  get(path: string): Promise<Asset> | null {
    const vendor = VENDOR_FILES[path];
    const own = STATIC_FILES[path];
    if (!vendor && !own) return null;
    const cached = this.cache.get(path);
    if (cached && !(this.dev && own)) return cached;
    const p = vendor ? load(vendor.path(), true, vendor.name) : load(join(staticDir(), own!), false, own!);
    this.cache.set(path, p);
    p.catch(() => this.cache.delete(path));
    return p;
  }

  /** Load every asset now (so the first page view does not wait on the disk and gzip). */
  async warm(): Promise<void> {
    await Promise.all([...Object.keys(STATIC_FILES), ...Object.keys(VENDOR_FILES)].map((p) => this.get(p)));
  }
}

async function load(path: string, immutable: boolean, name: string): Promise<Asset> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    if (immutable) throw name === 'echarts' ? echartsBuildMissing(path) : vendorMissing(name, path);
    throw new Error(`dashboard: static file missing: ${path}`);
  }
  const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
  const compressible = type.startsWith('text/') || type.includes('javascript') || type.includes('svg');
  return {
    body,
    gzip: compressible && body.length > 1024 ? gzipSync(body, { level: 6 }) : null,
    type,
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"`,
    immutable,
  };
}
