import { afterEach, describe, it } from 'vitest';
import { expectBackfilledErasure } from '../testing/backfill-erasure.js';
import { ERASURE_CORPUS, ERASURE_SURVIVORS } from '../testing/store-contract-quarantine.js';
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
});
