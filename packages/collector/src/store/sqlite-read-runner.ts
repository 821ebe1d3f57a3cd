import Database from 'better-sqlite3';
import { CollectorError } from '../collector-error.js';
import { SQLITE_READ_QUERIES } from './sqlite-read-queries.js';

/**
 * Runs named read queries (`SQLITE_READ_QUERIES`) against a SQLite file: in this thread
 * ({@link createSqliteReadRunner}) or on a worker thread (`createSqliteReadWorker`).
 *
 * @example
 * const rows = await runner.run<EventSummary[]>('console.listEvents', { filters: {}, limit: 50 });
 */
export interface SqliteReadRunner {
  run<T>(name: string, arg: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens `path` read-only (the store must have created and migrated it) for the read queries.
 * `query_only` is a second lock: not even a query function's mistake can write.
 *
 * @example
 * const db = openReadOnly('./cairn.db');
 */
export function openReadOnly(path: string): Database.Database {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
    db.pragma('query_only = ON');
    return db;
  } catch (error) {
    throw new CollectorError('store_open_failed', `cannot open SQLite database ${path} read-only: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Runs a named query on `db`; an unknown name is a programming error, said as such.
 *
 * @example
 * runNamedQuery(db, 'console.overview', { from, to });
 */
export function runNamedQuery(db: Database.Database, name: string, arg: unknown): unknown {
  const query = Object.hasOwn(SQLITE_READ_QUERIES, name) ? SQLITE_READ_QUERIES[name] : undefined;
  if (query === undefined) throw new Error(`no SQLite read query named ${name}; add it to SQLITE_READ_QUERIES`);
  return (query as (db: Database.Database, arg: unknown) => unknown)(db, arg);
}

/**
 * The read queries on this thread (tests, embedding): simple, but a slow query blocks the
 * event loop, so the Node entry uses the worker instead.
 *
 * @example
 * const runner = createSqliteReadRunner({ path: './cairn.db' });
 */
export function createSqliteReadRunner(options: { path: string }): SqliteReadRunner {
  const db = openReadOnly(options.path);
  return {
    run: async <T>(name: string, arg: unknown) => runNamedQuery(db, name, arg) as T,
    close: async () => {
      if (db.open) db.close();
    },
  };
}
