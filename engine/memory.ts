/**
 * A full garbage collection at a phase boundary of a batch job.
 *
 * V8 sizes its heap by allocation, not by what is alive: after the job's scan the main heap held
 * about 160 MB of which 45 MB were alive (5M-line benchmark file), and with the main thread then
 * waiting on the line pass's workers nothing allocated, so nothing collected it and it stayed in
 * the peak RSS. A job knows when a phase's garbage is done with; collecting there costs tens of
 * milliseconds. `global.gc` is used when the process runs with `--expose-gc`; otherwise it is
 * taken from V8 once through the documented `--expose-gc` flag and a new vm context (V8 installs
 * `gc` in contexts created while the flag is set; it is unset right after).
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  if (gc !== undefined) return gc;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return (gc = exposed);
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    v8.setFlagsFromString('--no-expose-gc');
    gc = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    gc = null;
  }
  return gc;
}

/** Collect garbage now (a full, blocking collection); does nothing where V8 does not allow it. */
export function collectGarbage(): void {
  gcFunction()?.();
}
