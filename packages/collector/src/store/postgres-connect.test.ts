import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresOverviewRollup } from '../console/overview-rollup-postgres.js';
import { row } from '../testing/store-rows.js';
import { connectPostgres } from './postgres-connect.js';
import { createPostgresStore } from './postgres-store.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, createTestSchema, type TestSchema } from './postgres-test-schema.js';
import { writeRows } from './postgres-write.js';
import type { Store } from './store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshSchema(): Promise<TestSchema> {
  const schema = await createTestSchema();
  cleanups.push(() => schema.drop());
  return schema;
}

async function openStore(schema: TestSchema, extra: { lockTimeoutMs?: number } = {}): Promise<Store> {
  const store = await createPostgresStore({ url: TEST_DATABASE_URL as string, schema: schema.name, maxConnections: 1, ...extra });
  cleanups.push(() => store.close());
  return store;
}

describe.skipIf(!TEST_DATABASE_URL)(`PostgreSQL session settings${POSTGRES_SKIP_NOTE}`, () => {
  it('pins synchronous_commit on and sets the timeouts, whatever the role’s defaults', async () => {
    // A role of its own whose defaults are the unsafe ones (roles are cluster-wide: nothing
    // else uses this one).
    const role = `cairn_test_role_${randomBytes(4).toString('hex')}`;
    const admin = postgres(TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
    await admin`CREATE ROLE ${admin(role)} LOGIN`;
    cleanups.push(async () => {
      await admin`DROP ROLE IF EXISTS ${admin(role)}`;
      await admin.end({ timeout: 1 });
    });
    await admin`ALTER ROLE ${admin(role)} SET synchronous_commit = off`;
    await admin`ALTER ROLE ${admin(role)} SET statement_timeout = 0`;
    await admin`ALTER ROLE ${admin(role)} SET lock_timeout = 0`;
    const url = new URL(TEST_DATABASE_URL as string);
    url.username = role;

    const plain = postgres(url.toString(), { max: 1 });
    cleanups.push(() => plain.end({ timeout: 1 }));
    expect((await plain`SHOW synchronous_commit`)[0]).toEqual({ synchronous_commit: 'off' });

    const sql = connectPostgres(url.toString(), { maxConnections: 1, statementTimeoutMs: 30_000, lockTimeoutMs: 2_000 });
    cleanups.push(() => sql.end({ timeout: 1 }));
    const [settings] = await sql<{ synchronous_commit: string; statement_timeout: string; lock_timeout: string }[]>`
      SELECT current_setting('synchronous_commit') AS synchronous_commit,
             current_setting('statement_timeout') AS statement_timeout,
             current_setting('lock_timeout') AS lock_timeout`;
    expect(settings).toEqual({ synchronous_commit: 'on', statement_timeout: '30s', lock_timeout: '2s' });
  });

  it('writes with a prepared statement: parsed once per connection, not per request', async () => {
    const schema = await freshSchema();
    await (await openStore(schema)).close();
    const sql = postgres(schema.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 1 }));
    await sql`SELECT cairn_ensure_event_partition('2024-06-01'::date)`;
    await writeRows(sql, { events: [row('a')], quarantined: [], resolvedIds: [] });
    await writeRows(sql, { events: [row('b'), row('c')], quarantined: [], resolvedIds: [] });
    // One connection (max: 1), so its session's prepared statements are these.
    const prepared = await sql<{ statement: string }[]>`SELECT statement FROM pg_prepared_statements`;
    expect(prepared.filter(({ statement }) => statement.includes('INSERT INTO event_ids'))).toHaveLength(1);
  });

  it('writes the overview rollup (in every ingest transaction) with a prepared statement too', async () => {
    const schema = await freshSchema();
    await (await openStore(schema)).close();
    const sql = postgres(schema.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 1 }));
    const rollup = createPostgresOverviewRollup({});
    for (const ids of [['a'], ['b', 'c']]) {
      await sql.begin((tx) => rollup?.(tx, ids.map((id) => row(id)), []));
    }
    const prepared = await sql<{ statement: string }[]>`SELECT statement FROM pg_prepared_statements`;
    expect(prepared.filter(({ statement }) => statement.includes('INSERT INTO overview_hourly'))).toHaveLength(1);
    expect((await sql<{ events: string }[]>`SELECT sum(events)::text AS events FROM overview_hourly`)[0]?.events).toBe('3');
  });

  it('fails a write stuck behind a lock after lock_timeout instead of holding the request', async () => {
    const schema = await freshSchema();
    const store = await openStore(schema, { lockTimeoutMs: 300 });
    await store.write({ events: [row('warm-up')], quarantined: [] });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const holder = schema.sql.begin(async (tx) => {
      await tx`LOCK TABLE event_ids IN ACCESS EXCLUSIVE MODE`;
      locked();
      await released;
    });
    await holding;
    const started = Date.now();
    await expect(store.write({ events: [row('blocked')], quarantined: [] })).rejects.toThrow(/lock timeout/);
    expect(Date.now() - started).toBeLessThan(5_000);
    release();
    await holder;
    expect(await store.write({ events: [row('blocked')], quarantined: [] })).toEqual({ inserted: ['blocked'], duplicates: [] });
  });
});
