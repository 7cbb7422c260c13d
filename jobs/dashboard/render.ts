/**
 * Server-side drawing without a display: echarts' SSR renderer turns a panel's option into SVG
 * text, several SVGs compose into one picture, and resvg turns SVG into PNG.
 */
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { ChartOption } from './static/types.js';

/** Fonts resvg falls back to (installed with Debian's chromium: DejaVu, Liberation). */
const DEFAULT_FONT = 'DejaVu Sans';

/** Advance widths of DejaVu Sans in em, by character class (echarts lays out text before resvg draws it). */
function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    if (/[il.,:;'|!`]/.test(ch)) em += 0.3;
    else if (ch === ' ') em += 0.32;
    else if (/[-fjrt()[\]{}]/.test(ch)) em += 0.4;
    else if (/[mwMW@%]/.test(ch)) em += 0.92;
    else if (/[A-Z]/.test(ch)) em += 0.72;
    else if (/[0-9]/.test(ch)) em += 0.64;
    else if (ch.charCodeAt(0) > 0x2000) em += 1;
    else em += 0.6;
  }
  return em * fontSize;
}

// Without a canvas echarts guesses text widths; measure for the font resvg will use, so labels fit.
echarts.setPlatformAPI({
  measureText(text: string, font?: string) {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
    const bold = /\b(bold|[6-9]00)\b/.test(font ?? '');
    return { width: textWidth(text, size) * (bold ? 1.06 : 1) };
  },
});

/** The chart as standalone SVG text (width x height px; text escaped by echarts). */
export function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false } as echarts.EChartsCoreOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose(); // also stops zrender's frame loop, which would keep the process alive
  }
}

/** PNG bytes of SVG text on a white background, at `scale` times its size. */
export function svgToPng(svg: string, scale = 1): Buffer {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: DEFAULT_FONT, sansSerifFamily: DEFAULT_FONT },
  });
  return resvg.render().asPng();
}

/** A cell of a composed picture: an SVG document and its size. */
export interface SvgCell {
  svg: string;
  width: number;
  height: number;
}

/** Layout of `composeGrid`. */
export interface GridLayout {
  columns: number;
  /** Title drawn above the grid. */
  title: string;
  /** Smaller line under the title. */
  subtitle: string;
  gap?: number;
  padding?: number;
}

const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Cells laid out in a grid on one SVG page with a title, each on a white card (cells of a row share its height). */
export function composeGrid(cells: SvgCell[], layout: GridLayout): SvgCell {
  const gap = layout.gap ?? 16;
  const pad = layout.padding ?? 24;
  const head = 64;
  const cols = layout.columns;
  const rows = Math.ceil(cells.length / cols);
  const colW = Math.max(...cells.map((c) => c.width));
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(...cells.slice(r * cols, r * cols + cols).map((c) => c.height)));
  const width = pad * 2 + cols * colW + (cols - 1) * gap;
  const height = pad * 2 + head + rowH.reduce((s, h) => s + h, 0) + (rows - 1) * gap;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#f3f5f9"/>`,
    `<text x="${pad}" y="${pad + 22}" font-family="${DEFAULT_FONT}" font-size="22" font-weight="700" fill="#1e293b">${escapeXml(layout.title)}</text>`,
    `<text x="${pad}" y="${pad + 46}" font-family="${DEFAULT_FONT}" font-size="13" fill="#64748b">${escapeXml(layout.subtitle)}</text>`,
  ];
  let y = pad + head;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const cell = cells[r * cols + c];
      if (!cell) continue;
      const x = pad + c * (colW + gap);
      parts.push(`<rect x="${x - 0.5}" y="${y - 0.5}" width="${colW + 1}" height="${rowH[r]! + 1}" rx="10" fill="#ffffff" stroke="#e2e8f0"/>`);
      // A nested <svg> keeps each chart's own coordinate system; only its position changes.
      parts.push(cell.svg.replace(/^<svg /, `<svg x="${x}" y="${y}" `));
    }
    y += rowH[r]! + gap;
  }
  parts.push('</svg>');
  return { svg: parts.join('\n'), width, height };
}
