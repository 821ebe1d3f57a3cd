// PostgreSQL store settings (issue #12, item 8), before and after in ONE run, alternating so a
// busy machine weighs on both alike. "before" is the previous configuration: unprepared writes
// (the driver's `prepare=false`, as `sql.unsafe` without `prepare: true` was) and the three
// event indexes schema v3 made opt-in, added back by hand; "after" is the default now.
// Both pin synchronous_commit=on (the server's default here, so that setting costs nothing).
// Run: node bench/run.mjs postgres-store   (CAIRN_TEST_DATABASE_URL, default the local test db)
import { pathToFileURL } from 'node:url';
import { eventRows, runLoad } from './collector-load-client.mjs';
import { COLLECTOR_CLI, startServer } from './collector-processes.mjs';

const DATABASE_URL = process.env.CAIRN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WRITE_KEY = 'bench-key';
const SECONDS = Number(process.env.CAIRN_BENCH_SECONDS ?? 3);
/** Rows per store write: what a group commit of a busy collector holds. */
const ROWS_PER_WRITE = 500;
/** Writes in flight at once in the store-only run (the pool's connections). */
const WRITERS = 4;

/** The indexes of schema v1 that v3 dropped (docs/operations.md adds them back the same way). */
const OLD_INDEXES = [
  'CREATE INDEX events_by_event ON events (source, event, timestamp) WHERE event IS NOT NULL',
  'CREATE INDEX events_by_user ON events (user_id) WHERE user_id IS NOT NULL',
  'CREATE INDEX events_by_anonymous ON events (anonymous_id) WHERE anonymous_id IS NOT NULL',
];

/** @typedef {{ name: string, prepare: boolean, oldIndexes: boolean }} Variant */
/** @type {Variant[]} */
const VARIANTS = [
  { name: 'before', prepare: false, oldIndexes: true },
  { name: 'after', prepare: true, oldIndexes: false },
];

/** @type {import('./bench-module.mjs').BenchModule} */
export const postgresStore = {
  name: 'postgres-store',
  title: `PostgreSQL store before/after #12 (unprepared + 3 more indexes → prepared, opt-in indexes), ${SECONDS} s per round, 2 rounds each`,
  async run() {
    const { default: postgres } = await import('postgres');
    const { createPostgresStore } = await import(pathToFileURL(COLLECTOR_CLI.replace(/cli\.js$/, 'index.js')).href);
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
    /** @type {string[]} */
    const schemas = [];
    /** @type {string[]} */
    const notes = [];
    try {
      await admin`SELECT 1`;
    } catch (error) {
      await admin.end({ timeout: 1 }).catch(() => {});
      return { ok: false, figures: [], notes: [`cannot reach ${DATABASE_URL}: ${error instanceof Error ? error.message : String(error)}`] };
    }
    /** A fresh schema for a variant: its URL, with the indexes added once the store migrated it. */
    const schemaFor = async (/** @type {Variant} */ variant) => {
      const schema = `cairn_bench_${variant.name}_${Date.now().toString(36)}${schemas.length}`;
      schemas.push(schema);
      await admin`CREATE SCHEMA ${admin(schema)}`;
      const url = new URL(DATABASE_URL);
      url.searchParams.set('search_path', schema);
      if (!variant.prepare) url.searchParams.set('prepare', 'false');
      const addIndexes = async () => {
        if (!variant.oldIndexes) return;
        const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {}, connection: { search_path: schema } });
        try {
          for (const statement of OLD_INDEXES) await sql.unsafe(statement);
        } finally {
          await sql.end({ timeout: 1 });
        }
      };
      return { url: url.toString(), addIndexes };
    };

    try {
      /** @type {Record<string, number[]>} */
      const storeRates = { before: [], after: [] };
      /** @type {Record<string, number[]>} */
      const endToEnd = { before: [], after: [] };
      for (let round = 0; round < 2; round++) {
        for (const variant of VARIANTS) {
          const { url, addIndexes } = await schemaFor(variant);
          const store = await createPostgresStore({ url, maxConnections: WRITERS });
          await addIndexes();
          storeRates[variant.name]?.push(await storeOnlyRate(store, `${variant.name}${round}`));
          await store.close();
        }
        for (const variant of VARIANTS) {
          const { url, addIndexes } = await schemaFor(variant);
          const server = await startServer(COLLECTOR_CLI, ['--port', '0', '--database-url', url, '--write-key', WRITE_KEY, '--rate-limit', '0']);
          try {
            await addIndexes();
            await runLoad({ url: server.url, writeKey: WRITE_KEY, connections: 32, durationMs: 1_000, prefix: `w${variant.name}${round}` });
            const result = await runLoad({ url: server.url, writeKey: WRITE_KEY, connections: 32, durationMs: SECONDS * 1000, prefix: `r${variant.name}${round}` });
            endToEnd[variant.name]?.push(result.eventsPerSecond);
          } finally {
            await server.stop();
          }
        }
      }
      const mean = (/** @type {number[] | undefined} */ values) => Math.round((values ?? []).reduce((a, b) => a + b, 0) / Math.max(1, values?.length ?? 0));
      notes.push(`rounds: store-only before ${storeRates.before?.join(' / ')}, after ${storeRates.after?.join(' / ')} rows/s; end-to-end before ${endToEnd.before?.join(' / ')}, after ${endToEnd.after?.join(' / ')} events/s`);
      return {
        ok: true,
        figures: [
          { name: 'store-only before', value: mean(storeRates.before), unit: `rows/s (${ROWS_PER_WRITE}-row writes, ${WRITERS} in flight)` },
          { name: 'store-only after', value: mean(storeRates.after), unit: 'rows/s' },
          { name: 'end-to-end before', value: mean(endToEnd.before), unit: 'events/s (CLI, 20-event batches, 32 connections)' },
          { name: 'end-to-end after', value: mean(endToEnd.after), unit: 'events/s' },
        ],
        notes,
      };
    } finally {
      for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`.catch(() => {});
      await admin.end({ timeout: 1 });
    }
  },
};

/**
 * Rows/s through `store.write` alone: WRITERS loops, each writing ROWS_PER_WRITE-row batches
 * one after another for SECONDS or until the 60,000 rows built beforehand (so only the store
 * is timed) are written.
 * @param {{ write: (batch: unknown) => Promise<unknown> }} store
 * @param {string} prefix
 */
async function storeOnlyRate(store, prefix) {
  const batches = Array.from({ length: 120 }, (_, b) => ({ events: eventRows(`${prefix}-${b}`, ROWS_PER_WRITE, WRITE_KEY), quarantined: [] }));
  await store.write(batches.pop()); // partitions, connections and plans warm
  let next = 0;
  let rows = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (performance.now() < until && next < batches.length) {
        const batch = batches[next++];
        await store.write(batch);
        rows += ROWS_PER_WRITE;
      }
    }),
  );
  return Math.round(rows / ((performance.now() - started) / 1000));
}
