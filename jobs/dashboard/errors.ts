/**
 * Every error the dashboard and report commands raise, made in one place: each says what
 * failed, where, and what to do.
 */

/** The page's static files were not found beside the module (source run) or in the source tree (dist run). */
export function staticFilesMissing(tried: string[]): Error {
  return new Error(`dashboard: cannot find the page's static files (index.html); looked in ${tried.join(', ')}. Run from a logframe checkout, or rebuild with npm run build`);
}

/** A vendor script (echarts / apache-arrow browser build) is not installed. */
export function vendorMissing(name: string, path: string): Error {
  return new Error(`dashboard: ${name} browser build not found at ${path}; run npm install (or npm ci) in the project folder`);
}

/** The page's echarts build (bundle.ts) has not been made. */
export function echartsBuildMissing(path: string): Error {
  return new Error(`dashboard: the page's echarts build is not at ${path}; run npm run build (it bundles echarts after tsc)`);
}

/** The port is taken; `setting` is where this command takes another ('--port', or dashboard.port in a job's config). */
export function portInUse(host: string, port: number, setting = '--port'): Error {
  return new Error(`dashboard: ${host}:${port} is already in use; pick another with ${setting} (0 picks a free one) or stop the other server`);
}

/** The warning of a batch run with dashboard.enabled: only follow mode serves the dashboard. */
export function dashboardNotServedInBatch(outDir: string): string {
  return `dashboard.enabled is set, but a batch run does not serve the dashboard (follow mode does: --follow or input.follow: true); `
    + `to view this run's reports: npm run dashboard -- --out ${outDir}`;
}

/** A bad command-line value. */
export function badOption(flag: string, value: string, want: string): Error {
  return new Error(`${flag} ${JSON.stringify(value)} is not valid; expected ${want}`);
}

/** The output folder holds no report yet. */
export function noReports(dir: string): Error {
  return new Error(`report: ${dir} has no summary.json; run the job first (npm run job -- config/pipeline.yaml) or pass --out DIR`);
}
