// The console's reads on real volumes (issue #14): 1,000,000 events seeded into SQLite (and
// PostgreSQL when CAIRN_BENCH_DATABASE_URL is set) by direct store writes in big transactions
// (the overview rollups are kept by the same derived write as at ingest), then every overview
// query (≤ 300 ms) and the live view's first page (≤ 100 ms) timed; and the ingest cost of the
// rollup write: app.request batches with it ON vs OFF (`derived: { overview: false }`).
// Run alone: node bench/console-overview.mjs (after npm run build). CAIRN_BENCH_EVENTS=200000
// seeds fewer events for a quick look, 0 none (the ingest cost only); CAIRN_BENCH_STORES=postgres
// times PostgreSQL only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBatch } from './collector-load-client.mjs';

const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 1_000_000);
const WRITE_ROWS = 20_000;
const DAYS = 30;
const OVERVIEW_BUDGET_MS = 300;
const FIRST_PAGE_BUDGET_MS = 100;
const INGEST_COST_BUDGET_PERCENT = 10;
const REPEATS = 5;
const SLICE_MS = 250;
const INGEST_SECONDS = Number(process.env.CAIRN_BENCH_SECONDS ?? 4);
const COLLECTOR_DIST = '../packages/collector/dist/index.js';

/** @typedef {import('./bench-module.mjs').Figure} Figure */
/** @typedef {any} CollectorModule */

const NAMES = ['Product Viewed', 'Product Added', 'Cart Viewed', 'Checkout Started', 'Order Completed', 'Signed In', 'Signed Up', 'Search', 'Coupon Applied', 'Newsletter Subscribed', 'Product Removed', 'Video Played'];
const DEVICES = ['mobile', 'mobile', 'desktop', 'tablet'];
const CAMPAIGNS = [
  null,
  null,
  '"campaign":{"source":"newsletter","medium":"email","name":"spring"},',
  '"campaign":{"source":"google","medium":"cpc","name":"brand","gclid":"Cj0K"},',
  '"campaign":{"source":"facebook","medium":"social","fbclid":"IwAR"},',
  '"campaign":{"source":"partner","medium":"referral","name":"launch"},',
];

/**
 * Event `n` of the seeded data: over DAYS days before `end`, 60,000 anonymous ids, every third
 * event from one of 20,000 users, 12 track names plus page views, 4-way devices, campaigns.
 * @param {string} source
 * @param {number} n
 * @param {number} end epoch ms
 */
export function seededEvent(source, n, end) {
  const spread = Math.max(EVENTS, 100_000);
  const time = new Date(end - Math.floor(((n * 7919) % spread) * ((DAYS * 86_400_000) / spread))).toISOString();
  const anonymousId = `anon-${(n * 31) % 60_000}`;
  const userId = n % 3 === 0 ? `user-${(n * 17) % 20_000}` : null;
  const isPage = n % 4 === 0;
  const event = isPage ? null : NAMES[n % NAMES.length];
  const messageId = `${source}-${n}`;
  const campaign = CAMPAIGNS[n % CAMPAIGNS.length] ?? '';
  const raw = `{"type":"${isPage ? 'page' : 'track'}",${isPage ? '"name":"Home"' : `"event":"${event}"`},"messageId":"${messageId}","anonymousId":"${anonymousId}",${userId ? `"userId":"${userId}",` : ''}"timestamp":"${time}","properties":{"price":19.9,"product_id":"sku-${n % 500}"},"context":{"library":{"name":"@cairn/browser","version":"0.1.0"},"page":{"path":"/p/${n % 500}","url":"https://shop.example/p/${n % 500}"},"device":{"type":"${DEVICES[n % DEVICES.length]}"},${campaign}"consent":{"categoryPreferences":{"analytics":true,"marketing":${n % 5 < 2}}}}}`;
  return {
    source, messageId, type: isPage ? 'page' : 'track', event, name: isPage ? 'Home' : null, anonymousId, userId,
    timestamp: time, originalTimestamp: time, sentAt: null, receivedAt: time, raw, normalized: null,
  };
}

