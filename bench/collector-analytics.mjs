// People, segments and funnels (issue #15): with 1,000,000 events of 100,000 people over 30
// days, the three-condition segment ("abandoned cart and signed in from a phone in the last 7
// days") and a four-step funnel, each ≤ 1 s, on SQLite and on PostgreSQL (when
// CAIRN_BENCH_DATABASE_URL or CAIRN_TEST_DATABASE_URL is set; a schema of its own, dropped after).
// The history is seeded straight into the tables (big transactions) as the ingest would have
// written it: events, person_ids, people.
// Run alone: node bench/collector-analytics.mjs (after npm run build -w @cairn/collector).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PEOPLE = Number(process.env.CAIRN_BENCH_PEOPLE ?? 100_000);
const EVENTS_PER_PERSON = 10;
const DAYS = 30;
const RUNS = Number(process.env.CAIRN_BENCH_RUNS ?? 5);
/** `sqlite`, `postgres` or both (default). */
const STORES = (process.env.CAIRN_BENCH_STORES ?? 'sqlite,postgres').split(',');
const BUDGET_MS = 1000;
const COLLECTOR_DIST = '../packages/collector/dist/index.js';
const DATABASE_URL = process.env.CAIRN_BENCH_DATABASE_URL || process.env.CAIRN_TEST_DATABASE_URL;

