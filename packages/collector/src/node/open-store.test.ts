import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../store/postgres-test-schema.js';
import { openStore } from './open-store.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('openStore', () => {
  it('opens the SQLite file when no database URL is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-open-store-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const store = await openStore({ dbPath: join(dir, 'cairn.db'), databaseUrl: undefined });
    cleanups.push(() => store.close());
    expect(store.kind).toBe('sqlite');
  });

  it('refuses a database URL that is not PostgreSQL, naming its scheme', async () => {
    await expect(openStore({ dbPath: 'x.db', databaseUrl: 'mysql://root@localhost/db' })).rejects.toMatchObject({
      code: 'unsupported_store',
      message: expect.stringContaining('got mysql'),
    });
  });

  it.skipIf(!TEST_DATABASE_URL)(`opens PostgreSQL for a postgres:// URL${POSTGRES_SKIP_NOTE}`, async () => {
    const schema: TestSchema = await createTestSchema({ create: true });
    cleanups.push(() => schema.drop());
    const store = await openStore({ dbPath: 'unused.db', databaseUrl: schema.url });
    cleanups.push(() => store.close());
    expect(store.kind).toBe('postgres');
    expect(await store.write({ events: [], quarantined: [] })).toEqual({ inserted: [], duplicates: [] });
  });
});
