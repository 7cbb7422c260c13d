/**
 * The dashboard server: the page (with the current version's first paint drawn in), its
 * whitelisted assets, the report files of ONE output folder (nothing outside it), a manifest,
 * server-sent events when the folder changes, and /metrics.
 * GET and HEAD only; loopback by default, with a Host check against DNS rebinding.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Assets, CONTENT_TYPES, isAssetPath } from './assets.js';
import { confine, looksLikeTraversal, splitRequestPath } from './confine.js';
import { portInUse } from './errors.js';
import { EventHub } from './events.js';
import { ReportMetrics } from './metrics.js';
import { ReportWatcher, type Manifest } from './watch.js';
import { html, jsonScript } from './html.js';
import { loadShared } from './shared.js';
import { FirstPaintCache, paintPage } from './first-paint.js';
import type { ClusterStatus } from '../../engine/executors/cluster-status.js';

/** Options of `startDashboard`. */
export interface DashboardOptions {
  /** The output folder to serve (summary.json, arrow/, ...). */
  outDir: string;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 8501; 0 picks a free one). */
  port?: number;
  /** How often the folder is polled for changes, ms (default 1000). */
  pollMs?: number;
  /** Re-read the page's own static files on every request (for working on the page). */
  dev?: boolean;
  /** Where the port is set, for the port-in-use message (default '--port', the dashboard command's flag). */
  portSetting?: string;
  /** Where request refusals are reported (default: nowhere). */
  log?: (line: string) => void;
  /**
   * The cluster's Redis (engine.executor: cluster): /cluster.json serves its task view and the
   * page shows it. `status` replaces the read from Redis (tests, or another source of the view).
   */
  cluster?: { redis: string; queue?: string; status?: () => Promise<ClusterStatus> };
}

/** A running dashboard. */
export interface Dashboard {
  /** The page's URL, e.g. http://127.0.0.1:8501/. */
  url: string;
  host: string;
  port: number;
  outDir: string;
  server: Server;
  watcher: ReportWatcher;
  /** Stop listening, end event streams, stop watching. */
  close(): Promise<void>;
}

/** Content-Security-Policy of the page: its own origin only; no inline script, no eval. */
export const PAGE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** PAGE_CSP that also allows the one inline stylesheet whose hash is `hash` ('sha256-...'). */
export function pageCsp(hash: string): string {
  return PAGE_CSP.replace("style-src 'self'", `style-src 'self' '${hash}'`);
}

/** The stylesheet as an inline <style> and its CSP hash (null when the text could close the element). */
function inlineStyle(css: string): { markup: string; hash: string } | null {
  if (/<\/style/i.test(css)) return null;
  return { markup: `<style>${css}</style>`, hash: `sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}` };
}

