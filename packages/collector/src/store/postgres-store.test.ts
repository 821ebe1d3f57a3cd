import { afterEach, describe, expect, it } from 'vitest';
import { CollectorError } from '../collector-error.js';
import { describeStoreContract } from '../testing/store-contract.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { createPostgresStore } from './postgres-store.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, createTestSchema, type TestSchema } from './postgres-test-schema.js';
import type { EventRow, QuarantineRow, Store } from './store.js';

const schemas: TestSchema[] = [];
const stores: Store[] = [];
const NOW = Date.UTC(2024, 5, 1, 12);

async function openFresh(): Promise<{ store: Store; schema: TestSchema }> {
  const schema = await createTestSchema();
  schemas.push(schema);
  const store = await createPostgresStore({ url: TEST_DATABASE_URL as string, schema: schema.name, maxConnections: 2, now: () => NOW });
  stores.push(store);
  return { store, schema };
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const schema of schemas.splice(0)) await schema.drop();
});

const row = (messageId: string, extra: Partial<EventRow> = {}): EventRow => ({
  source: 'default',
  messageId,
  type: 'track',
  event: 'A',
  name: null,
  anonymousId: 'anon',
  userId: null,
  timestamp: '2024-06-01T11:59:00.000Z',
  originalTimestamp: '2024-06-01T13:59:00+02:00',
  sentAt: null,
  receivedAt: '2024-06-01T12:00:01.000Z',
  raw: `{"messageId":"${messageId}"}`,
  ...extra,
});
const bad = (messageId: string, raw = '{}'): QuarantineRow => ({
  source: 'default',
  messageId,
  receivedAt: '2024-06-01T12:00:01.000Z',
  code: 'invalid_event',
  reason: 'type must be one of …',
  raw,
});

