// Destinations (issue #16): does forwarding keep up with ingest? The real CLI on SQLite, loaded
// by SDK-shaped batches, with no destination (OFF) and with one webhook destination whose
// receiver answers at once (ON), alternating. Figures: ingest events/s OFF and ON, the events/s
// the forwarder delivered during the same ON window, and how long the backlog took to drain.
// Targets: delivered ≥ 0.8 × ingest (ON run), ingest ON ≥ 0.85 × OFF.
// Run: node bench/run.mjs collector-destinations (after npm run build -w @cairn/collector).
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './collector-load-client.mjs';
import { startCollector } from '../scripts/collector-process.mjs';

const WRITE_KEY = 'bench-key';
const SECONDS = Number(process.env.CAIRN_BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.CAIRN_BENCH_CONNECTIONS ?? 16);
/** Rounds of OFF and ON each, alternating; more rounds average out other jobs on a shared box. */
const ROUNDS = Number(process.env.CAIRN_BENCH_ROUNDS ?? 5);
/** Override of the destination's batchSize (default: the collector's). */
const BATCH_SIZE = process.env.CAIRN_BENCH_BATCH_SIZE ? Number(process.env.CAIRN_BENCH_BATCH_SIZE) : undefined;
const TARGETS = { deliveredRatio: 0.8, maxIngestCostPercent: 15 };

/** @typedef {import('./bench-module.mjs').Figure} Figure */

/** @type {import('./bench-module.mjs').BenchModule} */
export const collectorDestinations = {
  name: 'collector-destinations',
  title: `Destinations: ingest with and without one webhook destination, and its delivery rate (SQLite, ${CONNECTIONS} connections, ${ROUNDS}×${SECONDS} s each)`,
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-destinations-'));
    const receiver = await startCountingReceiver();
    const loadBefore = loadavg()[0] ?? 0;
    try {
      /** @type {number[]} */ const off = [];
      /** @type {{ ingest: number, delivered: number, drainMs: number }[]} */ const on = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternating order: a burst of other load on the shared cores hits both sides alike.
        const order = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
        for (const side of order) {
          if (side === 'off') off.push((await measure(dir, `off-${round}`, undefined, receiver)).ingest);
          else on.push(await measure(dir, `on-${round}`, receiver.url, receiver));
        }
      }
      const mean = (/** @type {number[]} */ values) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);
      const ingestOff = mean(off);
      const ingestOn = mean(on.map((r) => r.ingest));
      const delivered = mean(on.map((r) => r.delivered));
      const deliveredRatio = Math.round((delivered / ingestOn) * 100) / 100;
      const cost = Math.round((1 - ingestOn / ingestOff) * 1000) / 10;
      /** @type {Figure[]} */
      const figures = [
        { name: 'ingest OFF', value: ingestOff, unit: 'events/s (no destination)' },
        { name: 'ingest ON', value: ingestOn, unit: 'events/s (one webhook destination)' },
        { name: 'delivered ON', value: delivered, unit: 'events/s (same window)' },
        { name: 'delivered/ingest', value: deliveredRatio, unit: `× (target ≥ ${TARGETS.deliveredRatio})` },
        { name: 'ingest cost', value: cost, unit: '% of OFF', budget: TARGETS.maxIngestCostPercent },
        { name: 'drain after load', value: mean(on.map((r) => r.drainMs)), unit: 'ms (backlog at the end of the window)' },
      ];
      const ok = deliveredRatio >= TARGETS.deliveredRatio && cost <= TARGETS.maxIngestCostPercent;
      const loadAfter = loadavg()[0] ?? 0;
      return {
        ok,
        figures,
        notes: [
          `per round: OFF ${off.join(', ')} events/s; ON ${on.map((r) => `${r.ingest} in / ${r.delivered} out`).join('; ')} events/s`,
          // Each ON against the OFF of its own round (run back to back): less moved by drift.
          `ingest cost per round: ${on.map((r, i) => `${Math.round((1 - r.ingest / (off[i] ?? r.ingest)) * 1000) / 10} %`).join(', ')}`,
          `load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (2 cores: above ~2 the machine was busy and the figures are low)`,
        ],
      };
    } finally {
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/**
 * One collector process on a fresh SQLite file, loaded for SECONDS; with `url`, one webhook
 * destination to it. Delivered = events the receiver got during the load window.
 *
 * @param {string} dir
 * @param {string} name
 * @param {string | undefined} url
 * @param {{ count(): number }} receiver
 */
async function measure(dir, name, url, receiver) {
  const config = join(dir, `${name}.json`);
  await writeFile(
    config,
    JSON.stringify({
      sources: [{ name: 'web', writeKey: WRITE_KEY }],
      storage: { db: join(dir, `${name}.db`) },
      limits: { rateLimit: 0 },
      ...(url === undefined ? {} : { destinations: [{ name: 'bench', kind: 'webhook', url, secret: 'bench-secret-0123456789', ...(BATCH_SIZE ? { batchSize: BATCH_SIZE } : {}) }] }),
    }),
  );
  const collector = await startCollector({ args: ['--config', config, '--port', '0'] });
  try {
    const before = receiver.count();
    const load = await runLoad({ url: collector.url, writeKey: WRITE_KEY, connections: CONNECTIONS, durationMs: SECONDS * 1000, prefix: name });
    const delivered = receiver.count() - before;
    const drainStart = performance.now();
    if (url !== undefined) {
      const deadline = drainStart + 60_000;
      while (receiver.count() - before < load.events && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { ingest: load.eventsPerSecond, delivered: Math.round(delivered / load.seconds), drainMs: Math.round(performance.now() - drainStart) };
  } finally {
    await collector.stop();
  }
}

const MESSAGE_ID = Buffer.from('"messageId":');

/**
 * A webhook receiver that answers 200 at once and counts the events it got. It runs in the
 * load client's process, on the same 2 cores as the collector: it counts on the bytes as they
 * arrive (one "messageId" per event), without decoding or joining the body, so that it takes
 * as little CPU from the collector as a receiver on another machine would.
 */
async function startCountingReceiver() {
  let events = 0;
  const server = createServer((req, res) => {
    /** @type {Buffer} The last bytes of the previous chunk: a marker may straddle two chunks. */
    let tail = Buffer.alloc(0);
    req.on('data', (/** @type {Buffer} */ chunk) => {
      const bytes = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
      let at = bytes.indexOf(MESSAGE_ID);
      for (; at !== -1; at = bytes.indexOf(MESSAGE_ID, at + MESSAGE_ID.length)) events++;
      tail = bytes.subarray(Math.max(0, bytes.length - MESSAGE_ID.length + 1));
    });
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    count: () => events,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
