// @ts-check
/**
 * DOM building for the page. Every string from the data goes in as a text node or an attribute
 * value, never through innerHTML, so log text shows as text and runs nothing.
 */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {{ class?: string, title?: string, style?: Record<string, string>, dataset?: Record<string, string>, [attr: string]: unknown }} Props
 */

/** Create `<tag>` with attributes (values set as attributes, styles through CSSOM) and children (strings become text). */
export function el(/** @type {string} */ tag, /** @type {Props} */ props = {}, /** @type {(Child | Child[])[]} */ ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = String(v);
    else if (k === 'style') for (const [sk, sv] of Object.entries(/** @type {Record<string, string>} */ (v))) node.style.setProperty(sk, sv);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (typeof v === 'function') node.addEventListener(k.replace(/^on/, ''), /** @type {EventListener} */ (v));
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

/** @param {Node} node @param {(Child | Child[])[]} children */
function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replace the children of `node`. */
export function setChildren(/** @type {Element} */ node, /** @type {(Child | Child[])[]} */ ...children) {
  node.replaceChildren();
  append(node, children);
}

/** Set the text of the element with this id (missing element: nothing). */
export function setText(/** @type {string} */ id, /** @type {string} */ text) {
  const node = document.getElementById(id);
  if (node) node.textContent = text;
}

/** The node of a table cell (see tables.js): text stays text. */
export function cellNode(/** @type {import('./tables.js').Cell} */ cell) {
  if (typeof cell === 'string') return document.createTextNode(cell);
  if ('strong' in cell) return el('strong', {}, cell.strong);
  if ('badge' in cell) return badge(cell.badge, cell.color);
  if ('status' in cell) return el('span', { class: `status status-${cell.status}`, style: { color: cell.color } }, cell.status);
  if ('bar' in cell) {
    return el('span', {}, cell.text, el('div', { class: 'bar' }, el('span', { style: { width: `${Math.round(100 * Math.max(0, Math.min(1, cell.bar)))}%` } })));
  }
  return el('span', {}, cell.text, cell.sub ? el('div', { class: 'sub' }, cell.sub) : null);
}

/** A `<table>` of table data, or its empty text. */
export function tableNode(/** @type {import('./tables.js').TableData} */ data) {
  if (data.rows.length === 0) return el('div', { class: 'empty' }, data.empty);
  return el('table', {},
    el('thead', {}, el('tr', {}, data.columns.map((c) => el('th', { class: c.num ? 'num' : undefined }, c.label)))),
    el('tbody', {}, data.rows.map((r) => el('tr', {}, r.map((cell, j) => {
      const c = data.columns[j];
      const cls = [c?.num ? 'num' : '', c?.cls ?? ''].join(' ').trim();
      return el('td', { class: cls || undefined }, cellNode(cell));
    })))),
  );
}

/** A colored severity badge. */
export function badge(/** @type {string} */ text, /** @type {string} */ color) {
  return el('span', { class: 'sev', style: { background: color } }, text || '–');
}

/**
 * @typedef {{ seriesName?: string, name?: string, value?: unknown, color?: unknown, data?: unknown, axisValue?: unknown, marker?: string }} TipParam
 */

/**
 * echarts tooltip formatter that returns a DOM node: an item's own `tip` lines when it has them,
 * else series name and value. echarts appends the node; nothing is parsed as HTML.
 * @param {(value: unknown) => string} fmtAxis formats the axis value (time) for the header
 * @returns {(params: TipParam | TipParam[]) => HTMLElement}
 */
export function tooltipFormatter(fmtAxis) {
  return (params) => {
    const list = Array.isArray(params) ? params : [params];
    const box = el('div', { class: 'tip' });
    const withTip = list.find((p) => tipOf(p) !== null);
    // An item that carries its own lines says it best (bars, pies, a bucket of the error series).
    if (withTip && (list.length === 1 || withTip.seriesName !== 'marked anomalies')) {
      const lines = /** @type {string[]} */ (tipOf(withTip));
      box.append(el('div', { class: 'tip-head' }, lines[0] ?? ''), ...lines.slice(1).map((l) => el('div', { class: 'tip-line' }, l)));
      return box;
    }
    const head = list[0]?.axisValue;
    box.append(el('div', { class: 'tip-head' }, head !== undefined ? fmtAxis(head) : String(list[0]?.name ?? '')));
    for (const p of list) {
      const lines = tipOf(p);
      if (lines) {
        for (const l of lines.slice(1)) box.append(el('div', { class: 'tip-line' }, dot('#dc2626'), l));
        continue;
      }
      const v = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
      box.append(el('div', { class: 'tip-line' }, dot(typeof p.color === 'string' ? p.color : '#94a3b8'), `${p.seriesName ?? ''}: ${fmtValue(v)}`));
    }
    return box;
  };
}

/** @param {TipParam} p @returns {string[] | null} */
function tipOf(p) {
  const d = /** @type {{ tip?: unknown } | null | undefined} */ (p.data);
  return d && typeof d === 'object' && Array.isArray(d.tip) ? d.tip.map(String) : null;
}

/** @param {unknown} v */
function fmtValue(v) {
  if (typeof v !== 'number') return String(v ?? '–');
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) < 1 ? v.toFixed(3) : v.toFixed(2);
}

/** @param {string} color */
function dot(color) {
  return el('span', { class: 'tip-dot', style: { background: color } });
}
