import { afterEach, describe, expect, it } from 'vitest';
import { expectBackfilledErasure } from '../testing/backfill-erasure.js';
import { ERASURE_CORPUS, ERASURE_SURVIVORS } from '../testing/store-contract-quarantine.js';
import { bad } from '../testing/store-rows.js';
import { migratePostgres } from './postgres-migrate.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { createPostgresStore } from './postgres-store.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, createTestSchema, type TestSchema } from './postgres-test-schema.js';

const schemas: TestSchema[] = [];
afterEach(async () => {
  for (const schema of schemas.splice(0)) await schema.drop();
});

describe.skipIf(!TEST_DATABASE_URL)(`PostgreSQL schema v2 backfill${POSTGRES_SKIP_NOTE}`, () => {
  it('fills the id columns of rows quarantined before v2, so erasure reaches them', async () => {
    const schema = await createTestSchema({ create: true });
    schemas.push(schema);
    // A schema as version 1 left it, with rows written then.
    await migratePostgres(schema.sql, POSTGRES_MIGRATIONS.filter(({ version }) => version <= 1), { now: Date.now });
    const raws = [...ERASURE_CORPUS.map((entry) => entry.raw), ...ERASURE_SURVIVORS];
    for (const [i, raw] of raws.entries()) {
      await schema.sql`INSERT INTO quarantine (source, message_id, received_at, code, reason, raw)
        VALUES ('default', ${`q${i}`}, '2024-06-01T12:00:00Z', 'invalid_event', 'old', ${raw})`;
    }
    await schema.sql`SELECT cairn_ensure_event_partition('2024-06-01'::date)`;
    await schema.sql`INSERT INTO events (source, message_id, type, user_id, timestamp, received_at, raw)
      VALUES ('default', 'alias-1', 'alias', 'u-event', '2024-06-01T12:00:00Z', '2024-06-01T12:00:00Z',
              '{"type":"alias","previousId":"anon-first","userId":"u-event","previousId":"anon-older"}')`;

    const store = await createPostgresStore({ url: schema.url });
    try {
      await expectBackfilledErasure(store, { aliasEventErasedBy: { anonymousId: 'anon-older' } });
    } finally {
      await store.close();
    }
  });

  it('rekeys and re-reads the quarantine at v7 (in pages): a resend stays out, a reused messageId comes in, nested ids erase', async () => {
    const schema = await createTestSchema({ create: true });
    schemas.push(schema);
    await migratePostgres(schema.sql, POSTGRES_MIGRATIONS.filter(({ version }) => version <= 6), { now: Date.now });
    // 1,200 rows as version 6 wrote them (dedup key 'm:' + messageId, top-level ids only): three pages.
    await schema.sql`INSERT INTO quarantine (source, message_id, received_at, code, reason, raw, dedup_key)
      SELECT 'default', 'q' || n, '2024-06-01T12:00:00Z', 'invalid_event', 'old',
             '{"messageId":"q' || n || '","context":{"traits":{"user_id":"nested-' || n || '"}}}', 'm:q' || n
      FROM generate_series(0, 1199) AS n`;
    const store = await createPostgresStore({ url: schema.url });
    try {
      const raw = (n: number) => `{"messageId":"q${n}","context":{"traits":{"user_id":"nested-${n}"}}}`;
      await store.write({ events: [], quarantined: [bad('q0', { raw: raw(0) }), bad('q1199', { raw: raw(1199) }), bad('q5', { raw: '{"messageId":"q5","other":true}' })] });
      const [{ n } = { n: 0 }] = await schema.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM quarantine`;
      expect(n).toBe(1201);
      expect(await store.erase({ userId: 'nested-1100' })).toEqual({ events: 0, quarantine: 1 });
    } finally {
      await store.close();
    }
  });
});