/**
 * Seeds `EVENTS` events (two sources, 80/20) into `store` in WRITE_ROWS transactions.
 * @param {any} store
 * @param {number} end
 */
async function seed(store, end) {
  const started = performance.now();
  for (let first = 0; first < EVENTS; first += WRITE_ROWS) {
    const events = [];
    for (let n = first; n < Math.min(EVENTS, first + WRITE_ROWS); n++) events.push(seededEvent(n % 5 === 0 ? 'app' : 'web', n, end));
    // Sorted by receive time as ingest writes them, so the time indexes grow at their end.
    events.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : 1));
    await store.write({ events, quarantined: [] });
  }
  return (performance.now() - started) / 1000;
}

/** @type {(values: number[]) => number} */
const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;

/** Events past SQLite's fold cursor at most (its FOLD_AFTER_EVENTS − 1). */
const FOLD_TAIL = 2499;

/**
 * Stores FOLD_TAIL events of the last hour behind the store's back (plain INSERTs, no fold),
 * as the tail a busy collector has between two folds.
 * @param {string} path
 * @param {number} end
 */
async function addUnfoldedTail(path, end) {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(path);
  const insert = db.prepare(`INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id, timestamp, original_timestamp, received_at, raw)
    VALUES (@source, @messageId, @type, @event, @name, @anonymousId, @userId, @timestamp, @originalTimestamp, @receivedAt, @raw)`);
  db.transaction(() => {
    for (let i = 0; i < FOLD_TAIL; i++) {
      const row = seededEvent(i % 5 === 0 ? 'app' : 'web', EVENTS + i, end);
      const timestamp = new Date(end - (i % 3600) * 1000).toISOString();
      insert.run({ ...row, messageId: `tail-${i}`, timestamp, originalTimestamp: timestamp, receivedAt: timestamp });
    }
  })();
  db.close();
}

/**
 * Times each case after a warm-up run (statements prepared, pages cached, as a console that is
 * in use): the median of REPEATS runs, against its budget.
 * @param {[string, () => Promise<unknown>, number][]} cases name, run, budget in ms
 */
