import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** The real PostgreSQL that PostgreSQL tests use (CI sets it); they are skipped without it. */
export const TEST_DATABASE_URL = process.env.CAIRN_TEST_DATABASE_URL || undefined;

/** Test-name suffix that says why PostgreSQL tests did not run. */
export const POSTGRES_SKIP_NOTE = TEST_DATABASE_URL
  ? ''
  : ' (skipped: PostgreSQL tests need CAIRN_TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test)';

/** A schema of its own for one test, so test files running in parallel never meet. */
export interface TestSchema {
  name: string;
  /** Connection with `search_path` set to the schema, to read what the store wrote. */
  sql: postgres.Sql;
  /** The test database URL with `?search_path=<schema>`, for a collector process. */
  url: string;
  /** Drops the schema and everything in it, then closes `sql`. */
  drop(): Promise<void>;
}

/**
 * Names (and with `create`, creates) a fresh `cairn_test_<random>` schema on the test database.
 *
 * @example
 * const schema = await createTestSchema();
 * const store = await createPostgresStore({ url: TEST_DATABASE_URL, schema: schema.name });
 */
export async function createTestSchema(options: { create?: boolean } = {}): Promise<TestSchema> {
  if (!TEST_DATABASE_URL) throw new Error('CAIRN_TEST_DATABASE_URL is not set');
  const name = `cairn_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  if (options.create) await admin`CREATE SCHEMA ${admin(name)}`;
  const sql = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {}, connection: { search_path: name } });
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('search_path', name);
  return {
    name,
    sql,
    url: url.toString(),
    drop: async () => {
      await sql.end({ timeout: 1 });
      await admin`DROP SCHEMA IF EXISTS ${admin(name)} CASCADE`;
      await admin.end({ timeout: 1 });
    },
  };
}
