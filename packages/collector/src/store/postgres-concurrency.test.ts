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

const openMany = async (schema: TestSchema, count: number): Promise<Store[]> => {
  const opened = await Promise.all(
    Array.from({ length: count }, () =>
      createPostgresStore({ url: TEST_DATABASE_URL as string, schema: schema.name, maxConnections: 4 }),
    ),
  );
  stores.push(...opened);
  return opened;
};
const row = (messageId: string): EventRow => ({
  source: 'default',
  messageId,
  type: 'track',
  event: 'A',
  name: null,
  anonymousId: 'anon',
  userId: null,
  timestamp: '2024-06-01T12:00:00.000Z',
  originalTimestamp: null,
  sentAt: null,
  receivedAt: new Date().toISOString(),
  raw: `{"messageId":"${messageId}"}`,
});

describe.skipIf(!TEST_DATABASE_URL)(`PostgreSQL store with several collectors${POSTGRES_SKIP_NOTE}`, () => {
  it('applies the migrations once when collectors open a new schema together', async () => {
    const schema = await createTestSchema(); // not created: the stores race to create it too
    schemas.push(schema);
    await openMany(schema, 4);
    expect(await schema.sql`SELECT version FROM schema_migrations`).toEqual([{ version: 1 }, { version: 4 }]);
  });

  it('stores a batch written by two collectors at once exactly once, each id inserted by one of them', async () => {
    const schema = await createTestSchema();
    schemas.push(schema);
    const [a, b] = (await openMany(schema, 2)) as [Store, Store];
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      const ids = Array.from({ length: 50 }, (_, i) => `r${round}-${i}`);
      // Overlapping batches in opposite orders: claimed in one fixed order, so no deadlock.
      const [first, second] = await Promise.all([
        a.write({ events: ids.map(row), quarantined: [] }),
        b.write({ events: [...ids].reverse().map(row), quarantined: [] }),
      ]);
      expect([...first.inserted, ...second.inserted].sort()).toEqual([...ids].sort());
      expect([...first.duplicates, ...second.duplicates].sort()).toEqual([...ids].sort());
    }
    const [counts] = await schema.sql`SELECT count(*)::int AS events, count(DISTINCT message_id)::int AS distinct_ids FROM events`;
    expect(counts).toEqual({ events: rounds * 50, distinct_ids: rounds * 50 });
  });
});
