/**
 * BGL_2k alert-line recall (`npm run eval`): BGL lines start with a label, `-` for a normal
 * line or an alert category (KERNDTLB, APPSEV, ...) for a line that raised an alert. How many
 * alert lines does the job surface, as an error-level line or inside an anomalous minute of
 * the whole system or of the line's component?
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { loadConfig } from '../config/index.js';
import { runJob } from '../run.js';

export interface BglRecall {
  alertLines: number;
  asErrors: number;
  inAnomalies: number;
  found: number;
  recall: number;
  /** Normal lines flagged the same way (the price of that recall). */
  normalFlagged: number;
  normalLines: number;
}

/** Run the shipped BGL example config and score it against the line labels. */
export async function bglRecall(config = 'config/examples/loghub-bgl.yaml'): Promise<BglRecall> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'logframe-bgl-'));
  try {
    const cfg = loadConfig(config, { out, workers: 2 });
    cfg.output.parsed = true;
    const outcome = await runJob(cfg);
    const labels = readFileSync(cfg.input.paths[0]!, 'utf8').split('\n').map((l) => l.replace(/\r$/, '').split(' ')[0]!);
    const parsed = tableFromIPC(readFileSync(path.join(out, 'parsed.arrow')));
    const anomalies = outcome.tables.find((t) => t.name === 'anomalies')!.rows;
    const flagged = new Set(anomalies.map((r) => `${r[0] as number}|${r[1] as string}`));
    const errors = new Set<string>(cfg.levels.error);
    const r: BglRecall = { alertLines: 0, asErrors: 0, inAnomalies: 0, found: 0, recall: 0, normalFlagged: 0, normalLines: 0 };
    const line = parsed.getChild('line')!;
    const level = parsed.getChild('level')!;
    const ts = parsed.getChild('timestamp')!;
    const svc = parsed.getChild('service')!;
    for (let i = 0; i < parsed.numRows; i++) {
      const label = labels[Number(line.get(i)) - 1];
      const isError = errors.has(String(level.get(i)));
      const t = ts.get(i) as number | null;
      const minute = t === null ? null : Math.floor(Number(t) / 60_000) * 60_000;
      const inAnomaly = minute !== null && (flagged.has(`${minute}|all`) || flagged.has(`${minute}|${String(svc.get(i))}`));
      if (label === '-') {
        r.normalLines++;
        if (isError || inAnomaly) r.normalFlagged++;
        continue;
      }
      r.alertLines++;
      if (isError) r.asErrors++;
      if (inAnomaly) r.inAnomalies++;
      if (isError || inAnomaly) r.found++;
    }
    r.recall = r.alertLines > 0 ? r.found / r.alertLines : 0;
    return r;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await bglRecall();
  process.stdout.write(`BGL_2k alert lines: ${r.alertLines}; surfaced ${r.found} (recall ${r.recall.toFixed(4)}): `
    + `${r.asErrors} as error-level lines, ${r.inAnomalies} inside anomalous minutes; `
    + `normal lines flagged the same way: ${r.normalFlagged} of ${r.normalLines}\n`);
}
