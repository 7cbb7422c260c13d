import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { dashboardFromConfig } from './config.js';
import { writeFixture } from './testing/fixture.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logframe-dash-config-'));
  await writeFixture(join(dir, 'out'), { minutes: 60, seed: 71 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function config(enabled: boolean): Promise<ReturnType<typeof loadConfig>> {
  const file = join(dir, `pipeline-${enabled}.yaml`);
  await writeFile(file, `input: {paths: [x.log]}\noutput: {dir: ${JSON.stringify(join(dir, 'out'))}}\ndashboard: {enabled: ${enabled}, host: 127.0.0.1, port: 8501}\n`);
  return loadConfig(file);
}

describe('dashboard.enabled in the job config', () => {
  it('starts nothing when disabled', async () => {
    expect(await dashboardFromConfig(await config(false))).toBeNull();
  });

  it('names dashboard.port in the config, not a --port flag the job lacks, when the port is taken', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const c = await config(true);
      await expect(dashboardFromConfig({ ...c, dashboard: { ...c.dashboard, port } })).rejects.toThrow(
        new Error(`dashboard: 127.0.0.1:${port} is already in use; pick another with dashboard.port in the config (0 picks a free one) or stop the other server`),
      );
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it('serves the config\'s output folder on its host when enabled', async () => {
    const c = await config(true);
    const dash = await dashboardFromConfig({ ...c, dashboard: { ...c.dashboard, port: 0 } });
    try {
      expect(dash).not.toBeNull();
      expect(dash!.outDir).toBe(join(dir, 'out'));
      expect(dash!.host).toBe('127.0.0.1');
      expect((await fetch(`${dash!.url}reports/summary.json`)).status).toBe(200);
    } finally {
      await dash?.close();
    }
  });
});
