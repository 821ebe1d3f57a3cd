import type postgres from 'postgres';
import { CollectorError } from '../collector-error.js';
import { POSTGRES_DDL_LOCK } from './postgres-migrations.js';
import type { Migration } from './sqlite-migrations.js';

/** A PostgreSQL schema step; `backfill` runs after its SQL, in the same transaction, for what SQL cannot compute. */
export interface PostgresMigration extends Migration {
  backfill?: (tx: postgres.TransactionSql) => Promise<void>;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction under
 * the schema's advisory lock: collectors starting together wait for the first one, then find
 * nothing left to apply. A database migrated by a newer collector is refused, as on SQLite.
 * With `schema`, the schema is created first (under the same lock: CREATE SCHEMA IF NOT
 * EXISTS is not safe against a concurrent one).
 *
 * @example
 * await migratePostgres(sql, POSTGRES_MIGRATIONS, { now: Date.now });
 */
export async function migratePostgres(
  sql: postgres.Sql,
  migrations: readonly PostgresMigration[],
  options: { now: () => number; schema?: string | undefined },
): Promise<void> {
  await sql.begin(async (tx) => {
    // Waiting for another collector's migration, and a backfill over a large table, may take
    // longer than the timeouts a write gets: they apply to this transaction only.
    await tx`SET LOCAL lock_timeout = 0`;
    await tx`SET LOCAL statement_timeout = 0`;
    await tx`SELECT pg_advisory_xact_lock(${POSTGRES_DDL_LOCK}, hashtext(coalesce(current_schema(), current_setting('search_path'))))`;
    if (options.schema !== undefined) await tx`CREATE SCHEMA IF NOT EXISTS ${tx(options.schema)}`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      description text NOT NULL,
      applied_at timestamptz NOT NULL
    )`;
    const [row] = await tx<{ version: number | null }[]>`SELECT max(version) AS version FROM schema_migrations`;
    const latest = row?.version ?? 0;
    const known = Math.max(0, ...migrations.map((migration) => migration.version));
    if (latest > known) {
      throw new CollectorError(
        'store_open_failed',
        `database schema version ${latest} is newer than this collector's (${known}); upgrade the collector`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= latest) continue;
      // Constant schema text with several statements: the simple query protocol runs them all.
      if (migration.sql.trim() !== '') await tx.unsafe(migration.sql).simple();
      await migration.backfill?.(tx);
      await tx`INSERT INTO schema_migrations (version, description, applied_at)
               VALUES (${migration.version}, ${migration.description}, ${new Date(options.now())})`;
    }
  });
}
