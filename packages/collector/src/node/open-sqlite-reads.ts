import { createSqliteReadWorker } from '../store/sqlite-read-worker-client.js';
import type { SqliteReadRunner } from '../store/sqlite-read-runner.js';
import type { Setup } from './resolve-setup.js';

/**
 * The SQLite read worker (a read-only connection on a thread of its own) that the console's
 * reads and the read-only analytics (segments, exports, funnels, the cart rule) share, so no
 * slow read holds the request thread or the writer. None for PostgreSQL (its reads take pooled
 * connections), for an in-memory database (a second connection cannot see it: the store reads
 * on its own connection), or when nothing would read (no admin token, the cart rule off).
 * Open it after the store has created and migrated the file.
 *
 * @example
 * const reads = await openSqliteReads(setup);
 */
export async function openSqliteReads(setup: Pick<Setup, 'databaseUrl' | 'dbPath' | 'adminToken' | 'carts'>): Promise<SqliteReadRunner | undefined> {
  if (setup.databaseUrl !== undefined || setup.dbPath === ':memory:' || setup.dbPath === '') return undefined;
  if (!setup.adminToken && setup.carts.checkIntervalMs <= 0) return undefined;
  return createSqliteReadWorker({ path: setup.dbPath });
}