export const SEGMENT = {
  all: [
    { did: 'Product Added', thenNot: 'Order Completed', after: 'PT1H', within: 'P7D' },
    { did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P7D' },
    { did: 'Product Viewed', atLeast: 2, within: 'P7D' },
  ],
};
/** The newer rules: a numeric comparison, the click-id platform, and a not (over the people seen in 7 days). */
export const NOT_SEGMENT = {
  all: [
    { did: 'Product Added', where: { 'properties.price': { gt: 10 }, 'context.campaign.clickIdPlatform': { exists: false } }, within: 'P7D' },
    { not: { did: 'Order Completed', within: 'P7D' } },
  ],
};
export const FUNNEL = {
  steps: [{ event: 'Product Viewed' }, { event: 'Product Added' }, { event: 'Checkout Started' }, { event: 'Order Completed' }],
  within: 'P1D',
  by: 'context.device.type',
};

/** @typedef {import('./bench-module.mjs').Figure} Figure */
/** @type {import('./bench-module.mjs').BenchModule} */
export const collectorAnalytics = {
  name: 'collector-analytics',
  title: `Segments and funnels over ${(PEOPLE * EVENTS_PER_PERSON).toLocaleString('en')} events of ${PEOPLE.toLocaleString('en')} people (${DAYS} days), median of ${RUNS} runs`,
  async run() {
    /** @type {any} */
    const collector = await import(COLLECTOR_DIST).catch(() => undefined);
    if (!collector) return { ok: false, figures: [], notes: ['packages/collector/dist is missing: run npm run build -w @cairn/collector'] };
    const now = Date.now();
    const condition = collector.parseSegmentDefinition(SEGMENT).condition;
    const notCondition = collector.parseSegmentDefinition(NOT_SEGMENT).condition;
    // The default range (first steps of the last 7 days), and the whole 30 days (not budgeted).
    const funnel7 = collector.parseFunnelDefinition(FUNNEL).funnel;
    const funnel = collector.parseFunnelDefinition({ ...FUNNEL, from: new Date(now - DAYS * 86_400_000).toISOString() }).funnel;
    /** @type {Figure[]} */
    const figures = [];
    const notes = [`load average at start ${(loadavg()[0] ?? 0).toFixed(1)} (1 min) on a machine shared with other work: figures on a busy machine run slow`];
    let ok = true;
    /** @param {string} label @param {any} store */
    const measure = async (label, store) => {
      const segment = await median(() => store.querySegment({ condition, now, limit: 100 }));
      const withNot = await median(() => store.querySegment({ condition: notCondition, now, limit: 100 }));
      const wide = await median(() => store.queryFunnel({ funnel, now }));
      const week = await median(() => store.queryFunnel({ funnel: funnel7, now }));
      figures.push(
        { name: `${label} segment`, value: segment.ms, unit: 'ms', budget: BUDGET_MS },
        { name: `${label} segment with not`, value: withNot.ms, unit: 'ms', budget: BUDGET_MS },
        { name: `${label} funnel 30d`, value: wide.ms, unit: 'ms' },
        { name: `${label} funnel 7d`, value: week.ms, unit: 'ms', budget: BUDGET_MS },
      );
      // SQLite runs in this process: its CPU time is what a quiet machine's wall time would be.
      if (label === 'SQLite') {
        figures.push(
          { name: `${label} segment CPU`, value: segment.cpuMs, unit: 'ms' },
          { name: `${label} funnel 30d CPU`, value: wide.cpuMs, unit: 'ms' },
          { name: `${label} funnel 7d CPU`, value: week.cpuMs, unit: 'ms' },
        );
      }
      ok &&= segment.ms <= BUDGET_MS && withNot.ms <= BUDGET_MS && week.ms <= BUDGET_MS;
      notes.push(`${label}: segment ${segment.value.count} people; segment with not ${withNot.value.count}; funnel 30d ${wide.value.steps.map((/** @type {{ people: number }} */ step) => step.people).join(' → ')}`);
    };

    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-analytics-'));
    try {
      let started = performance.now();
      if (STORES.includes('sqlite')) {
        const path = join(dir, 'analytics.sqlite');
        await seedSqlite(collector, path, now);
        notes.push(`SQLite seeded in ${Math.round((performance.now() - started) / 1000)} s`);
        const store = collector.createSqliteStore({ path });
        await measure('SQLite', store);
        await store.close();
      }
      if (!STORES.includes('postgres')) notes.push('PostgreSQL not asked for (CAIRN_BENCH_STORES)');
      else if (DATABASE_URL) {
        started = performance.now();
        const pg = await seedPostgres(collector, now);
        notes.push(`PostgreSQL seeded in ${Math.round((performance.now() - started) / 1000)} s`);
        try {
          await measure('PostgreSQL', pg.store);
        } finally {
          await pg.drop();
        }
      } else notes.push('PostgreSQL skipped: set CAIRN_BENCH_DATABASE_URL (or CAIRN_TEST_DATABASE_URL)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return { ok, figures, notes };
  },
};

/** @param {() => Promise<any>} run @returns {Promise<{ ms: number, cpuMs: number, value: any }>} */
async function median(run) {
  let value;
  const times = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const usage = process.cpuUsage();
    value = await run();
    const spent = process.cpuUsage(usage);
    cpu.push((spent.user + spent.system) / 1000);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { ms: Math.round(times[RUNS >> 1] ?? 0), cpuMs: Math.round(cpu[RUNS >> 1] ?? 0), value };
}

/** mulberry32: a small seeded PRNG, so every run seeds the same history. */
/** @param {number} seed */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = ['google', 'newsletter', 'retargeting', 'facebook'];

/**
 * The history, person by person: each visits once, 10 events a few minutes apart at a random
 * time in the last 30 days (pages, views, maybe an add to cart, a sign-in, a checkout, an order).
 * Yields { events, link, person } per person, as the ingest would have stored them.
 */
/** @param {number} now */
function* history(now) {
  const rand = random(42);
  for (let i = 0; i < PEOPLE; i++) {
    const anonymousId = `anon-${i}`;
    const userId = rand() < 0.6 ? `user-${i}` : null;
    const r = rand();
    const device = r < 0.55 ? 'mobile' : r < 0.65 ? 'tablet' : 'desktop';
    const source = rand() < 0.3 ? SOURCES[Math.floor(rand() * SOURCES.length)] : null;
    let at = now - rand() * DAYS * 86_400_000;
    const added = rand() < 0.5;
    const signsIn = userId !== null && rand() < 0.8;
    const checkout = added && rand() < 0.4;
    const orders = checkout && rand() < 0.7;
    const plan = ['page', 'Product Viewed', 'page', 'Product Viewed', added ? 'Product Added' : 'page', signsIn ? 'Signed In' : 'page', 'Product Viewed', checkout ? 'Checkout Started' : 'page', orders ? 'Order Completed' : 'page', 'page'];
    let signedIn = false;
    const events = plan.map((name, n) => {
      at += (60 + rand() * 540) * 1000;
      if (name === 'Signed In') signedIn = true;
      const timestamp = new Date(Math.min(at, now - 1000)).toISOString();
      const messageId = `m-${i}-${n}`;
      const track = name !== 'page';
      const event = {
        type: track ? 'track' : 'page',
        ...(track ? { event: name } : { name: 'Shop' }),
        messageId,
        timestamp,
        anonymousId,
        ...(signedIn ? { userId } : {}),
        properties: name.startsWith('Product') || name === 'Order Completed' ? { product_id: `p-${i % 500}`, price: 18, currency: 'EUR', cart_id: `c-${i}` } : {},
        context: { device: { type: device }, ...(source ? { campaign: { source } } : {}), page: { path: '/shop' } },
      };
      return { messageId, type: event.type, event: track ? name : null, name: track ? null : 'Shop', anonymousId, userId: signedIn ? userId : null, timestamp, raw: JSON.stringify(event) };
    });
    const personId = signsIn ? `u:${userId}` : `a:${anonymousId}`;
    yield { events, link: { anonymousId, personId }, person: { personId, userId: signsIn ? userId : null, firstSeen: events[0]?.timestamp, lastSeen: events[events.length - 1]?.timestamp } };
  }
}

/** @param {any} collector @param {string} path @param {number} now */
export async function seedSqlite(collector, path, now) {
  // Schema first (the store's migrations), then the rows straight into the tables.
  await collector.createSqliteStore({ path }).close();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insertEvent = db.prepare(`INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id, timestamp, original_timestamp, sent_at, received_at, raw, normalized)
    VALUES ('default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`);
  const insertLink = db.prepare('INSERT INTO person_ids (anonymous_id, person_id, linked_at) VALUES (?, ?, NULL)');
  const insertPerson = db.prepare('INSERT INTO people (person_id, user_id, traits, first_seen, last_seen) VALUES (?, ?, NULL, ?, ?)');
  db.transaction(() => {
    for (const { events, link, person } of history(now)) {
      for (const e of events) insertEvent.run(e.messageId, e.type, e.event, e.name, e.anonymousId, e.userId, e.timestamp, e.timestamp, e.timestamp, e.timestamp, e.raw);
      insertLink.run(link.anonymousId, link.personId);
      insertPerson.run(person.personId, person.userId, person.firstSeen, person.lastSeen);
    }
  })();
  db.exec('ANALYZE');
  db.close();
}

/** @param {any} collector @param {number} now */
async function seedPostgres(collector, now) {
  const { default: postgres } = await import('postgres');
  if (!DATABASE_URL) throw new Error('no database URL');
  const schema = `cairn_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.searchParams.set('search_path', schema);
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin`CREATE SCHEMA ${admin(schema)}`;
  const store = await collector.createPostgresStore({ url: url.toString(), schema });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  for (let d = DAYS + 1; d >= -1; d--) await sql`SELECT cairn_ensure_event_partition(${new Date(now - d * 86_400_000).toISOString().slice(0, 10)}::date)`;
  /** @type {any[]} */
  let rows = [];
  /** @type {any[]} */
  let links = [];
  /** @type {any[]} */
  let people = [];
  const flush = async () => {
    const column = (/** @type {string} */ key) => rows.map((row) => row[key]);
    await sql`INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id, timestamp, original_timestamp, sent_at, received_at, raw)
      SELECT 'default', m, t, e, n, a, u, ts::timestamptz, ts, ts, ts::timestamptz, r
      FROM unnest(${column('messageId')}::text[], ${column('type')}::text[], ${column('event')}::text[], ${column('name')}::text[],
                  ${column('anonymousId')}::text[], ${column('userId')}::text[], ${column('timestamp')}::text[], ${column('raw')}::text[]) AS x(m, t, e, n, a, u, ts, r)`;
    await sql`INSERT INTO person_ids (anonymous_id, person_id) SELECT * FROM unnest(${links.map((l) => l.anonymousId)}::text[], ${links.map((l) => l.personId)}::text[])`;
    await sql`INSERT INTO people (person_id, user_id, first_seen, last_seen)
      SELECT * FROM unnest(${people.map((p) => p.personId)}::text[], ${people.map((p) => p.userId)}::text[], ${people.map((p) => p.firstSeen)}::timestamptz[], ${people.map((p) => p.lastSeen)}::timestamptz[])`;
    rows = [];
    links = [];
    people = [];
  };
  for (const { events, link, person } of history(now)) {
    rows.push(...events);
    links.push(link);
    people.push(person);
    if (rows.length >= 20_000) await flush();
  }
  if (rows.length > 0) await flush();
  await sql`ANALYZE`;
  await sql.end();
  return {
    store,
    drop: async () => {
      await store.close();
      await admin`DROP SCHEMA ${admin(schema)} CASCADE`;
      await admin.end();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await collectorAnalytics.run();
  console.log(JSON.stringify(result, null, 2));
}
