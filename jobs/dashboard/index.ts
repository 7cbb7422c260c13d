/** The dashboard: a live web page over one output folder, /metrics, and the static report. */
export { startDashboard, PAGE_CSP, REPORT_CSP, type Dashboard, type DashboardOptions } from './server.js';
export { dashboardFromConfig } from './config.js';
export { writeStaticReport, buildReport, type ReportFiles, type BuiltReport } from './report.js';
export { ReportMetrics, readSnapshot, type MetricsSnapshot } from './metrics.js';
export { ReportWatcher, listReports, type Manifest, type ReportFile } from './watch.js';
