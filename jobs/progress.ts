/** A progress bar on stderr (TTY only): bytes, lines/s and ETA, redrawn at most 10 times a second. */
import type { Progress } from '../engine/scheduler.js';

function human(n: number, unit = ''): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${n.toFixed(n >= 100 || i === 0 ? 0 : 1)}${units[i]}${unit}`;
}

/** Bytes in binary units (MiB). */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export { human };

/** Returns an onProgress callback and a function that clears the bar. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update: (p: Progress) => void; done: () => void } {
  let last = 0;
  let shown = false;
  const width = 30;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.partitionsDone < p.partitionsTotal) return;
      last = now;
      const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
      const filled = Math.round(frac * width);
      const eta = frac > 0 && frac < 1 ? ((p.elapsedMs / frac - p.elapsedMs) / 1000).toFixed(1) + 's' : '-';
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  `
        + `${bytes(p.bytesDone)}/${bytes(p.bytesTotal)}  ${human(p.lines)} lines  ${human(p.linesPerSec)} lines/s  ETA ${eta}`;
      stream.write(`\r${line}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
