/**
 * The output folder as the page sees it: a manifest of report files (path, size, mtime) and a
 * watcher that announces a new version whenever a run rewrites them. fs.watch gives speed,
 * a poll gives certainty (folders created later, network file systems, missed events).
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { confine } from './confine.js';

/** One report file, path relative to the output folder with `/` separators. */
export interface ReportFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** The manifest: a version (changes whenever any file does) and the files. */
export interface Manifest {
  version: string;
  files: ReportFile[];
}

/** Sub-folders that hold reports; anything else in the output folder is not listed. */
const SUBDIRS = ['csv', 'json', 'arrow', 'snapshots'];

/** List the report files of `root` (missing folder: none), each confined like a request would be. */
export async function listReports(root: string): Promise<ReportFile[]> {
  const candidates: string[][] = [];
  for (const name of await names(root)) {
    if (SUBDIRS.includes(name)) for (const child of await names(`${root}/${name}`)) candidates.push([name, child]);
    else candidates.push([name]);
  }
  const found = await Promise.all(candidates.map(async (segments) => {
    const c = await confine(root, segments);
    return c.ok ? { path: segments.join('/'), size: c.size, mtimeMs: c.mtimeMs } : null;
  }));
  return found.filter((f): f is ReportFile => f !== null).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** A short hash of the files' names, sizes and mtimes. */
export function versionOf(files: ReportFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\0${f.size}\0${f.mtimeMs}\n`);
  return h.digest('hex').slice(0, 16);
}

/** Options of `ReportWatcher`. */
export interface WatchOptions {
  /** Poll interval, ms (default 1000). */
  pollMs?: number;
  /** Quiet time after a file-system event before rescanning, ms (default 120): a run writes many files in a row. */
  debounceMs?: number;
}

/** Emits `change` (Manifest) when the report files change; `current()` is the latest manifest. */
export class ReportWatcher extends EventEmitter<{ change: [Manifest] }> {
  private manifest: Manifest = { version: versionOf([]), files: [] };
  private fsWatcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private readonly pollMs: number;
  private readonly debounceMs: number;

  constructor(private readonly root: string, opts: WatchOptions = {}) {
    super();
    this.pollMs = opts.pollMs ?? 1000;
    this.debounceMs = opts.debounceMs ?? 120;
  }

  /** Scan once and start watching. */
  async start(): Promise<void> {
    await this.scan();
    this.watchFs();
    this.poll = setInterval(() => void this.scan(), this.pollMs);
    this.poll.unref();
  }

  /** The latest manifest. */
  current(): Manifest {
    return this.manifest;
  }

  /** Rescan now (and emit if changed); resolves when the scan is done. */
  async refresh(): Promise<Manifest> {
    await this.scan();
    return this.manifest;
  }

  /** Stop watching and polling. */
  stop(): void {
    this.fsWatcher?.close();
    this.fsWatcher = null;
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.poll = this.debounce = null;
  }

  private watchFs(): void {
    try {
      this.fsWatcher = watch(this.root, { recursive: true, persistent: false }, () => this.schedule());
      this.fsWatcher.on('error', () => {
        // The folder was removed or replaced: the poll keeps going and re-arms the watch.
        this.fsWatcher?.close();
        this.fsWatcher = null;
      });
    } catch {
      this.fsWatcher = null; // no folder yet: the poll notices when it appears
    }
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.scan(), this.debounceMs);
    this.debounce.unref();
  }

  private readonly scanner = new Coalesced(async () => {
    const files = await listReports(this.root);
    const version = versionOf(files);
    if (this.fsWatcher === null && this.poll !== null) this.watchFs();
    if (version !== this.manifest.version) {
      this.manifest = { version, files };
      this.emit('change', this.manifest);
    }
  });

  private scan(): Promise<void> {
    return this.scanner.run();
  }
}

/**
 * Async work run one at a time: a call while it runs asks for one more run after it (calls in the
 * meantime make one), and the work itself may ask for one more by returning true.
 */
export class Coalesced {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly work: () => Promise<boolean | void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        if ((await this.work()) === true) this.again = true;
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
