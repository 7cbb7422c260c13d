/**
 * The built commands (dist/): `npm run dashboard` serves the page's static files from the source
 * tree (tsc does not copy them) and `npm run report` writes the report. Runs after `npm run build`
 * (as `npm test` does); skipped when dist/ is absent.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShared } from './shared.js';
import { writeFixture } from './testing/fixture.js';

const DIST = join(process.cwd(), 'dist', 'jobs', 'dashboard');
const built = existsSync(join(DIST, 'cli.js')) && existsSync(join(DIST, 'report-cli.js'));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logframe-cli-'));
  await writeFixture(dir, { minutes: 180, seed: 61 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(script: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(DIST, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe.skipIf(!built)('built commands', { timeout: 60_000 }, () => {
  it('npm run dashboard serves the page, its files and the vendor builds from dist', async () => {
    const child = spawn(process.execPath, [join(DIST, 'cli.js'), '--out', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) done(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="logframe-manifest"');
      const { panels } = await loadShared();
      for (const p of ['static/boot.js', 'static/app.js', 'static/model.js', 'static/panels.js', 'static/tables.js', 'static/dom.js', 'static/format.js', 'static/app.css', 'vendor/echarts.min.js', 'vendor/arrow.min.js', 'reports/summary.json', 'metrics']) {
        expect((await fetch(url + p)).status, p).toBe(200);
      }
      expect(panels.PANELS.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
  });

  it('npm run report writes report.html, dashboard.png and the snapshots', async () => {
    const r = await run('report-cli.js', ['--out', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/report\.html, .*dashboard\.png and 12 snapshots/);
    expect((await readFile(join(dir, 'report.html'), 'utf8')).startsWith('<!doctype html>')).toBe(true);
    expect((await stat(join(dir, 'dashboard.png'))).size).toBeGreaterThan(10_000);
  });

  it('exits 2 with a message on bad arguments or a folder without reports', async () => {
    expect((await run('cli.js', ['--port', 'abc'])).code).toBe(2);
    expect((await run('cli.js', ['--nope'])).code).toBe(2);
    // a taken port: one prefix, and the hint names this command's --port
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    const taken = await run('cli.js', ['--out', dir, '--port', String(port)]).finally(() => busy.close());
    expect(taken.code).toBe(1);
    expect(taken.err).toBe(`logframe dashboard: 127.0.0.1:${port} is already in use; pick another with --port (0 picks a free one) or stop the other server\n`);
    const r = await run('report-cli.js', ['--out', join(dir, 'missing')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no summary.json');
  });
});
