/**
 * Debian's chromium driven by playwright-core for the dashboard's browser tests: headless, no
 * sandbox (containers), no background network, a fresh profile per launch.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian installs chromium (`apt-get install chromium`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when the browser tests can run here. */
export const hasChromium = existsSync(CHROMIUM);

/** Folder for screenshots and timings (gitignored). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

/** The window the screenshots and timings are taken at. */
const VIEWPORT = { width: 1440, height: 900 };

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/**
 * One running browser that hands out fresh contexts (each with an empty cache and no cookies,
 * like an incognito window): how a person opens the dashboard in the browser they already have
 * open, where `launch` also pays for starting the browser.
 */
export async function launchBrowser(): Promise<{ newContext: () => Promise<BrowserContext>; close: () => Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    newContext: () => browser.newContext({ viewport: VIEWPORT }),
    close: () => browser.close(),
  };
}

/** A browser context with its own throwaway profile; `close` removes the profile. */
export async function launch(opts: { offline?: boolean; javaScript?: boolean } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'logframe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    offline: opts.offline ?? false,
    javaScriptEnabled: opts.javaScript ?? true,
    viewport: VIEWPORT,
    args: ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Create the artifacts folder and return the path of `name` in it. */
export async function artifact(name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
