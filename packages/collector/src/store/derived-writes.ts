import type Database from 'better-sqlite3';
import type postgres from 'postgres';
import { createPostgresOverviewRollup } from '../console/overview-rollup-postgres.js';
import { createSqliteOverviewRollup } from '../console/overview-rollup-sqlite.js';
import { postgresOutboxWrite, sqliteOutboxWrite } from '../destinations/outbox-derived-writes.js';
import { createPostgresPeopleWrite } from '../people/postgres-people-writes.js';
import { createSqlitePeopleWrite } from '../people/sqlite-people-writes.js';
import type { EventRow } from './store.js';

/**
 * Settings of the tables the collector derives from events at ingest (rollups for charts,
 * people and their ids, destination deliveries). Plain data only: the SQLite store may run on a
 * worker thread, and this object crosses to it by structured clone.
 */
export interface DerivedWritesOptions {
  [feature: string]: unknown;
}

/**
 * Work that must commit together with the events it derives from (DESIGN.md: derived tables
 * hold keys, ids and counts; a crash between store and derive must lose nothing). Called inside
 * the write (and replay) transaction with the rows that write inserted: never a duplicate, so
 * a resend adds no derived row anywhere. `duplicates` are the rows of the same write that were
 * already stored (resends), for counts of them; a write with only duplicates calls with
 * `inserted` empty. Never add a row for a duplicate. `rowids[i]` is the events rowid SQLite gave
 * `inserted[i]`: ascending, and above every rowid in the table at the time (one writer; a
 * rowid freed by deleting the newest events can come back), so the destinations' outbox keeps
 * ranges of them instead of a row per event.
 */
export type SqliteDerivedWrite = (inserted: readonly EventRow[], duplicates: readonly EventRow[], rowids: readonly number[]) => void;

/** Prepares one derived write on an open SQLite connection (its statements, once). */
export type SqliteDerivedFactory = (db: Database.Database, options: DerivedWritesOptions) => SqliteDerivedWrite | undefined;

/** The PostgreSQL twin of {@link SqliteDerivedWrite}: runs on the write's transaction. */
export type PostgresDerivedWrite = (
  tx: postgres.TransactionSql,
  inserted: readonly EventRow[],
  duplicates: readonly EventRow[],
) => Promise<void>;

/** Builds one derived write for a PostgreSQL store; undefined when its feature is off. */
export type PostgresDerivedFactory = (options: DerivedWritesOptions) => PostgresDerivedWrite | undefined;

/**
 * Every derived write, in the order they run. Append a factory here to keep a table of your
 * own up to date at ingest; return undefined from it when the feature is off, so a store
 * without derived writes keeps its one-statement write path.
 */
export const SQLITE_DERIVED_WRITES: readonly SqliteDerivedFactory[] = [createSqliteOverviewRollup, createSqlitePeopleWrite, sqliteOutboxWrite];

/** PostgreSQL factories; see {@link SQLITE_DERIVED_WRITES}. */
export const POSTGRES_DERIVED_WRITES: readonly PostgresDerivedFactory[] = [createPostgresOverviewRollup, createPostgresPeopleWrite, postgresOutboxWrite];
