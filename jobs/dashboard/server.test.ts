import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonFile } from '../report/write.js';
import { startDashboard, type Dashboard } from './server.js';
import { writeFixture, type Fixture } from './testing/fixture.js';
import { staticDir } from './static-dir.js';

const SECRET = 'TOPSECRET-do-not-serve';
let base: string;
let dir: string;
let dash: Dashboard;
let fx: Fixture;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET with the path sent exactly as written (fetch would normalise `..` away before sending). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: dash.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** A raw request line over a socket (for request targets http.request refuses to send). */
function raw(requestLine: string): Promise<string> {
  return new Promise((done, fail) => {
    const sock = connect(dash.port, '127.0.0.1', () => sock.end(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let text = '';
    sock.on('data', (c) => (text += c.toString('latin1')));
    sock.on('end', () => done(text));
    sock.on('error', fail);
  });
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'logframe-server-'));
  dir = join(base, 'out');
  await mkdir(dir);
  fx = await writeFixture(dir, { minutes: 180, seed: 11 });
  await writeFile(join(base, 'secret.json'), JSON.stringify({ secret: SECRET }));
  await writeFile(join(base, 'secret.arrow'), SECRET);
  await symlink(join(base, 'secret.json'), join(dir, 'evil.json'));
  await symlink(join(base, 'secret.arrow'), join(dir, 'arrow', 'evil.arrow'));
  await symlink(base, join(dir, 'csv', 'up'));
  await writeFile(join(dir, '.summary.json.123.abcdefabcdef.tmp'), SECRET);
  dash = await startDashboard({ outDir: dir, port: 0, pollMs: 200 });
});

afterAll(async () => {
  await dash.close();
  await rm(base, { recursive: true, force: true });
});

