// `npm run bench` (builds first): runs every bench module in order, prints a table and writes
// bench/results/latest.json (git-ignored). Exits non-zero when a figure is over its budget.
// Speed and size are checked here, never by timed assertions in tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { sdkSize } from './sdk-size.mjs';
import { sdkTrackCost } from './sdk-track-cost.mjs';
import { collectorThroughput } from './collector-throughput.mjs';
import { collectorRules } from './collector-rules.mjs';
import { collectorHostile } from './collector-hostile.mjs';
import { collectorDestinations } from './collector-destinations.mjs';
import { postgresStore } from './postgres-store.mjs';
import { collectorAnalytics } from './collector-analytics.mjs';
import { consoleOverview } from './console-overview.mjs';

/** @type {import('./bench-module.mjs').BenchModule[]} */
const modules = [
  sdkSize,
  sdkTrackCost,
  collectorThroughput,
  collectorRules,
  collectorHostile,
  collectorDestinations,
  postgresStore,
  collectorAnalytics,
  consoleOverview,
];

const only = process.argv.slice(2);
const selected = only.length > 0 ? modules.filter((module) => only.includes(module.name)) : modules;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}`;
console.log(`Cairn benchmarks on ${machine}\n`);

let failed = false;
/** @type {Record<string, import('./bench-module.mjs').BenchResult>} */
const results = {};
for (const module of selected) {
  let result;
  try {
    result = await module.run();
  } catch (error) {
    result = { ok: false, figures: [], notes: [`threw: ${error instanceof Error ? error.stack : String(error)}`] };
  }
  results[module.name] = result;
  failed ||= !result.ok;
  console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${module.title}`);
  for (const figure of result.figures) {
    const budget = figure.budget === undefined ? '' : `  (budget ${figure.budget.toLocaleString('en')} ${figure.unit})`;
    console.log(`       ${figure.name.padEnd(18)} ${figure.value.toLocaleString('en').padStart(10)} ${figure.unit}${budget}`);
  }
  for (const note of result.notes ?? []) console.log(`       ${note}`);
  console.log('');
}

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/latest.json', import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`,
);
if (failed) {
  console.error('Some benchmarks failed or are over budget.');
  process.exit(1);
}