async function timeCases(cases) {
  /** @type {Figure[]} */
  const figures = [];
  let ok = true;
  for (const [name, run, budget] of cases) {
    await run();
    const times = [];
    for (let i = 0; i < REPEATS; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    const value = Math.round(median(times) * 10) / 10;
    figures.push({ name, value, unit: 'ms (median of 5)', budget });
    ok &&= value <= budget;
  }
  return { figures, ok };
}

/**
 * Times the overview for 1 and 30 days, all sources and one.
 * @param {any} reads
 * @param {number} end
 * @param {string} label
 */
async function timeOverviews(reads, end, label) {
  const to = new Date(end + 1000).toISOString();
  /** @type {[string, () => Promise<unknown>, number][]} */
  const cases = [];
  for (const days of [1, 30]) {
    const from = new Date(end - days * 86_400_000).toISOString();
    for (const source of [undefined, 'web']) {
      cases.push([`${label} overview ${days}d${source ? ` ${source}` : ''}`, () => reads.overview({ from, to, ...(source ? { source } : {}) }), OVERVIEW_BUDGET_MS]);
    }
  }
  return timeCases(cases);
}

/**
 * Times each console read: the overview for 1, 7 and 30 days (all sources and one), the live
 * view's first page unfiltered, by source and by event name.
 * @param {any} reads
 * @param {number} end
 * @param {string} label
 */
async function timeReads(reads, end, label) {
  const day = 86_400_000;
  const to = new Date(end + 1000).toISOString();
  /** @type {[string, () => Promise<unknown>, number][]} */
  const cases = [];
  for (const days of [1, 7, 30]) {
    const from = new Date(end - days * day).toISOString();
    cases.push([`${label} overview ${days}d`, () => reads.overview({ from, to }), OVERVIEW_BUDGET_MS]);
    cases.push([`${label} overview ${days}d web`, () => reads.overview({ from, to, source: 'web' }), OVERVIEW_BUDGET_MS]);
  }
  cases.push([`${label} first page`, () => reads.listEvents({ filters: {}, limit: 50 }), FIRST_PAGE_BUDGET_MS]);
  cases.push([`${label} first page web`, () => reads.listEvents({ filters: { source: 'web' }, limit: 50 }), FIRST_PAGE_BUDGET_MS]);
  cases.push([`${label} page by event`, () => reads.listEvents({ filters: { event: 'Product Added' }, limit: 50 }), FIRST_PAGE_BUDGET_MS]);
  return timeCases(cases);
}

/**
 * Ingest events/s through app.request with the overview rollup ON and OFF, alternating slices.
 * `sdk`: the throughput bench's batches (20 events from one visitor, as a browser sends them);
 * `mixed`: 20 events from 20 visitors each (a server library relaying many users: the worst
 * case, a people row or two per event).
 * @param {CollectorModule} collector
 * @param {string} dir
 * @param {'sdk' | 'mixed'} shape
 */
async function ingestCost(collector, dir, shape) {
  const silent = { info() {}, warn() {}, error() {} };
  /** @type {(name: string, derived: object) => { app: any, store: any, next: number }} */
  const open = (name, derived) => {
    const store = collector.createSqliteStore({ path: join(dir, `ingest-${shape}-${name}.db`), synchronous: 'normal', derived });
    return { store, app: collector.createCollector({ sources: [{ name: 'default', writeKey: 'k' }], store, logger: silent, rateLimit: 0 }), next: 0 };
  };
  const off = open('off', { overview: false });
  const on = open('on', {});
  const end = Date.now();
  /** @type {(side: { next: number }) => string} */
  const body = (side) => {
    if (shape === 'sdk') {
      const built = buildBatch('b', side.next, 'k');
      side.next += built.ids.length;
      return built.body;
    }
    const now = new Date().toISOString();
    const batch = [];
    for (let i = 0; i < 20; i++) batch.push({ ...JSON.parse(seededEvent('default', side.next++, end).raw), timestamp: now });
    return JSON.stringify({ writeKey: 'k', batch });
  };
  /** @type {(side: { app: any, next: number }) => Promise<number>} */
  const slice = async (side) => {
    const started = performance.now();
    let events = 0;
    while (performance.now() - started < SLICE_MS) {
      const res = await side.app.request('/v1/batch', { method: 'POST', body: body(side) });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
      await res.arrayBuffer();
      events += 20;
    }
    return (events / (performance.now() - started)) * 1000;
  };
  try {
    await slice(off);
    await slice(on);
    const rounds = [];
    for (let round = 0; round < (INGEST_SECONDS * 1000) / SLICE_MS; round++) {
      const offFirst = round % 2 === 0;
      const a = await slice(offFirst ? off : on);
      const b = await slice(offFirst ? on : off);
      rounds.push(offFirst ? { off: a, on: b } : { off: b, on: a });
    }
    return {
      off: Math.round(median(rounds.map((r) => r.off))),
      on: Math.round(median(rounds.map((r) => r.on))),
      // Totals over all rounds, not a median of per-round ratios: on a loaded machine single
      // 250 ms slices swing by ±30 %, and the totals average that out.
      cost: Math.round((1 - rounds.reduce((sum, r) => sum + r.on, 0) / rounds.reduce((sum, r) => sum + r.off, 0)) * 1000) / 10,
    };
  } finally {
    await off.store.close();
    await on.store.close();
  }
}

/** @type {import('./bench-module.mjs').BenchModule} */
export const consoleOverview = {
  name: 'console-overview',
  title: `Console reads on ${EVENTS.toLocaleString('en')} events (overview ≤ ${OVERVIEW_BUDGET_MS} ms, live first page ≤ ${FIRST_PAGE_BUDGET_MS} ms) and the rollup's ingest cost`,
  async run() {
    /** @type {CollectorModule} */
    const collector = await import(COLLECTOR_DIST).catch(() => undefined);
    if (!collector) return { ok: false, figures: [], notes: ['packages/collector/dist is missing: run npm run build'] };
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-console-'));
    /** @type {Figure[]} */
    const figures = [];
    const notes = [];
    let ok = true;
    const end = Date.now();
    try {
      if (EVENTS > 0 && process.env.CAIRN_BENCH_STORES !== 'postgres') {
        const path = join(dir, 'console.db');
        const store = collector.createSqliteStore({ path, synchronous: 'normal' });
        figures.push({ name: 'SQLite seed', value: Math.round(await seed(store, end)), unit: 's' });
        await store.close();
        // The reads as the collector runs them: a read-only connection on a worker thread.
        const runner = await collector.createSqliteReadWorker({ path, workerUrl: new URL('../packages/collector/dist/sqlite-read-worker.js', import.meta.url) });
        const sqlite = await timeReads(collector.createSqliteConsoleReads(runner), end, 'SQLite');
        figures.push(...sqlite.figures);
        ok &&= sqlite.ok;
        // The worst case of SQLite's fold: the most events an overview finds not yet counted
        // (the fold runs every FOLD_TAIL + 1), read back and counted by the overview itself.
        await addUnfoldedTail(path, end);
        const tail = await timeOverviews(collector.createSqliteConsoleReads(runner), end, `SQLite +${FOLD_TAIL} unfolded`);
        await runner.close();
        figures.push(...tail.figures);
        ok &&= tail.ok;
      }
      if (EVENTS > 0) {
        const url = process.env.CAIRN_BENCH_DATABASE_URL;
        if (url) {
          const schema = `cairn_bench_${Date.now().toString(36)}`;
          const pg = await collector.createPostgresStore({ url, schema });
          try {
            figures.push({ name: 'PostgreSQL seed', value: Math.round(await seed(pg, end)), unit: 's' });
            const reads = collector.createPostgresConsoleReads({ url, schema });
            const result = await timeReads(reads, end, 'PostgreSQL');
            await reads.close();
            figures.push(...result.figures);
            ok &&= result.ok;
          } finally {
            const postgres = (await import('postgres')).default;
            const sql = postgres(url, { max: 1, onnotice: () => {} });
            await sql`DROP SCHEMA ${sql(schema)} CASCADE`;
            await sql.end();
            await pg.close();
          }
        } else notes.push('PostgreSQL skipped: set CAIRN_BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to time it too');
      }

      for (const shape of /** @type {const} */ (['sdk', 'mixed'])) {
        const ingest = await ingestCost(collector, dir, shape);
        figures.push(
          { name: `ingest ${shape} rollup OFF`, value: ingest.off, unit: 'events/s' },
          { name: `ingest ${shape} rollup ON`, value: ingest.on, unit: 'events/s' },
          shape === 'sdk'
            ? { name: `ingest ${shape} rollup cost`, value: ingest.cost, unit: '% of OFF', budget: INGEST_COST_BUDGET_PERCENT }
            : { name: `ingest ${shape} rollup cost`, value: ingest.cost, unit: '% of OFF' },
        );
        if (shape === 'sdk') ok &&= ingest.cost <= INGEST_COST_BUDGET_PERCENT;
      }
      notes.push(
        'ingest: app.request on SQLite (synchronous=normal: CPU-bound, where the rollup shows most), ON/OFF alternating in 250 ms slices; events/s are medians, the cost is 1 − (ON total / OFF total)',
        'sdk = the throughput bench batches (20 events from one visitor, budget 10 %); mixed = 20 events from 20 visitors (a relay of many users; the worst case, no budget)',
      );
      return { ok, figures, notes };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await consoleOverview.run();
  for (const figure of result.figures) console.log(`${figure.name.padEnd(32)} ${String(figure.value).padStart(10)} ${figure.unit}${figure.budget === undefined ? '' : ` (budget ${figure.budget})`}`);
  for (const note of result.notes ?? []) console.log(note);
  console.log(result.ok ? 'ok' : 'FAIL');
}
