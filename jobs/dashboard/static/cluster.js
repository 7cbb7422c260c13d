// @ts-check
/**
 * The cluster task view (engine.executor: cluster): tasks by state, per worker host, recent
 * failures, read from the server's /cluster.json. The panel stays hidden while the endpoint
 * answers 404 (a local run); a 503 (Redis not answering) shows the reason. Host names and error
 * messages come from other machines: they go into the DOM as text only (dom.js).
 */
import { el, setChildren, setText, tableNode } from './dom.js';
import { fmtInt, fmtTime } from './format.js';

/** @typedef {import('./types').ClusterStatus} ClusterStatus */

/** BullMQ states in the order the cards show them, with their labels. */
export const STATES = /** @type {const} */ ([
  ['waiting', 'Waiting'], ['active', 'Active'], ['delayed', 'Retry backoff'], ['completed', 'Completed'], ['failed', 'Failed'],
]);

/** Bytes as B / kB / MB / GB. @param {number} b */
export function fmtBytes(b) {
  if (!Number.isFinite(b)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = b;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * The host table as table data (text cells only).
 * @param {ClusterStatus} s
 * @returns {import('./tables.js').TableData}
 */
export function hostTable(s) {
  return {
    columns: [
      { label: 'Host', cls: 'wrap' }, { label: 'Workers', num: true }, { label: 'Active', num: true }, { label: 'Tasks', num: true },
      { label: 'Bytes', num: true }, { label: 'Throughput', num: true }, { label: 'Retried', num: true }, { label: 'Failed', num: true },
      { label: 'Last seen (UTC)', cls: 'nowrap' }, { label: 'Last error', cls: 'wrap' },
    ],
    rows: s.hosts.map((h) => [
      { strong: String(h.host) }, fmtInt(h.workers), fmtInt(h.active), fmtInt(h.tasks), fmtBytes(h.bytes),
      h.bytesPerSec > 0 ? `${fmtBytes(h.bytesPerSec)}/s` : '–', fmtInt(h.retried), fmtInt(h.failed),
      h.lastSeen ? fmtTime(Date.parse(h.lastSeen), true).slice(11) : '–', h.lastError ? String(h.lastError) : '',
    ]),
    empty: 'No host has run a task yet.',
    meta: `${fmtInt(s.workers.length)} worker process${s.workers.length === 1 ? '' : 'es'} connected`,
    note: null,
  };
}

/** @param {ClusterStatus} s */
function renderStatus(s) {
  const section = /** @type {HTMLElement} */ (document.getElementById('cluster'));
  setText('cluster-meta', `queue ${s.queue} · ${fmtTime(Date.parse(s.at), true)} UTC`);
  const down = /** @type {HTMLElement} */ (document.getElementById('cluster-down'));
  down.hidden = true;
  down.textContent = '';
  setChildren(/** @type {HTMLElement} */ (document.getElementById('cluster-states')), STATES.map(([key, label]) => el('div', {
    class: `cstate${key === 'failed' && (s.counts[key] ?? 0) > 0 ? ' tone-red' : ''}`, dataset: { state: key },
  }, el('span', { class: 'kpi-label' }, label), el('span', { class: 'cstate-value' }, fmtInt(s.counts[key] ?? 0)))));
  const done = s.perMinute.completed.reduce((a, b) => a + b, 0);
  const failed = s.perMinute.failed.reduce((a, b) => a + b, 0);
  setText('cluster-rate', `last ${s.perMinute.completed.length} min: ${fmtInt(done)} completed, ${fmtInt(failed)} failed`);
  setChildren(/** @type {HTMLElement} */ (document.getElementById('cluster-hosts')), tableNode(hostTable(s)));
  setText('cluster-hosts-meta', hostTable(s).meta);
  setChildren(/** @type {HTMLElement} */ (document.getElementById('cluster-failures')), s.failures.length === 0
    ? el('div', { class: 'empty' }, 'No failed tasks.')
    : s.failures.map((f) => el('div', { class: 'alert' },
      el('span', { class: 'sev', style: { background: '#dc2626' } }, `${fmtInt(f.attempts)}×`),
      el('div', { class: 'alert-msg' }, String(f.reason)),
      el('div', { class: 'alert-meta' }, `${f.at ? `${fmtTime(Date.parse(f.at), true)} UTC · ` : ''}${String(f.file)} bytes ${fmtInt(f.start)}–${fmtInt(f.end)} · task ${String(f.id)}`))));
  section.dataset.state = 'ok';
  section.hidden = false;
}

/** @param {string} reason */
function renderDown(reason) {
  const section = /** @type {HTMLElement} */ (document.getElementById('cluster'));
  const down = /** @type {HTMLElement} */ (document.getElementById('cluster-down'));
  down.textContent = `Cluster status unavailable: ${reason}`;
  down.hidden = false;
  section.dataset.state = 'down';
  section.hidden = false;
}

/**
 * Poll /cluster.json: at once, then every `everyMs` while `active()` says so, and on `refresh()`.
 * A 404 (no cluster) stops it and leaves the panel hidden.
 * @param {{ everyMs?: number, active?: () => boolean }} [opts]
 */
export function startClusterView(opts = {}) {
  const everyMs = opts.everyMs ?? 5000;
  const active = opts.active ?? (() => true);
  let stopped = false;
  let busy = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  const refresh = async () => {
    if (stopped || busy) return;
    busy = true;
    try {
      const res = await fetch('/cluster.json', { cache: 'no-store' });
      if (res.status === 404) {
        stopped = true;
        return;
      }
      if (!res.ok) renderDown((await res.text()).trim() || `HTTP ${res.status}`);
      else renderStatus(/** @type {ClusterStatus} */ (await res.json()));
    } catch (err) {
      renderDown(err instanceof Error ? err.message : String(err));
    } finally {
      busy = false;
    }
  };
  const tick = async () => {
    if (active()) await refresh();
    if (!stopped) timer = setTimeout(tick, everyMs);
  };
  void tick();
  return {
    refresh,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
