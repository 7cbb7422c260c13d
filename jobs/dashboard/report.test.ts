import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, SNAPSHOT_SIZE, writeStaticReport } from './report.js';
import { loadShared } from './shared.js';
import { CONTRACT_ONLY, HOSTILE, TODAY, writeFixture, type Fixture } from './testing/fixture.js';
import { decodePng, inkIn } from './testing/png.js';

let base: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'logframe-report-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Geometry of dashboard.png as composeGrid lays it out (padding 24, header 64, gap 16). */
function cells(): { x: number; y: number; w: number; h: number }[] {
  const out = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out.push({ x: 24 + c * (SNAPSHOT_SIZE.width + 16), y: 24 + 64 + r * (SNAPSHOT_SIZE.height + 16), w: SNAPSHOT_SIZE.width, h: SNAPSHOT_SIZE.height });
  }
  return out;
}

/** The report page must need nothing but itself: no script to run, nothing to fetch. */
function expectSelfContained(html: string): void {
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts).toEqual(['<script type="application/json" id="logframe-summary">']);
  expect(html).not.toMatch(/<link\b/);
  expect(html).not.toMatch(/<[^>]*\ssrc=/);
  expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
  const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  expect(urls.filter((u) => !u.startsWith('http://www.w3.org/'))).toEqual([]);
  for (const href of html.match(/href="[^"]*"/g) ?? []) expect(href).toMatch(/^href="(dashboard\.png|snapshots\/|summary\.json)"$/);
}

describe('npm run report', () => {
  let dir: string;
  let fx: Fixture;
  beforeAll(async () => {
    dir = join(base, 'full');
    fx = await writeFixture(dir, { seed: 21 });
  });

  it('writes report.html, dashboard.png and a snapshot per chart panel', async () => {
    const r = await writeStaticReport(dir, new Date(Date.UTC(2025, 0, 12, 9)));
    const { panels } = await loadShared();
    expect(r.html).toBe(join(dir, 'report.html'));
    expect((await readdir(join(dir, 'snapshots'))).sort()).toEqual(panels.PANELS.map((p) => `${p.id}.png`).sort());
    for (const p of r.snapshots) {
      const img = decodePng(await readFile(p));
      expect(img.width).toBe(SNAPSHOT_SIZE.width * 1.5);
    }
  });

  it('report.html is one self-contained file with the page\'s panels, totals and tables', async () => {
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expectSelfContained(html);
    const { panels, format } = await loadShared();
    for (const p of panels.PANELS) {
      expect(html).toContain(`data-panel="${p.id}"`);
      expect(html).toContain(`<h2>${p.title.replace('×', '×')}</h2>`);
    }
    expect(html).toContain(`<span class="kpi-value">${format.fmtInt(fx.summary.parsed)}</span>`);
    expect(html).toContain(`<span class="kpi-value">${format.fmtInt(fx.summary.errors)}</span>`);
    expect(html).toContain(`<span class="kpi-value">${format.fmtPct(fx.summary.error_rate)}</span>`);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(panels.PANELS.length);
    expect(html).toContain('<h2>Service health</h2>');
    expect(html).toContain('<h2>Recent alerts</h2>');
    expect(html).toContain('Investigate payment logs and its dependencies');
    const json = /<script type="application\/json" id="logframe-summary">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual(fx.summary);
  });

  it('dashboard.png has nine non-empty panels, each with drawn (colored) chart marks', async () => {
    const img = decodePng(await readFile(join(dir, 'dashboard.png')));
    expect(img.width).toBe(24 * 2 + 3 * SNAPSHOT_SIZE.width + 2 * 16);
    expect(img.height).toBe(24 * 2 + 64 + 3 * SNAPSHOT_SIZE.height + 2 * 16);
    for (const c of cells()) {
      const { ink, colored, total } = inkIn(img, c.x + 8, c.y + 8, c.w - 16, c.h - 16, [255, 255, 255]);
      expect(ink / total).toBeGreaterThan(0.02);
      expect(colored / total).toBeGreaterThan(0.003);
    }
    // The gutters between cards are the page background, not chart.
    const gutter = inkIn(img, 24 + SNAPSHOT_SIZE.width + 4, 200, 8, 400, [243, 245, 249], 4);
    expect(gutter.ink).toBe(0);
    await mkdir(join(process.cwd(), 'test-artifacts', 'dashboard'), { recursive: true });
    await copyFile(join(dir, 'dashboard.png'), join(process.cwd(), 'test-artifacts', 'dashboard', 'nine-panels.png'));
  });
});

describe('reports with fewer tables', () => {
  it('draws the nine panels from the tables the job writes today', async () => {
    const dir = join(base, 'today');
    await writeFixture(dir, { minutes: 1500, seed: 24, ...TODAY });
    await writeStaticReport(dir);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expectSelfContained(html);
    const img = decodePng(await readFile(join(dir, 'dashboard.png')));
    for (const c of cells()) expect(inkIn(img, c.x + 8, c.y + 8, c.w - 16, c.h - 16, [255, 255, 255]).colored / (c.w * c.h)).toBeGreaterThan(0.003);
  });

  it('still draws nine panels without detection tables, the missing ones with a note saying what they need', async () => {
    const dir = join(base, 'contract');
    await writeFixture(dir, { minutes: 600, seed: 22, ...CONTRACT_ONLY });
    await writeStaticReport(dir);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expectSelfContained(html);
    expect(html).toContain('No anomaly scores yet');
    expect(html).toContain('Health score not computed by this run');
    expect(html).toContain('response_time_histogram');
    expect(html).toContain('<span class="kpi-value">n/a</span>');
    const img = decodePng(await readFile(join(dir, 'dashboard.png')));
    for (const c of cells()) expect(inkIn(img, c.x + 8, c.y + 8, c.w - 16, c.h - 16, [255, 255, 255]).ink).toBeGreaterThan(200);
  });

  it('says so when there is no summary.json', async () => {
    const empty = join(base, 'empty');
    await mkdir(empty);
    await expect(buildReport(empty)).rejects.toThrow(/has no summary\.json/);
  });
});

describe('log text in the report', () => {
  it('is escaped: HTML and script in messages, templates, alerts and names stay text', async () => {
    const dir = join(base, 'hostile');
    await writeFixture(dir, { minutes: 240, seed: 23, hostile: true });
    const { html } = await buildReport(dir);
    expectSelfContained(html);
    expect(html).not.toContain('<script>window.__xss');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b onmouseover');
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt; failed for &lt;*&gt;');
    expect(html).toContain('&lt;script&gt;window.__xss=2&lt;/script&gt;');
    expect(html).toContain(`&lt;script&gt;window.__xss=6&lt;/script&gt; cascade`);
    expect(html).toContain('spike &lt;img src=x onerror=&quot;window.__xss=4&quot;&gt;');
    expect(HOSTILE.service).toContain('<b');
  });
});
