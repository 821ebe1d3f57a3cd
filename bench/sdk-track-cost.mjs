import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../scripts/collector-process.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { openBarePage } from './sdk-cdp.mjs';

/** Targets from issue #3 (the cheapest peer measured here: ~40 µs per call, ~380 µs per event). */
export const TRACK_CALL_BUDGET_US = 5;
export const EVENT_MAIN_THREAD_BUDGET_US = 20;

// CAIRN_BENCH_SDK=path measures another build (e.g. an older one, for a before/after).
const SDK_BUNDLE = process.env.CAIRN_BENCH_SDK || fileURLToPath(new URL('../packages/browser/dist/cairn.js', import.meta.url));
const WRITE_KEY = 'bench-key';
/** Calls per timed loop, as the issue states the figure. */
const CALLS = 2000;
/** Timed loops per figure; the median is reported (a warm-up comes first and is not counted). */
const ROUNDS = 7;
/** Rounds of the per-event measures (each is a whole send, so fewer). */
const EVENT_ROUNDS = 9;
/** Events tracked one per task, as a visitor's clicks are, for the spread-out figure. */
const SPACED_EVENTS = 400;
const SPACING_MS = 5;
const PROPERTIES = "{ i, plan: 'pro', price: 18.5 }";

// Default options: a loop of 2,000 calls in one task is delivered in full (the queue caps bound
// only a backlog the collector did not take, issue #11).
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>track() bench</title>
<script async src="/cairn.js" data-write-key="${WRITE_KEY}" data-endpoint="http://127.0.0.1:1"></script>
</head><body><h1>Bench</h1></body></html>`;

/**
 * What `track()` costs the page, in real Chromium with the script-tag build (dist/cairn.js)
 * against the real collector CLI:
 * - per call: performance.now() around a loop of 2,000 `track()` calls, the median of ROUNDS
 *   loops after a warm-up: what a click handler pays synchronously;
 * - per call, cold (reported, not budgeted): the first loop of 2,000 calls right after the SDK
 *   loaded, default options, no warm-up (the JIT has not optimized the SDK yet);
 * - per event: the page's main-thread task time (CDP `Performance.getMetrics` TaskDuration)
 *   from before a loop of 2,000 calls until flush() resolved — serialization, the IndexedDB
 *   write, read and delete, the Web Lock, the requests and their answers — less the same run
 *   without the calls (flush() alone), divided by 2,000; the median of EVENT_ROUNDS. This is
 *   the budgeted figure: the 2,000-call shape, whose fixed costs (a lock, a few
 *   transactions and requests) the SDK must share across the burst;
 * - spread out (reported, not budgeted): 400 events one per task 5 ms apart, less the same
 *   ticks without calls. Here each drain (every `flushAt` = 20 events) pays a lock, three
 *   transactions and a request, milliseconds each on this machine, and each call runs in a
 *   cold task: no SDK design gets that to 20 µs an event (docs/benchmarks.md has the numbers).
 * Every event must reach the collector (counted from its `batch` log lines). The page runs in
 * Chromium driven over a bare CDP pipe (sdk-cdp.mjs), not playwright: playwright's network
 * instrumentation copies every request body on the main thread, a cost visitors never pay.
 *
 * @type {import('./bench-module.mjs').BenchModule}
 */
export const sdkTrackCost = {
  name: 'sdk-track-cost',
  title: 'track() main-thread cost in Chromium (script-tag build, real collector)',
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-'));
    /** @type {Awaited<ReturnType<typeof startCollector>> | undefined} */
    let collector;
    /** @type {Awaited<ReturnType<typeof startStaticServer>> | undefined} */
    let site;
    /** @type {import('./sdk-cdp.mjs').BarePage | undefined} */
    let page;
    try {
      await writeFile(join(dir, 'index.html'), PAGE);
      collector = await startCollector({
        args: ['--port', '0', '--db', join(dir, 'bench.db'), '--write-key', WRITE_KEY, '--rate-limit', '0'],
      });
      const running = collector;
      site = await startStaticServer({ root: dir, sdkPath: SDK_BUNDLE, endpoint: collector.url, writeKey: WRITE_KEY });
      const bare = (page = await openBarePage(`${site.url}/`));
      const pageErrors = bare.errors;
      for (let tries = 0; (await bare.evaluate('typeof window.cairn?.flush').catch(() => '')) != 'function'; tries++) {
        if (tries > 100) throw new Error(`the SDK did not load: ${pageErrors.join('; ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const taskSeconds = bare.taskSeconds;
      const requests = () => running.logs.filter((line) => line.msg == 'batch').length;
      /** Main-thread µs of `run` less that of `base`, both evaluated in the page. */
      /** CPU µs of the same runs (ThreadTime), for each mainThread() call: immune to other processes. */
      /** @type {number[]} */
      const cpu = [];
      const mainThread = async (/** @type {string} */ base, /** @type {string} */ run) => {
        const [t0, c0] = [await taskSeconds(), await taskSeconds('ThreadTime')];
        await bare.evaluate(base);
        const [t1, c1] = [await taskSeconds(), await taskSeconds('ThreadTime')];
        await bare.evaluate(run);
        const [t2, c2] = [await taskSeconds(), await taskSeconds('ThreadTime')];
        cpu.push((c2 - c1 - (c1 - c0)) * 1e6);
        return (t2 - t1 - (t1 - t0)) * 1e6;
      };
      const burst = `(() => { for (let i = 0; i < ${CALLS}; i++) cairn.track('Bench Clicked', ${PROPERTIES}); return cairn.flush(); })()`;

      // Per call: the synchronous cost of track() itself.
      const loops = [];
      let cold = NaN;
      for (let round = 0; round <= ROUNDS; round++) {
        const ms = await bare.evaluate(`(() => {
          const start = performance.now();
          for (let i = 0; i < ${CALLS}; i++) cairn.track('Bench Clicked', ${PROPERTIES});
          return performance.now() - start;
        })()`);
        if (round) loops.push((Number(ms) * 1000) / CALLS);
        else cold = (Number(ms) * 1000) / CALLS;
        await bare.evaluate('cairn.flush()');
      }

      // Per event, bursts of 2,000 in one task, everything until flush() resolved.
      const bursts = [];
      const before = requests();
      for (let round = 0; round < EVENT_ROUNDS; round++) bursts.push((await mainThread('cairn.flush()', burst)) / CALLS);
      const burstCpu = cpu.splice(0).map((us) => us / CALLS);
      const requestsPerBurst = (requests() - before) / EVENT_ROUNDS;

      // Spread out: one event per task.
      const spaced = (/** @type {boolean} */ track) => `new Promise((resolve) => {
        let i = 0;
        const tick = () => {
          if (${track}) cairn.track('Bench Clicked', ${PROPERTIES});
          if (++i < ${SPACED_EVENTS}) setTimeout(tick, ${SPACING_MS});
          else resolve(cairn.flush());
        };
        tick();
      })`;
      const spread = [];
      for (let round = 0; round < 2; round++) spread.push((await mainThread(spaced(false), spaced(true))) / SPACED_EVENTS);

      const perCall = median(loops);
      const perEvent = median(bursts);
      const perSpaced = median(spread);
      const stored = running.logs.filter((line) => line.msg == 'batch').reduce((sum, line) => sum + Number(line.accepted), 0);
      const expected = CALLS * (ROUNDS + 1 + EVENT_ROUNDS) + SPACED_EVENTS * 2;
      const round1 = (/** @type {number} */ value) => Math.round(value * 10) / 10;
      return {
        ok: perCall <= TRACK_CALL_BUDGET_US && perEvent <= EVENT_MAIN_THREAD_BUDGET_US && stored == expected && pageErrors.length == 0,
        figures: [
          { name: 'track() per call', value: round1(perCall), unit: 'µs', budget: TRACK_CALL_BUDGET_US },
          { name: '… cold (first 2,000)', value: round1(cold), unit: 'µs' },
          { name: 'main thread/event', value: round1(perEvent), unit: 'µs', budget: EVENT_MAIN_THREAD_BUDGET_US },
          { name: '… CPU (ThreadTime)', value: round1(median(burstCpu)), unit: 'µs' },
          { name: '… spread out', value: round1(perSpaced), unit: 'µs' },
        ],
        notes: [
          `per call: median of ${ROUNDS} loops of ${CALLS} track() calls (performance.now()); loops: ${loops.map(round1).join(', ')} µs`,
          `cold: the first ${CALLS} calls right after the SDK loaded (default options, no warm-up): ${round1(cold)} µs a call`,
          `per event: CDP TaskDuration from a loop of ${CALLS} calls until flush() resolved, less flush() alone; median of ${EVENT_ROUNDS}: ${bursts.map(round1).join(', ')} µs; ${requestsPerBurst} requests per ${CALLS} events`,
          `per event, CPU: the main thread's ThreadTime over the same runs (what the SDK itself spends; TaskDuration is wall time and grows when other processes share the cores): ${burstCpu.map(round1).join(', ')} µs`,
          `spread out: ${SPACED_EVENTS} events one per task ${SPACING_MS} ms apart, less the same ticks without calls: ${spread.map(round1).join(', ')} µs (not budgeted, see docs/benchmarks.md)`,
          `the collector stored ${stored} of ${expected} events`,
          ...pageErrors.map((message) => `page error: ${message}`),
        ],
      };
    } finally {
      await page?.close();
      await site?.close();
      await collector?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

// `node bench/sdk-track-cost.mjs` runs this bench alone.
if (process.argv[1] && fileURLToPath(import.meta.url) == process.argv[1]) {
  const result = await sdkTrackCost.run();
  console.log(JSON.stringify(result, null, 2));
  if (!result.ok) process.exitCode = 1;
}