describe('serving', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(dash.host).toBe('127.0.0.1');
    expect(dash.url).toBe(`http://127.0.0.1:${dash.port}/`);
  });

  it('serves the page with security headers', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toMatch(/^default-src 'self'/);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).not.toContain('unsafe');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.body.toString()).toContain('<script src="/static/boot.js" type="module"></script>');
  });

  it('inlines the stylesheet, allowed by its hash alone, on a 200 and on a 304; gzips the page when asked', async () => {
    const r = await get('/');
    const page = r.body.toString();
    const css = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1];
    expect(css).toBe(await readFile(join(staticDir(), 'app.css'), 'utf8'));
    expect(page).not.toContain('href="/static/app.css"');
    const hash = `'sha256-${createHash('sha256').update(css!).digest('base64')}'`;
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain(`style-src 'self' ${hash};`);
    expect(csp).not.toContain('unsafe');
    const again = await get('/', { 'If-None-Match': String(r.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.headers['content-security-policy']).toBe(csp);
    const gz = await get('/', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(page);
  });

  it('carries the first paint of the current version', async () => {
    const page = (await get('/')).body.toString();
    expect(page).toContain(`data-first-paint="${dash.watcher.current().version}"`);
    expect(page).toContain(`elementtiming="kpi-total">${fx.summary.parsed.toLocaleString('en-US')}</span>`);
  });

  it('serves the whitelisted vendor builds, gzipped when asked', async () => {
    const plain = await get('/vendor/echarts.min.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const gz = await get('/vendor/arrow.min.js', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toContain('tableFromIPC');
    const again = await get('/vendor/echarts.min.js', { 'If-None-Match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('serves nothing else from node_modules or the project', async () => {
    for (const p of ['/node_modules/echarts/package.json', '/vendor/echarts.js', '/static/types.d.ts', '/static/tsconfig.json', '/package.json', '/jobs/dashboard/server.ts', '/static/../server.ts']) {
      const r = await get(p);
      expect([403, 404]).toContain(r.status);
    }
  });

  it('serves the report files of its folder', async () => {
    const s = await get('/reports/summary.json');
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(s.body.toString())).toEqual(fx.summary);
    expect(s.headers['content-security-policy']).toContain('sandbox');
    const a = await get('/reports/arrow/errors_by_minute.arrow');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/vnd.apache.arrow.file');
    expect(a.body.equals(await readFile(join(dir, 'arrow', 'errors_by_minute.arrow')))).toBe(true);
    expect((await get('/reports/alerts.log')).headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await get('/reports/csv/errors_per_service.csv')).status).toBe(200);
  });

  it('lists the report files in the manifest, without hidden or outside files', async () => {
    const r = await get('/api/manifest');
    const m = JSON.parse(r.body.toString()) as { version: string; dir: string; files: { path: string }[] };
    const paths = m.files.map((f) => f.path);
    expect(m.dir).toBe('out');
    expect(paths).toContain('summary.json');
    expect(paths).toContain('arrow/minute_level_service.arrow');
    expect(paths.filter((p) => p.includes('evil') || p.startsWith('.') || p.includes('up'))).toEqual([]);
  });

  it('answers GET and HEAD only', async () => {
    expect((await get('/', {}, 'POST')).status).toBe(405);
    expect((await get('/reports/summary.json', {}, 'DELETE')).status).toBe(405);
    const head = await get('/reports/summary.json', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('refuses Host names other than loopback (DNS rebinding)', async () => {
    expect((await get('/reports/summary.json', { Host: 'attacker.example' })).status).toBe(421);
    expect((await get('/', { Host: `localhost:${dash.port}` })).status).toBe(200);
  });
});

describe('confinement to the output folder', () => {
  const attempts = [
    '/reports/../package.json',
    '/reports/../../etc/passwd',
    '/reports/arrow/../../secret.json',
    '/reports/%2e%2e/secret.json',
    '/reports/%2E%2E/secret.json',
    '/reports/..%2fsecret.json',
    '/reports/%2e%2e%2fsecret.json',
    '/reports/%252e%252e/secret.json',
    '/reports/..%5csecret.json',
    '/reports/..\\secret.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/reports//etc/passwd',
    '/reports/%2Fetc%2Fpasswd',
    '/reports/evil.json',
    '/reports/arrow/evil.arrow',
    '/reports/csv/up/secret.json',
    '/reports/.summary.json.123.abcdefabcdef.tmp',
    '/reports/summary.json%00.png',
    '/reports/arrow',
  ];

  it.each(attempts)('refuses %s', async (path) => {
    const r = await get(path);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.toString()).not.toContain(SECRET);
    expect(r.body.toString()).not.toContain('root:');
  });

  it('refuses an absolute file path, encoded', async () => {
    const r = await get(`/reports/${encodeURIComponent(join(base, 'secret.json'))}`);
    expect(r.status).toBe(403);
    expect(r.body.toString()).not.toContain(SECRET);
  });

  it('refuses an absolute request target', async () => {
    const text = await raw(`GET http://127.0.0.1:${dash.port}/reports/../../secret.json HTTP/1.1`);
    expect(text).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(text).not.toContain(SECRET);
  });
});

describe('server-sent events', () => {
  it('announces a new version when a run rewrites the reports', async () => {
    const events: { event: string; data: string }[] = [];
    let notify: () => void = () => undefined;
    const req = request({ host: '127.0.0.1', port: dash.port, path: '/events' }, (res) => {
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data });
          notify();
        }
      });
    });
    req.end();
    const waitFor = (pred: () => boolean): Promise<void> => new Promise((done, fail) => {
      const t = setTimeout(() => fail(new Error(`timed out; events: ${JSON.stringify(events)}`)), 10_000);
      const check = (): void => {
        if (pred()) {
          clearTimeout(t);
          done();
        }
      };
      notify = check;
      check();
    });
    try {
      await waitFor(() => events.length >= 1);
      const first = JSON.parse(events[0]!.data).version as string;
      expect(events[0]!.event).toBe('reports');
      await writeJsonFile(join(dir, 'summary.json'), { ...fx.summary, lines: fx.summary.lines + 1 });
      await waitFor(() => events.some((e) => e.event === 'reports' && JSON.parse(e.data).version !== first));
      const manifest = JSON.parse((await get('/api/manifest')).body.toString()) as { version: string };
      expect(manifest.version).toBe(JSON.parse(events[events.length - 1]!.data).version);
    } finally {
      req.destroy();
    }
  });
});

describe('a folder name with $ in it', () => {
  it('goes into the page as it is (no replacement patterns: $\' $& $$)', async () => {
    const weird = join(base, "out$'$&$$");
    await mkdir(weird);
    await writeFixture(weird, { minutes: 30, seed: 5 });
    const d = await startDashboard({ outDir: weird, port: 0, pollMs: 200 });
    try {
      const body = await new Promise<string>((done, fail) => {
        const req = request({ host: '127.0.0.1', port: d.port, path: '/' }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => done(text));
        });
        req.on('error', fail);
        req.end();
      });
      const json = /<script type="application\/json" id="logframe-manifest">(.*?)<\/script>/s.exec(body)![1]!;
      expect((JSON.parse(json) as { dir: string }).dir).toBe("out$'$&$$");
      expect(body.split('/static/boot.js').length - 1).toBe(1);
    } finally {
      await d.close();
    }
  });
});
