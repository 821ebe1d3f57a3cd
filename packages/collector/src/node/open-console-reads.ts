import { createPostgresConsoleReads } from '../console/postgres-console-reads.js';
import { createSqliteConsoleReads } from '../console/sqlite-console-reads.js';
import type { ConsoleReads } from '../console/console-reads.js';
import { createSqliteReadWorker } from '../store/sqlite-read-worker-client.js';
import type { SqliteReadRunner } from '../store/sqlite-read-runner.js';
import type { StoreSetup } from './open-store.js';

/**
 * The console's reads for the store the settings name: PostgreSQL on a small pool of its own,
 * SQLite on a read-only connection on a worker thread (a 300 ms overview there would otherwise
 * stall ingest and /healthz, which run on the request thread): `sqliteReads` when given (the
 * worker the analytics share, see openSqliteReads), else one of their own.
 *
 * @example
 * const reads = await openConsoleReads({ dbPath: './cairn.db' });
 */
export async function openConsoleReads(setup: StoreSetup, sqliteReads?: SqliteReadRunner): Promise<ConsoleReads> {
  if (setup.databaseUrl !== undefined) return createPostgresConsoleReads({ url: setup.databaseUrl });
  return createSqliteConsoleReads(sqliteReads ?? (await createSqliteReadWorker({ path: setup.dbPath })));
}