describe.skipIf(!TEST_DATABASE_URL)(`createPostgresStore${POSTGRES_SKIP_NOTE}`, () => {
  it('creates the schema with SQLite’s column names and records the migration once', async () => {
    const { store, schema } = await openFresh();
    await store.close();
    await (await createPostgresStore({ url: schema.url, now: () => NOW + 1000 })).close(); // applies nothing twice
    expect(await schema.sql`SELECT version, applied_at FROM schema_migrations ORDER BY version`).toEqual(
      POSTGRES_MIGRATIONS.map(({ version }) => ({ version, applied_at: new Date(NOW) })),
    );
    const columns = async (table: string) =>
      (
        await schema.sql<{ column_name: string; data_type: string; is_nullable: string }[]>`
          SELECT column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_schema = ${schema.name} AND table_name = ${table} ORDER BY ordinal_position`
      ).map((c) => `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}`);
    expect(await columns('events')).toEqual([
      'source text not null',
      'message_id text not null',
      'type text not null',
      'event text',
      'name text',
      'anonymous_id text',
      'user_id text',
      'timestamp timestamp with time zone not null',
      'original_timestamp text',
      'sent_at text',
      'received_at timestamp with time zone not null',
      'raw text not null',
      'normalized text',
      'previous_id text',
    ]);
    expect(await columns('quarantine')).toEqual([
      'id bigint not null',
      'source text',
      'message_id text',
      'received_at timestamp with time zone',
      'code text not null',
      'reason text not null',
      'raw text not null',
      'user_id text',
      'anonymous_id text',
      'previous_id text',
      'other_ids ARRAY',
      'sent_at text',
      'dedup_key text',
    ]);
    // Only the indexes a collector query reads (migration 3): others are opt-in (docs/operations.md).
    const indexes = async (table: string) =>
      (await schema.sql<{ indexname: string }[]>`SELECT indexname FROM pg_indexes WHERE schemaname = ${schema.name} AND tablename = ${table} ORDER BY indexname`).map(
        (index) => index.indexname,
      );
    expect(await indexes('events')).toEqual(['events_by_name_time', 'events_by_received', 'events_by_received_order', 'events_by_time']);
    expect(await indexes('quarantine')).toEqual(['quarantine_by_received', 'quarantine_by_time', 'quarantine_dedup', 'quarantine_pkey']);
    expect(await columns('event_ids')).toEqual([
      'source text not null',
      'message_id text not null',
      'received_at timestamp with time zone not null',
    ]);
  });

  it('stores raw verbatim beside the normalized columns, in one row per event', async () => {
    const { store, schema } = await openFresh();
    const raw = '{"z":1,"a":{"b":2},"a":3, "messageId":"m1","userId":"u\\u0000"}';
    const normalized = '{"event":"Product Added","note":"\\u0000 and \\ud800"}';
    await store.write({ events: [row('m1', { raw, normalized, userId: 'u\u0000', event: 'Product Added' })], quarantined: [] });
    const [stored] = await schema.sql`SELECT * FROM events`;
    expect(stored).toMatchObject({
      message_id: 'm1',
      raw,
      normalized,
      // PostgreSQL text cannot hold U+0000: the column gets U+FFFD, raw keeps the escape.
      user_id: 'u\uFFFD',
      timestamp: new Date('2024-06-01T11:59:00.000Z'),
      original_timestamp: '2024-06-01T13:59:00+02:00',
      received_at: new Date('2024-06-01T12:00:01.000Z'),
    });
    expect(await schema.sql`SELECT source, message_id FROM event_ids`).toEqual([{ source: 'default', message_id: 'm1' }]);
  });

  it('writes all of a request or nothing', async () => {
    const { store, schema } = await openFresh();
    const broken = row('broken', { type: null as unknown as string });
    await expect(store.write({ events: [row('first'), broken], quarantined: [bad('q1')] })).rejects.toThrow(/null value/);
    const counts = await schema.sql`SELECT (SELECT count(*) FROM events)::int AS events,
      (SELECT count(*) FROM event_ids)::int AS ids, (SELECT count(*) FROM quarantine)::int AS quarantine`;
    expect(counts).toEqual([{ events: 0, ids: 0, quarantine: 0 }]);
    expect(await store.write({ events: [row('first')], quarantined: [] })).toEqual({ inserted: ['first'], duplicates: [] });
  });

  it('erases quarantine rows whose JSON holds \\u0000 or a numeric id, and never a look-alike', async () => {
    const { store } = await openFresh();
    await store.write({
      events: [row('e1', { userId: '42' })],
      quarantined: [
        bad('q1', '{"userId":42,"note":"\\u0000"}'),
        bad('q2', '{"userId":"x","properties":{"user":"42","note":"userId 42"}}'),
        bad('q3', '{"userId":"420"}'),
        bad('q4', '{"anonymousId":"a\\"b"}'),
      ],
    });
    expect(await store.erase({ userId: '42' })).toEqual({ events: 1, quarantine: 1 });
    expect(await store.erase({ anonymousId: 'a"b', source: 'other' })).toEqual({ events: 0, quarantine: 0 });
    expect(await store.erase({ anonymousId: 'a"b', source: 'default' })).toEqual({ events: 0, quarantine: 1 });
    await store.write({ events: [row('e2', { userId: 'n\u0000' })], quarantined: [] });
    expect(await store.erase({ userId: 'n\u0000' })).toEqual({ events: 1, quarantine: 0 });
    expect((await store.readQuarantine({ limit: 10 })).map((r) => r.messageId)).toEqual(['q2', 'q3']);
    // The erased event's id is kept: a late resend stays a duplicate instead of coming back.
    expect(await store.write({ events: [row('e1', { userId: '42' })], quarantined: [] })).toEqual({ inserted: [], duplicates: ['e1'] });
  });

  it('refuses a database migrated by a newer collector', async () => {
    const { store, schema } = await openFresh();
    await store.close();
    await schema.sql`INSERT INTO schema_migrations VALUES (99, 'future', now())`;
    await expect(createPostgresStore({ url: schema.url })).rejects.toMatchObject({
      code: 'store_open_failed',
      message: expect.stringContaining('99'),
    });
  });

  it('reports an unreachable server as store_open_failed without the password', async () => {
    const error = await createPostgresStore({ url: 'postgres://cairn:s3cret@127.0.0.1:1/nowhere' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectorError);
    expect(error).toMatchObject({ code: 'store_open_failed', message: expect.stringContaining('127.0.0.1:1/nowhere') });
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('rejects calls once closed; closing twice is fine', async () => {
    const { store } = await openFresh();
    await store.ping();
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(store.write({ events: [row('late')], quarantined: [] })).rejects.toThrow(/closed/);
  });

  describeStoreContract('postgres', async () => (await openFresh()).store);
});
