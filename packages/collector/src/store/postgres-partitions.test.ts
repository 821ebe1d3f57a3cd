import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from './postgres-store.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, createTestSchema, type TestSchema } from './postgres-test-schema.js';
import type { EventRow, Store } from './store.js';

const schemas: TestSchema[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const schema of schemas.splice(0)) await schema.drop();
});

async function open(schema: TestSchema, now: number): Promise<Store> {
  const store = await createPostgresStore({ url: schema.url, maxConnections: 2, now: () => now });
  stores.push(store);
  return store;
}
async function freshSchema(): Promise<TestSchema> {
  const schema = await createTestSchema({ create: true });
  schemas.push(schema);
  return schema;
}
const partitionsOf = async (schema: TestSchema) =>
  (
    await schema.sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass ORDER BY 1`
  ).map((p) => p.name);
const row = (messageId: string, receivedAt: string): EventRow => ({
  source: 'default',
  messageId,
  type: 'track',
  event: 'A',
  name: null,
  anonymousId: 'anon',
  userId: null,
  timestamp: receivedAt,
  originalTimestamp: null,
  sentAt: null,
  receivedAt,
  raw: `{"messageId":"${messageId}"}`,
});

describe.skipIf(!TEST_DATABASE_URL)(`PostgreSQL daily partitions${POSTGRES_SKIP_NOTE}`, () => {
  it('creates today’s and the next two days’ partitions at open, and a missing day on write', async () => {
    const schema = await freshSchema();
    const store = await open(schema, Date.UTC(2024, 11, 31, 23, 59));
    expect(await partitionsOf(schema)).toEqual(['events_20241231', 'events_20250101', 'events_20250102']);

    await store.write({ events: [row('late', '2024-03-05T10:00:00.000Z'), row('now', '2024-12-31T23:59:00.000Z')], quarantined: [] });
    expect(await partitionsOf(schema)).toEqual(['events_20240305', 'events_20241231', 'events_20250101', 'events_20250102']);
    const placed = await schema.sql`SELECT message_id, tableoid::regclass::text AS partition FROM events ORDER BY 1`;
    expect(placed).toEqual([
      { message_id: 'late', partition: 'events_20240305' },
      { message_id: 'now', partition: 'events_20241231' },
    ]);
  });

  it('retention drops whole days, deletes the part of the cutoff’s day before it, and forgets those ids', async () => {
    const schema = await freshSchema();
    const store = await open(schema, Date.UTC(2024, 5, 10));
    const events = [
      row('d1', '2024-06-01T08:00:00.000Z'),
      row('d1b', '2024-06-01T23:59:59.999Z'),
      row('d2-early', '2024-06-02T05:00:00.000Z'),
      row('d2-late', '2024-06-02T18:00:00.000Z'),
      row('d3', '2024-06-03T00:00:00.000Z'),
    ];
    await store.write({ events, quarantined: [] });
    expect(await store.deleteOlderThan('2024-06-02T12:00:00.000Z')).toBe(3);
    const parts = await partitionsOf(schema);
    expect(parts).not.toContain('events_20240601');
    expect(parts).toEqual(expect.arrayContaining(['events_20240602', 'events_20240603']));
    expect(await schema.sql`SELECT message_id FROM events ORDER BY 1`).toEqual([{ message_id: 'd2-late' }, { message_id: 'd3' }]);
    expect(await schema.sql`SELECT message_id FROM event_ids ORDER BY 1`).toEqual([{ message_id: 'd2-late' }, { message_id: 'd3' }]);
    // A resend after the retention period is a new event (as on SQLite); a kept one is not.
    expect(await store.write({ events: [row('d1', '2024-06-10T00:00:00.000Z'), row('d3', '2024-06-10T00:00:00.000Z')], quarantined: [] }))
      .toEqual({ inserted: ['d1'], duplicates: ['d3'] });
    expect(await store.deleteOlderThan('2024-06-02T12:00:00.000Z')).toBe(0);
  });

  it('keeps taking writes while retention waits for a long query on the table it drops from', async () => {
    const schema = await freshSchema();
    const store = await open(schema, Date.now());
    const today = new Date().toISOString();
    await store.write({ events: [row('old', '2024-06-01T08:00:00.000Z'), row('today', today)], quarantined: [] });
    const reader = await schema.sql.reserve();
    let retentionDone = false;
    try {
      // An export or report holding the whole events table (every partition) open.
      await reader`BEGIN`;
      await reader`SELECT count(*) FROM events`;
      const retention = store.deleteOlderThan('2024-06-02T00:00:00.000Z').finally(() => {
        retentionDone = true;
      });
      for (let i = 0; i < 100 && !(await isRetentionWaiting(schema)); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await isRetentionWaiting(schema)).toBe(true);
      // A plain DROP TABLE would queue an ACCESS EXCLUSIVE lock here, and this write behind it.
      expect(await store.write({ events: [row('during', today)], quarantined: [] })).toEqual({ inserted: ['during'], duplicates: [] });
      expect(retentionDone).toBe(false);
      await reader`COMMIT`;
      expect(await retention).toBe(1);
    } finally {
      if (!retentionDone) await reader`ROLLBACK`.catch(() => {});
      reader.release();
    }
    expect(await partitionsOf(schema)).not.toContain('events_20240601');
  });

  it('rewrites a day another collector’s retention dropped from under its cache', async () => {
    const schema = await freshSchema();
    const first = await open(schema, Date.UTC(2024, 5, 10));
    const second = await open(schema, Date.UTC(2024, 5, 10));
    await first.write({ events: [row('a', '2024-06-01T08:00:00.000Z')], quarantined: [] });
    expect(await second.deleteOlderThan('2024-06-02T00:00:00.000Z')).toBe(1);
    expect(await partitionsOf(schema)).not.toContain('events_20240601');
    // `first` still believes 2024-06-01 exists: the insert fails, it re-reads and creates it.
    expect(await first.write({ events: [row('b', '2024-06-01T09:00:00.000Z')], quarantined: [] })).toEqual({ inserted: ['b'], duplicates: [] });
    expect(await schema.sql`SELECT message_id, tableoid::regclass::text AS p FROM events`).toEqual([{ message_id: 'b', p: 'events_20240601' }]);
  });

  it('lets two collectors meet a new day at once: one creates the partition, both write', async () => {
    const schema = await freshSchema();
    const a = await open(schema, Date.UTC(2024, 5, 10));
    const b = await open(schema, Date.UTC(2024, 5, 10));
    const days = Array.from({ length: 8 }, (_, i) => `2024-05-${String(10 + i).padStart(2, '0')}T12:00:00.000Z`);
    const results = await Promise.all([
      a.write({ events: days.map((day, i) => row(`a${i}`, day)), quarantined: [] }),
      b.write({ events: days.map((day, i) => row(`b${i}`, day)), quarantined: [] }),
    ]);
    expect(results.map((r) => r.inserted.length)).toEqual([8, 8]);
    expect((await partitionsOf(schema)).filter((name) => name.startsWith('events_202405'))).toHaveLength(8);
  });
});

/** Retention's statement on the 2024-06-01 partition is waiting for a lock. */
async function isRetentionWaiting(schema: TestSchema): Promise<boolean> {
  const rows = await schema.sql`
    SELECT 1 FROM pg_stat_activity
    WHERE datname = current_database() AND query ILIKE '%events_20240601%' AND wait_event_type = 'Lock'
      AND state = 'active' AND pid <> pg_backend_pid()`;
  return rows.length > 0;
}
