/**
 * The job's hook: with `dashboard.enabled: true` a follow run serves the dashboard of its own
 * output folder while it rewrites the reports.
 */
import type { Config } from '../config/types.js';
import { startDashboard, type Dashboard } from './server.js';

/** Start the dashboard described by a validated job config, or resolve null when `dashboard.enabled` is false. */
export async function dashboardFromConfig(config: Config, log?: (line: string) => void): Promise<Dashboard | null> {
  if (!config.dashboard.enabled) return null;
  const cluster = config.engine.executor === 'cluster' && config.engine.redis ? { redis: config.engine.redis, queue: config.engine.queue } : undefined;
  // The job has no --port flag: a taken port is changed in the config.
  return startDashboard({ outDir: config.output.dir, host: config.dashboard.host, port: config.dashboard.port, portSetting: 'dashboard.port in the config', log, cluster });
}
