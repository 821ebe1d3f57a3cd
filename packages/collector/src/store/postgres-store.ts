import postgres from 'postgres';
import { createPostgresAnalytics } from '../analytics/postgres-analytics.js';
import { CollectorError } from '../collector-error.js';
import { connectPostgres } from './postgres-connect.js';
import { eraseSubject } from './postgres-erase.js';
import { migratePostgres } from './postgres-migrate.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { createEventPartitions } from './postgres-partitions.js';
import { readEventPage, readStats, toStoredQuarantineRow, type QuarantineRecord } from './postgres-read.js';
import { writeRows, type PostgresWrite } from './postgres-write.js';
import { POSTGRES_DERIVED_WRITES, type DerivedWritesOptions, type PostgresDerivedWrite } from './derived-writes.js';
import type { EventRow, Store, WriteResult } from './store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database`; query parameters such as `?search_path=cairn` become session settings. */
  url: string;
  /**
   * Schema for Cairn's tables, created if missing; default: the first schema of the search path
   * (`public`). A `search_path` in the URL wins over it (the driver applies URL parameters last).
   */
  schema?: string;
  /** Connections in the pool (one per concurrent write); default 10. */
  maxConnections?: number;
  /** Clock for `schema_migrations.applied_at` and for creating the coming days' partitions. */
  now?: () => number;
  /** Settings of the tables derived from events at ingest (see derived-writes.ts). */
  derived?: DerivedWritesOptions;
  /** `statement_timeout` of the store's sessions, ms; default 60,000 (see connect-postgres). */
  statementTimeoutMs?: number;
  /** `lock_timeout` of the store's sessions, ms; default 10,000. */
  lockTimeoutMs?: number;
}

/** Rows per DELETE when retention forgets old ids: short transactions, bounded WAL bursts. */
const ID_DELETE_CHUNK = 50_000;

