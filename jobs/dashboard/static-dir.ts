/**
 * Where the page's static files live. tsc does not copy them to dist/, so both a source run
 * (jobs/dashboard/*.ts) and a dist run (dist/jobs/dashboard/*.js) resolve the source folder.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { staticFilesMissing } from './errors.js';

const CANDIDATES = [
  new URL('./static/', import.meta.url), // source: jobs/dashboard/static/
  new URL('../../../jobs/dashboard/static/', import.meta.url), // dist: dist/jobs/dashboard → jobs/dashboard/static/
];

let found: string | null = null;

/** Absolute path of jobs/dashboard/static/ (with a trailing separator). */
export function staticDir(): string {
  if (found !== null) return found;
  for (const url of CANDIDATES) {
    if (existsSync(new URL('index.html', url))) return (found = fileURLToPath(url));
  }
  throw staticFilesMissing(CANDIDATES.map((u) => fileURLToPath(u)));
}
