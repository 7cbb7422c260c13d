// @ts-check
/**
 * Starts the page's scripts once the server-drawn first paint is on screen.
 *
 * The page arrives with its KPIs and the charts in view already drawn (first-paint.ts). Scripts
 * that run while the HTML is still being parsed hold that paint back: measured in cold loads,
 * apache-arrow, echarts and app.js arriving mid-parse and running at once pushed the first
 * contentful paint to 650-810 ms, against ~330 ms when the parse finished first. Downloading them
 * early holds it back too, on two cores: the head used to preload the scripts and the report
 * files, and the browser's fetching, decompressing and compiling them took the CPU from the
 * parse (a trace: 131 ms of parsing took 19 ms of the renderer's own time). Without the hints
 * the first render's median went from 920 to 756 ms in a fresh browser and from 900 to 660 ms in
 * a running one, and the page's own render came no later (bench/dashboard-render.ts, 7 loads
 * each, side by side). So this module, the page's only script, waits for a frame to be painted
 * and then asks for the rest in order: the vendor builds, then app.js, which waits for their
 * load events (it finds their tags) and fetches the reports.
 */

/** Resolves after the next frame is painted (at once in a hidden tab, where no frame comes). */
function afterPaint() {
  if (document.visibilityState === 'hidden') return Promise.resolve();
  return new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
}

/** @param {string} src */
function addScript(src) {
  const tag = document.createElement('script');
  tag.src = src;
  tag.async = false; // in insertion order
  document.head.append(tag);
}

export {};

await afterPaint();
addScript('/vendor/arrow.min.js');
addScript('/vendor/echarts.min.js');
await import('./app.js');