/**
 * PostgreSQL store (the `postgres` driver): same behaviour as the SQLite store, for several
 * collector instances on one database. Each request is one statement (one round trip, one
 * commit); `event_ids` holds the (source, message_id) primary key across all time, so two
 * collectors writing the same batch store it once. `events` is partitioned by UTC day of
 * `received_at`: retention drops whole partitions. The schema is migrated at open.
 * This is the only module (with its `postgres-*` helpers) that imports the driver.
 *
 * @example
 * const store = await createPostgresStore({ url: 'postgres://cairn@db:5432/cairn' });
 * const app = createCollector({ sources, store });
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const now = options.now ?? Date.now;
  const sql = connectPostgres(options.url, options);
  const partitions = createEventPartitions(sql, now);
  try {
    await migratePostgres(sql, POSTGRES_MIGRATIONS, { now, schema: options.schema });
    await partitions.reload();
    await partitions.ensureFor([]);
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    if (error instanceof CollectorError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CollectorError('store_open_failed', `cannot open PostgreSQL database ${describeUrl(options.url)}: ${reason}`, {
      cause: error,
    });
  }

  const derived = POSTGRES_DERIVED_WRITES.map((factory) => factory(options.derived ?? {})).filter(
    (write): write is PostgresDerivedWrite => write !== undefined,
  );
  // Without derived tables a write stays one statement (one round trip, implicit transaction);
  // with them, the events and what derives from them commit in one explicit transaction.
  const writeOnce = async (batch: PostgresWrite): Promise<WriteResult> => {
    if (derived.length === 0) return writeRows(sql, batch);
    return (await sql.begin(async (tx) => {
      const result = await writeRows(tx, batch);
      const fresh = new Set(result.inserted);
      const inserted: EventRow[] = [];
      const duplicates: EventRow[] = [];
      for (const row of batch.events) (fresh.delete(row.messageId) ? inserted : duplicates).push(row);
      if (inserted.length > 0 || duplicates.length > 0) for (const write of derived) await write(tx, inserted, duplicates);
      return result;
    })) as WriteResult;
  };

  let closed = false;
  const open = () => {
    if (closed) throw new Error('the PostgreSQL store is closed');
  };
  const write = async (batch: PostgresWrite): Promise<WriteResult> => {
    open();
    const receivedAts = batch.events.map((row) => row.receivedAt);
    await partitions.ensureFor(receivedAts);
    try {
      return await writeOnce(batch);
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      // Another collector's retention dropped a day this one still had cached.
      await partitions.reload();
      await partitions.ensureFor(receivedAts);
      return writeOnce(batch);
    }
  };

  const analytics = createPostgresAnalytics(sql);
  return {
    ...analytics,
    kind: 'postgres',
    write: (batch) => write({ events: batch.events, quarantined: batch.quarantined, resolvedIds: [] }),
    replay: (batch) => write({ events: batch.events, quarantined: [], resolvedIds: batch.resolvedIds }),
    ping: async () => {
      open();
      await sql`SELECT 1`;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await sql.end({ timeout: 5 });
    },
    readQuarantine: async ({ afterId = 0, limit, source, code, ids }) => {
      open();
      const rows = await sql<QuarantineRecord[]>`
        SELECT id, source, message_id, received_at, code, reason, raw, sent_at FROM quarantine
        WHERE id > ${afterId}
          ${source === undefined ? sql`` : sql`AND source = ${source}`}
          ${code === undefined ? sql`` : sql`AND code = ${code}`}
          ${ids === undefined ? sql`` : sql`AND id = ANY(${`{${ids.map(Math.trunc).join(',')}}`}::bigint[])`}
        ORDER BY id LIMIT ${limit}`;
      return rows.map(toStoredQuarantineRow);
    },
    deleteQuarantine: async (ids) => {
      open();
      if (ids.length === 0) return 0;
      const { count } = await sql`DELETE FROM quarantine WHERE id = ANY(${`{${ids.map(Math.trunc).join(',')}}`}::bigint[])`;
      return count;
    },
    erase: async (subject) => {
      open();
      if (!subject.userId && !subject.anonymousId) {
        throw new CollectorError('invalid_options', 'erase needs a userId or an anonymousId');
      }
      return eraseSubject(sql, subject);
    },
    deleteOlderThan: async (cutoffIso) => {
      open();
      const cutoff = new Date(cutoffIso);
      if (Number.isNaN(cutoff.getTime())) throw new CollectorError('invalid_options', `retention cutoff is not a date: ${cutoffIso}`);
      // Events before ids: interrupted in between, a resend is still a duplicate.
      let deleted = await partitions.dropBefore(cutoff);
      // The partition holding the cutoff (and any partition not made by Cairn): deletes of at
      // most ~50,000 rows each, so no statement runs into the statement timeout. A ctid is
      // unique only within a partition: the outer condition keeps a same-ctid row of another
      // partition unless it is past the cutoff too (then it was due anyway).
      for (;;) {
        const { count } = await sql`
          DELETE FROM events WHERE received_at < ${cutoff} AND ctid = ANY(ARRAY(
            SELECT ctid FROM events WHERE received_at < ${cutoff} LIMIT ${ID_DELETE_CHUNK}))`;
        deleted += count;
        if (count === 0) break;
      }
      for (;;) {
        const { count } = await sql`
          DELETE FROM event_ids WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM event_ids WHERE received_at < ${cutoff} LIMIT ${ID_DELETE_CHUNK}))`;
        if (count < ID_DELETE_CHUNK) break;
      }
      for (;;) {
        const { count } = await sql`
          DELETE FROM quarantine WHERE id = ANY(ARRAY(
            SELECT id FROM quarantine WHERE received_at < ${cutoff} LIMIT ${ID_DELETE_CHUNK}))`;
        deleted += count;
        if (count < ID_DELETE_CHUNK) break;
      }
      return deleted;
    },
    readEvents: async (query) => {
      open();
      return readEventPage(sql, query);
    },
    stats: async () => {
      open();
      return readStats(sql);
    },
  };
}

function isMissingPartition(error: unknown): boolean {
  // 23514 check_violation: "no partition of relation "events" found for row".
  return error instanceof postgres.PostgresError && error.code === '23514' && /no partition/.test(error.message);
}

/** host:port/database for messages: never the password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