/** Content-Security-Policy of report files: no scripts at all, sandboxed (report.html is static). */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/** Headers on every response (report files replace the CSP with REPORT_CSP). */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Start serving `outDir`; resolves once listening. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const outDir = resolve(opts.outDir);
  const host = opts.host ?? '127.0.0.1';
  const watcher = new ReportWatcher(outDir, { pollMs: opts.pollMs });
  const hub = new EventHub();
  const assets = new Assets(opts.dev ?? false);
  const metrics = new ReportMetrics(outDir);
  const log = opts.log ?? ((): void => undefined);
  const firstPaint = new FirstPaintCache(outDir, watcher, log);
  await Promise.all([watcher.start(), assets.warm()]);
  // The first paint of the current version is ready before the server listens, and each new
  // version's is computed as soon as the watcher sees it (a request never waits for it).
  await firstPaint.warm();
  watcher.on('change', (m) => {
    hub.send('reports', { version: m.version });
    void firstPaint.warm();
  });

  const allowedHost = hostCheck(host);
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`dashboard: ${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    if (!allowedHost(req.headers.host)) {
      log(`dashboard: refused Host ${JSON.stringify(req.headers.host)}`);
      return send(res, 421, 'text/plain; charset=utf-8', 'unknown Host header\n');
    }
    if (!rawUrl.startsWith('/')) return send(res, 400, 'text/plain; charset=utf-8', 'bad request target\n');
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    if (looksLikeTraversal(rawPath)) {
      log(`dashboard: refused ${rawPath}: path traversal`);
      return send(res, 403, 'text/plain; charset=utf-8', 'forbidden\n');
    }
    if (rawPath.startsWith('/reports/')) return serveReport(req, res, rawPath.slice('/reports/'.length));
    if (rawPath === '/api/manifest') {
      // The watcher's manifest is current: fs events rescan within ~0.1 s, the poll within pollMs.
      const m = watcher.current();
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ version: m.version, dir: basename(outDir), files: m.files }), { 'Cache-Control': 'no-store' });
    }
    if (rawPath === '/events') {
      if (!hub.open(res, watcher.current().version, { ...SECURITY_HEADERS })) send(res, 503, 'text/plain; charset=utf-8', 'too many listeners\n');
      return;
    }
    if (rawPath === '/metrics') {
      const body = await metrics.render();
      return send(res, 200, metrics.contentType, body, { 'Cache-Control': 'no-store' });
    }
    if (rawPath === '/cluster.json') {
      // the task view (tasks by state, per host, throughput, retries, failures), read from Redis per request
      if (!opts.cluster) return send(res, 404, 'text/plain; charset=utf-8', 'no cluster: the job runs on the local executor\n');
      const cluster = opts.cluster;
      try {
        const status = cluster.status
          ? await cluster.status()
          : await (await import('../../engine/executors/cluster-status.js')).clusterStatus(cluster.redis, cluster.queue);
        const body = JSON.stringify(status);
        return send(res, 200, 'application/json; charset=utf-8', body, { 'Cache-Control': 'no-store' });
      } catch (err) {
        return send(res, 503, 'text/plain; charset=utf-8', `${(err as Error).message}\n`, { 'Cache-Control': 'no-store' });
      }
    }
    if (rawPath === '/healthz') return send(res, 200, 'text/plain; charset=utf-8', 'ok\n', { 'Cache-Control': 'no-store' });
    if (rawPath === '/' || rawPath === '/index.html') return servePage(req, res);
    if (isAssetPath(rawPath)) {
      const asset = await assets.get(rawPath)!;
      const headers: Record<string, string> = {
        ETag: asset.etag,
        'Cache-Control': asset.immutable ? 'public, max-age=86400' : 'no-cache',
        Vary: 'Accept-Encoding',
      };
      if (req.headers['if-none-match'] === asset.etag) return send(res, 304, asset.type, '', headers);
      const gz = asset.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      if (gz) headers['Content-Encoding'] = 'gzip';
      return send(res, 200, asset.type, gz ? asset.gzip! : asset.body, headers);
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  /** The last page sent, by its ETag (the template, the version, and whether the first paint is in it). */
  let pageCache: { etag: string; body: Buffer; gzip: Buffer } | null = null;

  /**
   * The page, with the current manifest and, once computed for this version, the server-drawn
   * first paint. No preload hints: whatever downloads before that paint competes with it.
   */
  async function servePage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const asset = await assets.get('/index.html')!;
    const css = await assets.get('/static/app.css')!;
    const manifest = watcher.current();
    const paint = firstPaint.get(manifest.version);
    const etag = `"${asset.etag.slice(1, -1)}-${css.etag.slice(1, 9)}-${manifest.version}${paint ? '-p' : ''}"`;
    // The stylesheet inline, allowed by its hash: the first paint waits for no request (on a
    // busy machine the browser asked for the stylesheet 300-700 ms after the HTML was in).
    const style = inlineStyle(css.body.toString('utf8'));
    // the CSP goes on a 304 too: the browser keeps the headers of a revalidated response
    const headers: Record<string, string> = {
      ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding', 'Content-Security-Policy': style ? pageCsp(style.hash) : PAGE_CSP,
    };
    if (req.headers['if-none-match'] === etag) return send(res, 304, asset.type, '', headers);
    if (pageCache?.etag !== etag) {
      const shared = await loadShared();
      // replacer functions: a replacement string would read `$'`, `$&`, `$$` in the folder's name as patterns
      const markup = manifestMarkup(manifest, basename(outDir), shared.model.TABLE_NAMES, opts.cluster !== undefined);
      let page = asset.body.toString('utf8').replace('<!-- logframe:manifest -->', () => markup);
      if (style) page = page.replace('<link rel="stylesheet" href="/static/app.css">', () => style.markup);
      if (paint) page = paintPage(page, paint, shared);
      const body = Buffer.from(page);
      pageCache = { etag, body, gzip: gzipSync(body, { level: 6 }) };
    }
    const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gz) headers['Content-Encoding'] = 'gzip';
    return send(res, 200, asset.type, gz ? pageCache.gzip : pageCache.body, headers);
  }

  async function serveReport(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const split = splitRequestPath(rest);
    if (!split.ok) {
      log(`dashboard: refused /reports/${rest}: ${split.reason}`);
      return send(res, split.status, 'text/plain; charset=utf-8', split.status === 404 ? 'not found\n' : 'forbidden\n');
    }
    const file = await confine(outDir, split.segments);
    if (!file.ok) {
      if (file.status !== 404) log(`dashboard: refused /reports/${rest}: ${file.reason}`);
      return send(res, file.status, 'text/plain; charset=utf-8', file.status === 404 ? 'not found\n' : 'forbidden\n');
    }
    const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
    const headers: Record<string, string> = {
      ETag: etag, 'Cache-Control': 'no-cache', 'Content-Security-Policy': REPORT_CSP, 'Content-Length': String(file.size),
    };
    const type = CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream';
    if (req.headers['if-none-match'] === etag) return send(res, 304, type, '', headers);
    res.writeHead(200, { ...SECURITY_HEADERS, ...headers, 'Content-Type': type });
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((done) => {
      const stream = createReadStream(file.path);
      stream.on('error', () => {
        res.destroy();
        done();
      });
      stream.on('end', done);
      stream.pipe(res);
    });
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' ? portInUse(host, opts.port ?? 8501, opts.portSetting) : err));
    server.listen(opts.port ?? 8501, host, () => ok());
  }).catch((err: unknown) => {
    watcher.stop();
    hub.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}/`,
    host,
    port,
    outDir,
    server,
    watcher,
    async close() {
      watcher.stop();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * The manifest as JSON in the page (with `cluster: true` when /cluster.json serves a task view;
 * placed before the script, so the page can read it whenever its module runs): the files the page
 * reads first, and report.html.
 */
function manifestMarkup(manifest: Manifest, dir: string, tables: readonly string[], cluster: boolean): string {
  const wanted = new Set(['summary.json', 'alerts.log', 'report.html', ...tables.map((t) => `arrow/${t}.arrow`)]);
  const listed = manifest.files.filter((f) => wanted.has(f.path));
  return html`<script type="application/json" id="logframe-manifest">${jsonScript({ version: manifest.version, dir, files: listed, ...(cluster ? { cluster: true } : {}) })}</script>`.text;
}

/** Host header check: on a loopback address only loopback names are accepted (DNS rebinding); elsewhere any. */
function hostCheck(bound: string): (header: string | undefined) => boolean {
  if (!LOOPBACK.has(bound)) return () => true;
  return (header) => {
    if (header === undefined) return false;
    const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
    return LOOPBACK.has(name.toLowerCase());
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(buf.length), ...headers });
  if (res.req.method === 'HEAD' || status === 304) res.end();
  else res.end(buf);
}
