/** The page's static markup: CSP-clean (no inline script, style or handlers) and laid out as PANEL_LAYOUT says (report.html reuses it). */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadShared, type Shared } from './shared.js';
import { staticDir } from './static-dir.js';

let page: string;
let shared: Shared;

beforeAll(async () => {
  page = await readFile(join(staticDir(), 'index.html'), 'utf8');
  shared = await loadShared();
});

describe('index.html', () => {
  it('has no inline script, style attribute or event handler (the CSP forbids them)', () => {
    for (const tag of page.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/(static|vendor)\//);
    expect(page).not.toMatch(/<style\b/);
    expect(page).not.toMatch(/\sstyle=/);
    expect(page).not.toMatch(/\son[a-z]+=/);
  });

  it('holds the manifest before its one script, boot.js, and asks for nothing else before the first paint', () => {
    const at = (s: string): number => page.indexOf(s);
    expect(at('<!-- logframe:manifest -->')).toBeGreaterThan(0);
    expect(at('<!-- logframe:manifest -->')).toBeLessThan(at('<script src="/static/boot.js" type="module"></script>'));
    // the other scripts and the reports are asked for by boot.js after the first paint
    expect(page.match(/<script\b/g)).toHaveLength(1);
    expect(page).not.toMatch(/rel="(module)?preload"/);
  });

  it('has one section per chart panel, sized as PANEL_LAYOUT says', () => {
    for (const p of shared.panels.PANELS) {
      const m = new RegExp(`<section class="card panel col-(\\d+)" data-panel="${p.id}">[\\s\\S]*?<div class="chart h-(\\d+)"></div>`).exec(page);
      expect(m, p.id).not.toBeNull();
      expect({ cols: Number(m![1]), height: Number(m![2]) }).toEqual(shared.panels.PANEL_LAYOUT[p.id]);
      expect(page).toContain(`<h2>${p.title}</h2>`);
    }
    expect(shared.panels.NINE.every((id) => shared.panels.PANELS.some((p) => p.id === id))).toBe(true);
  });

  it('has a card for every key metric', () => {
    for (const id of ['kpi-total', 'kpi-errors', 'kpi-rate', 'kpi-health', 'kpi-alerts', 'kpi-anomalies', 'kpi-incidents', 'kpi-p95']) expect(page).toContain(`id="${id}"`);
  });
});

describe('the browser modules', () => {
  it('type-check against types.d.ts (tsc with checkJs, strict)', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = promisify(execFile);
    const r = await run(process.execPath, [tsc, '-p', staticDir()]).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? 'failed' }));
    expect(`${r.stdout}${r.stderr}`).toBe('');
  }, 120_000);
});
