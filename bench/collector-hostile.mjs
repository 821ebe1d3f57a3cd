// Hostile requests (issue #12): what one request within the limits costs the collector in
// peak resident memory, against its bound (10 × its size plus 100 B per JSON object or
// array: memoryBound in hostile-requests.mjs), and /healthz latency while such
// requests run two at a time. The real CLI on SQLite, no rate limit; bodies and driver in
// bench/hostile-requests.mjs (test/collector-hostile-requests.test.ts runs the same).
// Run alone: node bench/run.mjs collector-hostile (after npm run build -w @cairn/collector).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, COLLECTOR_CLI } from '../scripts/collector-process.mjs';
import { memoryBound, percentile, runHostileLoad, writeBound } from './hostile-requests.mjs';

const WRITE_KEY = 'bench-key';
const ROUNDS = Number(process.env.CAIRN_BENCH_HOSTILE_ROUNDS ?? 10);
/** Peak RSS growth per request, as a fraction of its bound (hostile-requests.mjs, memoryBound). */
const MAX_MEMORY_RATIO = 1;
const MAX_HEALTHZ_P99_MS = 100;

/** @type {import('./bench-module.mjs').BenchModule} */
export const collectorHostile = {
  name: 'collector-hostile',
  title: `Hostile requests (${ROUNDS} rounds of 11 bodies ≤ 500 KiB against the CLI on SQLite: memory per request, /healthz meanwhile)`,
  async run() {
    if (!existsSync(COLLECTOR_CLI)) return { ok: false, figures: [], notes: [`${COLLECTOR_CLI} is missing: run npm run build -w @cairn/collector`] };
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-hostile-'));
    const collector = await startCollector({ args: ['--port', '0', '--db', join(dir, 'cairn.db'), '--write-key', WRITE_KEY, '--rate-limit', '0'] });
    try {
      const run = await runHostileLoad({ url: collector.url, pid: /** @type {number} */ (collector.child.pid), writeKey: WRITE_KEY, rounds: ROUNDS, samples: 5 });
      // Each body against its bound: 10 × its size (at least 256 KiB) plus 100 B per JSON object.
      const ratios = run.memory.map((body) => ({ name: body.name, ratio: percentile(body.growth, 50) / memoryBound(body) }));
      const round2 = (/** @type {number} */ x) => Math.round(x * 100) / 100;
      const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      const round1 = (/** @type {number} */ x) => Math.round(x * 10) / 10;
      const p99 = percentile(run.probesMs, 99);
      // Bytes written to disk per request (/proc/PID/io), against writeBound (40 × its size, at
      // least 16 MiB): a text copied onto every row of a batch once wrote 761 MB from 176 KB.
      const writes = run.memory.map((body) => ({ name: body.name, ratio: percentile(body.written, 50) / writeBound(body) }));
      const worstWrite = writes.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      return {
        ok: run.failures.length === 0 && worst.ratio <= MAX_MEMORY_RATIO && worstWrite.ratio <= 1 && p99 <= MAX_HEALTHZ_P99_MS,
        figures: [
          { name: 'memory / bound', value: round2(worst.ratio), unit: '×', budget: MAX_MEMORY_RATIO },
          { name: 'disk written / bound', value: round2(worstWrite.ratio), unit: '×', budget: 1 },
          { name: '/healthz p50', value: round1(percentile(run.probesMs, 50)), unit: 'ms' },
          { name: '/healthz p90', value: round1(percentile(run.probesMs, 90)), unit: 'ms' },
          { name: '/healthz p99', value: round1(p99), unit: 'ms', budget: MAX_HEALTHZ_P99_MS },
          { name: '/healthz max', value: round1(Math.max(...run.probesMs)), unit: 'ms' },
          { name: 'idle p50 / p90', value: round1(percentile(run.idleProbesMs, 50)), unit: `ms / ${round1(percentile(run.idleProbesMs, 90))} ms (collector idle: the machine's own noise)` },
        ],
        notes: [
          `memory / bound: the worst body's median peak-RSS growth over 5 sends alone, / its bound (10 × its size, min 256 KiB, + 100 B per JSON object or array); per body: ${ratios.map(({ name, ratio }) => `${name} ${round2(ratio)} ×`).join('; ')}`,
          `disk written / bound: the worst body's median bytes written per send (/proc/PID/io) / its bound (40 × its size, min 16 MiB): ${worstWrite.name}`,
          `${run.requests} hostile requests, ${run.probesMs.length} /healthz probes (every 25 ms, during the ${ROUNDS} concurrent rounds)`,
          ...run.failures.map((failure) => `unexpected answer: ${failure}`),
        ],
      };
    } finally {
      await collector.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
