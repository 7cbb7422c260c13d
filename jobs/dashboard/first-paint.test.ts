/** The server's first paint: the default view's numbers, escaped, in the real index.html; one computation per report version. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_VIEW_PANELS, FirstPaintCache, buildFirstPaint, chartWidth, paintPage } from './first-paint.js';
import { loadShared, type Shared } from './shared.js';
import { staticDir } from './static-dir.js';
import { HOSTILE, writeFixture } from './testing/fixture.js';
import { ReportWatcher } from './watch.js';

let base: string;
let shared: Shared;
let template: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'logframe-first-paint-'));
  shared = await loadShared();
  template = await readFile(join(staticDir(), 'index.html'), 'utf8');
});

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

describe('first paint', () => {
  it('sizes the pictures as the page lays out its charts at 1440 px', () => {
    // what .chart measures in chromium at 1440x900 (col-8, col-4, col-6, col-3)
    expect([8, 4, 6, 3].map(chartWidth)).toEqual([894, 426, 660, 309]);
  });

  it('writes the default view\'s KPIs, chips and the charts in view into the page, every data string escaped', async () => {
    const dir = join(base, 'hostile');
    const fx = await writeFixture(dir, { minutes: 600, seed: 41, hostile: true });
    const p = (await buildFirstPaint(dir, 'v1'))!;
    const page = paintPage(template, p, shared);
    const f = shared.format;
    expect(page).toContain('<html lang="en" data-first-paint="v1">');
    expect(page).toContain(`<span class="kpi-value" elementtiming="kpi-total">${f.fmtInt(fx.summary.parsed)}</span>`);
    expect(page).toContain(`<span class="kpi-value" elementtiming="kpi-errors">${f.fmtInt(fx.summary.errors)}</span>`);
    expect(page).toContain(`<span class="kpi-value" elementtiming="kpi-rate">${f.fmtPct(fx.summary.error_rate)}</span>`);
    for (const id of ['kpi-total', 'kpi-errors', 'kpi-rate', 'kpi-health', 'kpi-alerts', 'kpi-anomalies', 'kpi-incidents', 'kpi-p95']) {
      expect(page).toContain(`elementtiming="${id}"`);
    }
    for (const id of FIRST_VIEW_PANELS) {
      const m = new RegExp(`data-panel="${id}">[\\s\\S]*?<img class="first-paint" elementtiming="panel:${id}" alt="" width="(\\d+)" height="(\\d+)" src="data:image/png;base64,[A-Za-z0-9+/]+=*"></div>`).exec(page);
      expect(m, id).not.toBeNull();
      const layout = shared.panels.PANEL_LAYOUT[id]!;
      expect([Number(m![1]), Number(m![2])]).toEqual([chartWidth(layout.cols), layout.height]);
    }
    // the hostile service is a chip, as text
    expect(page).toContain('data-service="&lt;b onmouseover=&quot;window.__xss=7&quot;&gt;svc&lt;/b&gt;"');
    expect(page).toContain('<span class="chip-text">&lt;b onmouseover=&quot;window.__xss=7&quot;&gt;svc&lt;/b&gt;</span>');
    // nothing from the data became markup: no tag or handler beyond the template's own
    for (const s of Object.values(HOSTILE)) expect(page).not.toContain(s);
    expect(page).not.toMatch(/<img (?!class="first-paint")/);
    const tags = page.replace(/"[^"]*"/g, '""'); // attribute values emptied: what is left is markup
    expect(tags).not.toMatch(/<script>|<[a-z]+\b[^<>]*\son[a-z]+=/i);
    expect(page.match(/<script\b/g)).toHaveLength((template.match(/<script\b/g) ?? []).length);
    // the pictures are PNG data URLs (an <img> runs no script and loads nothing)
    for (const m of page.matchAll(/src="(data:[^"]*)"/g)) expect(m[1]).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  });

  it('is absent without reports, and the plain template still works', async () => {
    const dir = join(base, 'empty');
    expect(await buildFirstPaint(dir, 'v0')).toBeNull();
  });

  it('is computed once per version, and again when a run rewrites the folder', async () => {
    const dir = join(base, 'versions');
    const fx1 = await writeFixture(dir, { minutes: 240, seed: 7 });
    const watcher = new ReportWatcher(dir, { pollMs: 60_000 });
    await watcher.start();
    try {
      const cache = new FirstPaintCache(dir, watcher);
      const v1 = watcher.current().version;
      expect(cache.get(v1)).toBeNull();
      await cache.warm();
      expect(cache.get(v1)?.kpis.find((k) => k.id === 'kpi-total')?.value).toBe(shared.format.fmtInt(fx1.summary.parsed));
      const first = cache.get(v1);
      await cache.warm();
      expect(cache.get(v1)).toBe(first); // same version: not recomputed
      const fx2 = await writeFixture(dir, { minutes: 300, seed: 8 });
      const v2 = (await watcher.refresh()).version;
      expect(v2).not.toBe(v1);
      expect(cache.get(v2)).toBeNull();
      await cache.warm();
      expect(cache.get(v1)).toBeNull();
      expect(cache.get(v2)?.kpis.find((k) => k.id === 'kpi-total')?.value).toBe(shared.format.fmtInt(fx2.summary.parsed));
    } finally {
      watcher.stop();
    }
  });
});
