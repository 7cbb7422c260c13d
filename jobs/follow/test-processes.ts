/**
 * The job's CLI as child processes, for the tests that SIGKILL and restart a follower or a broker
 * consumer (`exactly-once.test.ts`, `jobs/broker/broker.test.ts`): run from source under tsx,
 * stderr collected, and every process still running killed when a test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'jobs/cli.ts');

export class CliProcesses {
  private readonly running = new Set<ChildProcess>();

  /** `npm run job -- cfg --quiet` from source; its stderr goes to `log`. */
  start(cfg: string, log: string[]): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, cfg, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    return child;
  }

  /** SIGKILL every process still running (a failed assertion must not leave one behind). */
  killAll(): void {
    for (const c of this.running) c.kill('SIGKILL');
  }
}

/** The exit code once the process has exited (null when a signal ended it). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
