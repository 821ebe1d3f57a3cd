import { CollectorError } from '../collector-error.js';
import type { DerivedWritesOptions } from '../store/derived-writes.js';
import type { SqliteStoreOptions } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';

/** The start-up settings that choose the store. */
export interface StoreSetup {
  /** SQLite file (`--db`), used when no database URL is given. */
  dbPath: string;
  /** `--database-url` / `DATABASE_URL`: PostgreSQL when set. */
  databaseUrl?: string | undefined;
  /** SQLite only: see {@link SqliteStoreOptions.synchronous}. */
  sqliteSynchronous?: 'full' | 'normal' | undefined;
  /** Settings of the tables derived at ingest (e.g. `{ destinations }` for the outbox). */
  derived?: DerivedWritesOptions | undefined;
}

/**
 * Opens the store the settings name: PostgreSQL for a `postgres://` / `postgresql://` database
 * URL, else the SQLite file (the default). The schema is created or migrated before it
 * resolves. Throws {@link CollectorError} `unsupported_store` for another URL scheme and
 * `store_open_failed` when the database cannot be opened.
 *
 * @example
 * const store = await openStore({ dbPath: './cairn.db', databaseUrl: process.env.DATABASE_URL });
 */
export async function openStore(setup: StoreSetup): Promise<Store> {
  // Each driver is loaded only when chosen: the one not used would cost resident memory
  // (a few MB each) in every process, and the SQLite worker loads its own.
  if (setup.databaseUrl === undefined) {
    const { createSqliteStore } = await import('../store/sqlite-store.js');
    return createSqliteStore({
      path: setup.dbPath,
      ...(setup.sqliteSynchronous ? { synchronous: setup.sqliteSynchronous } : {}),
      ...(setup.derived ? { derived: setup.derived } : {}),
    });
  }
  if (!/^postgres(ql)?:\/\//i.test(setup.databaseUrl)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(setup.databaseUrl)?.[1] ?? 'no scheme';
    throw new CollectorError(
      'unsupported_store',
      `--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL (got ${scheme}); use --db PATH for SQLite`,
    );
  }
  const { createPostgresStore } = await import('../store/postgres-store.js');
  return createPostgresStore({ url: setup.databaseUrl, ...(setup.derived ? { derived: setup.derived } : {}) });
}
