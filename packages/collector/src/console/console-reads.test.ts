import { mkdtempSync, rmSync } from 'node:fs';
import { describe, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore } from '../store/postgres-store.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, createTestSchema } from '../store/postgres-test-schema.js';
import { createSqliteReadRunner } from '../store/sqlite-read-runner.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { describeConsoleReadsContract } from '../testing/console-reads-contract.js';
import { createPostgresConsoleReads } from './postgres-console-reads.js';
import { createSqliteConsoleReads } from './sqlite-console-reads.js';

describeConsoleReadsContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-reads-'));
  const store = createSqliteStore({ path: join(dir, 'cairn.db') });
  const reads = createSqliteConsoleReads(createSqliteReadRunner({ path: join(dir, 'cairn.db') }));
  return {
    store,
    reads,
    dispose: async () => {
      await reads.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

if (TEST_DATABASE_URL) {
  describeConsoleReadsContract('PostgreSQL', async () => {
    const schema = await createTestSchema();
    const store = await createPostgresStore({ url: TEST_DATABASE_URL as string, schema: schema.name, maxConnections: 2 });
    const reads = createPostgresConsoleReads({ url: TEST_DATABASE_URL as string, schema: schema.name });
    return {
      store,
      reads,
      dispose: async () => {
        await reads.close();
        await store.close();
        await schema.drop();
      },
    };
  });
} else {
  describe.skip(`PostgreSQL: console reads${POSTGRES_SKIP_NOTE}`, () => {
    it('needs CAIRN_TEST_DATABASE_URL', () => undefined);
  });
}
