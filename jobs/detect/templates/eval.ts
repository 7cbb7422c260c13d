/**
 * `npm run eval:templates`: grouping accuracy of template mining on every Loghub 2k
 * set with the one default setting, beside Drain's published (per-set tuned) figures;
 * a check that partitioning does not change the result; and sketch throughput.
 * `--sweep` adds mean GA over a grid of settings, to show how flat the optimum is.
 */
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { groupingAccuracy } from './accuracy.js';
import { DRAIN_PUBLISHED, type LoghubSet, loadLoghub, loghubDir, loghubSets } from './loghub.js';
import { DEFAULT_MINE_OPTIONS, type MineOptions, type TemplateSet, mineTemplates } from './mine.js';
import { TemplateSketch } from './sketch.js';
import { mulberry32 } from '../../../engine/random.js';

/** Small seeded PRNG (mulberry32), so the random splits are the same on every run. */
export const rng = mulberry32;

export { groupingAccuracy };

/** Template id of every line of a set, mined with one sketch over all lines. */
export function mineSet(set: LoghubSet, options: MineOptions = {}): { ids: number[]; templates: TemplateSet } {
  const sketch = new TemplateSketch();
  const keys = set.contents.map((c, i) => sketch.add(c, i, set.levels[i]!));
  const templates = mineTemplates(sketch, options);
  return { ids: keys.map((k) => templates.assignKey(k)), templates };
}


/**
 * Mines a set the parallel way: each line goes to one of `chunks` random partitions,
 * each partition sketches its lines, the sketches travel as JSON (as between worker
 * threads) and merge in a random order. Returns the mined set's JSON, to compare.
 */
export function mineChunked(set: LoghubSet, chunks: number, seed: number, maxKeys?: number): string {
  const rand = rng(seed);
  const parts = Array.from({ length: chunks }, () => new TemplateSketch({ maxKeys }));
  set.contents.forEach((c, i) => parts[Math.floor(rand() * chunks)]!.add(c, i, set.levels[i]!));
  const wire = parts.map((p) => JSON.parse(JSON.stringify(p.toJSON())) as ReturnType<TemplateSketch['toJSON']>);
  for (let i = wire.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [wire[i], wire[j]] = [wire[j]!, wire[i]!];
  }
  const merged = new TemplateSketch({ maxKeys });
  for (const w of wire) merged.merge(TemplateSketch.fromJSON(w));
  return JSON.stringify(mineTemplates(merged).toJSON());
}

/** The single-pass counterpart of mineChunked. */
export function mineWhole(set: LoghubSet, maxKeys?: number): string {
  const sketch = new TemplateSketch({ maxKeys });
  set.contents.forEach((c, i) => sketch.add(c, i, set.levels[i]!));
  return JSON.stringify(mineTemplates(sketch).toJSON());
}

function fmt(x: number): string {
  return x.toFixed(4);
}

function main(): void {
  const names = loghubSets();
  if (names.length === 0) {
    console.error(`no Loghub sets under ${loghubDir()} (set LOGHUB_DIR)`);
    process.exitCode = 1;
    return;
  }
  const sets = names.map((n) => loadLoghub(n));
  const o = DEFAULT_MINE_OPTIONS;
  console.log(`Template mining, Loghub 2k sets, one setting for all: depth ${o.depth}, minValues ${o.minValues} (no per-set masks)\n`);
  console.log('| dataset   | lines | events | templates | logframe GA | Drain GA (published, tuned per set) |');
  console.log('|-----------|------:|-------:|----------:|------------:|------------------------------------:|');
  let sumOurs = 0, sumDrain = 0, nDrain = 0;
  for (const s of sets) {
    const { ids, templates } = mineSet(s);
    const ga = groupingAccuracy(s.events, ids);
    sumOurs += ga;
    const drain = DRAIN_PUBLISHED[s.name];
    if (drain !== undefined) { sumDrain += drain; nDrain++; }
    const events = new Set(s.events).size;
    console.log(`| ${s.name.padEnd(9)} | ${String(s.contents.length).padStart(5)} | ${String(events).padStart(6)} | ${String(templates.templates.length).padStart(9)} | ${fmt(ga).padStart(11)} | ${(drain === undefined ? '-' : fmt(drain)).padStart(35)} |`);
  }
  const drainMean = nDrain === sets.length ? fmt(sumDrain / nDrain) : '-';
  console.log(`| mean      |       |        |           | ${fmt(sumOurs / sets.length).padStart(11)} | ${drainMean.padStart(35)} |`);

  // Partition independence: 7 random chunks, several seeds, uncapped and with a cap small enough to overflow.
  let checks = 0;
  const failed: string[] = [];
  for (const s of sets) {
    for (const maxKeys of [undefined, 16]) {
      const whole = mineWhole(s, maxKeys);
      for (let seed = 1; seed <= 3; seed++) {
        checks++;
        if (mineChunked(s, 7, seed, maxKeys) !== whole) failed.push(`${s.name} seed ${seed}${maxKeys === undefined ? '' : ` maxKeys ${maxKeys}`}`);
      }
    }
  }
  console.log(`\npartition independence: ${checks} runs of 7 random chunks merged in random order (uncapped and maxKeys 16): ${failed.length === 0 ? 'identical templates, counts and key→template map in every run' : `DIFFERENT in ${failed.join(', ')}`}`);
  if (failed.length > 0) process.exitCode = 1;

  // Throughput of the map side (tokenize + mask + count) and of the reduce side.
  const lines = sets.flatMap((s) => s.contents);
  const rates: number[] = [];
  for (let r = 0; r < 7; r++) {
    const sk = new TemplateSketch();
    const t0 = performance.now();
    for (let i = 0; i < lines.length; i++) sk.add(lines[i]!, i, 5);
    rates.push(lines.length / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  const t1 = performance.now();
  for (const s of sets) mineSet(s);
  const mineMs = performance.now() - t1;
  console.log(`throughput: sketch.add ${Math.round(rates[3]!).toLocaleString('en-US')} lines/s (median of 7 passes over the ${lines.length} lines); sketch + mine of all ${sets.length} sets ${mineMs.toFixed(0)} ms`);

  if (process.argv.includes('--sweep')) {
    console.log('\nmean GA by setting (rows minValues, columns depth):');
    const depths = [2, 3, 4, 5, 6];
    console.log(`minValues | ${depths.map((d) => `depth ${d}`).join(' | ')}`);
    for (const minValues of [2, 3, 4, 5, 6, 7, 8]) {
      const cells = depths.map((depth) => {
        let sum = 0;
        for (const s of sets) sum += groupingAccuracy(s.events, mineSet(s, { depth, minValues }).ids);
        return fmt(sum / sets.length);
      });
      console.log(`${String(minValues).padStart(9)} | ${cells.join(' | ')}`);
    }
  }
}

// Run only as a script, so tests can import the helpers.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) main();
