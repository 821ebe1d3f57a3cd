import Database from 'better-sqlite3';
import { createSqliteAnalytics } from '../analytics/sqlite-analytics.js';
import { CollectorError } from '../collector-error.js';
import { SQLITE_DERIVED_WRITES, type DerivedWritesOptions, type SqliteDerivedWrite } from './derived-writes.js';
import { quarantineDedupKey } from './quarantine-dedup-key.js';
import { quarantineSubjects } from './quarantine-subjects.js';
import { createSqliteMaintenance } from './sqlite-maintenance.js';
import { createSqliteOverviewErase } from '../console/overview-erase.js';
import { createSqliteOverviewFold } from '../console/overview-fold-sqlite.js';
import { createSqlitePeopleErase } from '../people/people-erase.js';
import { SQLITE_MIGRATIONS, type Migration } from './sqlite-migrations.js';
import type { EventQuery, EventRow, QuarantineRow, Store, StoredQuarantineRow, WriteBatch, WriteResult } from './store.js';

export interface SqliteStoreOptions {
  /** Database file; created with its folder's permissions if missing. */
  path: string;
  /**
   * `full` (default): every acknowledged batch survives a process kill AND a power loss or OS
   * crash, because each commit fsyncs the WAL. The SDK deletes an event from the browser's
   * queue once it is acknowledged, so an ack lost to a power cut is an event lost for good.
   * `normal` skips that fsync (still safe against a process kill, as the WAL is in the OS
   * cache) for several times more commits per second; choose it only where losing the last
   * second of acknowledged events on power loss is acceptable.
   */
  synchronous?: 'full' | 'normal';
  /** How long a write waits for another connection's lock before failing (503). */
  busyTimeoutMs?: number;
  /** Clock for `schema_migrations.applied_at`. */
  now?: () => number;
  /** Settings of the tables derived from events at ingest (see derived-writes.ts). */
  derived?: DerivedWritesOptions;
}

/**
 * SQLite store (better-sqlite3, WAL): one transaction per request, `INSERT … ON CONFLICT DO
 * NOTHING` on (source, message_id) so a resend is counted as a duplicate and stored once.
 * This is the only module that imports the SQLite driver.
 *
 * @example
 * const store = createSqliteStore({ path: './cairn.db' });
 * const app = createCollector({ sources, store });
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  let db: Database.Database;
  try {
    db = new Database(options.path, { timeout: Math.max(0, options.busyTimeoutMs ?? 5000) });
    // WAL lets readers (SQL clients, tests, exports) run while the collector writes.
    db.pragma('journal_mode = WAL');
    db.pragma(options.synchronous === 'normal' ? 'synchronous = NORMAL' : 'synchronous = FULL');
    migrate(db, SQLITE_MIGRATIONS, options.now ?? Date.now);
  } catch (error) {
    if (error instanceof CollectorError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CollectorError('store_open_failed', `cannot open SQLite database ${options.path}: ${reason}`, {
      cause: error,
    });
  }

  const insertEvent = db.prepare(`
    INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id, previous_id,
                        timestamp, original_timestamp, sent_at, received_at, raw, normalized)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (source, message_id) DO NOTHING`);
  // DO NOTHING on quarantine_dedup: a resent batch adds none of its rejected rows again.
  const insertQuarantine = db.prepare(`
    INSERT INTO quarantine (source, message_id, received_at, code, reason, raw, sent_at,
                            user_id, anonymous_id, previous_id, other_ids, dedup_key)
    VALUES (@source, @messageId, @receivedAt, @code, @reason, @raw, @sentAt,
            @userId, @anonymousId, @previousId, @otherIds, @dedupKey)
    ON CONFLICT DO NOTHING`);
  const ping = db.prepare('SELECT 1');
  const selectQuarantine = db.prepare(`
    SELECT id, source, message_id AS messageId, received_at AS receivedAt, code, reason, raw, sent_at AS sentAt
    FROM quarantine WHERE id > @afterId AND (@source IS NULL OR source = @source) AND (@code IS NULL OR code = @code)
      AND (@ids IS NULL OR id IN (SELECT value FROM json_each(@ids)))
    ORDER BY id LIMIT @limit`);
  const deleteQuarantine = db.prepare('DELETE FROM quarantine WHERE id = ?');
  const maintenance = createSqliteMaintenance(db, { synchronous: options.synchronous ?? 'full' });
  const eraseLinks = createSqlitePeopleErase(db);
  const eraseOverview = createSqliteOverviewErase(db);
  // Keyset pages in (source, timestamp, message_id) order; one statement per shape so each
  // uses the (source, timestamp) index instead of an OR the planner cannot resolve.
  const eventColumns = `source, message_id AS messageId, type, event, name, anonymous_id AS anonymousId,
    user_id AS userId, timestamp, original_timestamp AS originalTimestamp, sent_at AS sentAt,
    received_at AS receivedAt, raw, normalized`;
  const selectEvents = db.prepare(`SELECT ${eventColumns} FROM events
    WHERE (source, timestamp, message_id) > (@afterSource, @afterTimestamp, @afterMessageId)
      AND timestamp >= @from AND timestamp < @to
    ORDER BY source, timestamp, message_id LIMIT @limit`);
  const selectSourceEvents = db.prepare(`SELECT ${eventColumns} FROM events
    WHERE source = @source AND (timestamp, message_id) > (@afterTimestamp, @afterMessageId)
      AND timestamp >= @from AND timestamp < @to
    ORDER BY timestamp, message_id LIMIT @limit`);
  const analytics = createSqliteAnalytics(db, options.path);
  const derived = SQLITE_DERIVED_WRITES.map((factory) => factory(db, options.derived ?? {})).filter(
    (write): write is SqliteDerivedWrite => write !== undefined,
  );
  // The overview rollups count stored events after the commits, from a rowid cursor (see the module).
  const overviewFold = createSqliteOverviewFold(db, { enabled: options.derived?.overview !== false });
  const insertEvents = (events: readonly EventRow[], result: WriteResult) => {
    const inserted: EventRow[] = [];
    const rowids: number[] = [];
    const duplicates: EventRow[] = [];
    let firstRowid = 0;
    let lastRowid = 0;
    for (const row of events) {
      // Positional parameters: binding by name costs a third more per row at high rates.
      const { changes, lastInsertRowid } = insertEvent.run(
        row.source, row.messageId, row.type, row.event, row.name, row.anonymousId, row.userId, row.previousId ?? null,
        row.timestamp, row.originalTimestamp, row.sentAt, row.receivedAt, row.raw, row.normalized ?? null,
      );
      if (changes === 1) {
        result.inserted.push(row.messageId);
        inserted.push(row);
        lastRowid = Number(lastInsertRowid);
        rowids.push(lastRowid);
        if (firstRowid === 0) firstRowid = lastRowid;
      } else {
        result.duplicates.push(row.messageId);
        duplicates.push(row);
      }
    }
    // Same transaction as the events: derived tables never miss or double-count one.
    if (inserted.length > 0 || duplicates.length > 0) for (const write of derived) write(inserted, duplicates, rowids);
    overviewFold.noteInserted(inserted, firstRowid, lastRowid);
  };
  const writeAll = db.transaction((batch: WriteBatch): WriteResult => {
    const result: WriteResult = { inserted: [], duplicates: [] };
    insertEvents(batch.events, result);
    for (const row of batch.quarantined) insertQuarantine.run(quarantineParams(row));
    return result;
  });
  const replayAll = db.transaction((batch: { events: EventRow[]; resolvedIds: number[] }): WriteResult => {
    const result: WriteResult = { inserted: [], duplicates: [] };
    insertEvents(batch.events, result);
    for (const id of batch.resolvedIds) deleteQuarantine.run(id);
    return result;
  });
  const deleteQuarantineRows = db.transaction((ids: number[]) => {
    let deleted = 0;
    for (const id of ids) deleted += deleteQuarantine.run(Math.trunc(id)).changes;
    return deleted;
  });
  const { close: _closeAnalytics, ...analyticsMethods } = analytics;
  return {
    ...analyticsMethods,
    kind: 'sqlite',
    // IMMEDIATE takes the write lock at BEGIN, so a busy database waits (busy_timeout) instead
    // of failing when a deferred transaction tries to upgrade its read lock.
    write: async (batch) => {
      const result = writeAll.immediate(batch);
      overviewFold.afterCommit();
      return result;
    },
    ping: async () => {
      ping.get();
    },
    close: async () => {
      analytics.close();
      if (db.open) {
        overviewFold.close();
        db.close();
      }
    },
    readQuarantine: async ({ afterId = 0, limit, source, code, ids }) =>
      selectQuarantine.all({
        afterId,
        limit,
        source: source ?? null,
        code: code ?? null,
        ids: ids === undefined ? null : JSON.stringify(ids.map(Math.trunc)),
      }) as StoredQuarantineRow[],
    deleteQuarantine: async (ids) => deleteQuarantineRows(ids),
    replay: async (batch) => {
      const result = replayAll.immediate(batch);
      overviewFold.afterCommit();
      return result;
    },
    erase: async (subject) => {
      if (!subject.userId && !subject.anonymousId) {
        throw new CollectorError('invalid_options', 'erase needs a userId or an anonymousId');
      }
      // Events counted before they go: the overview's counts keep them, as they always did.
      overviewFold.foldAll();
      const erased = await maintenance.erase(subject);
      // The person's links and rollup ids go last: an erasure interrupted before them is simply run again.
      // Ids counted during the erasure are folded first, so none of them comes back later.
      db.transaction(() => {
        overviewFold.foldAll();
        eraseLinks(subject);
        eraseOverview(subject);
      }).immediate();
      return erased;
    },
    deleteOlderThan: (cutoffIso) => {
      // Every stored event is counted before any can be deleted.
      overviewFold.foldAll();
      return maintenance.deleteOlderThan(cutoffIso);
    },
    readEvents: async (query) => readEvents(query),
    stats: () => maintenance.stats(),
  };

  function readEvents(query: EventQuery): EventRow[] {
    // '' sorts before every stored value and '9999' after every ISO timestamp, so absent
    // bounds need no separate statement.
    const params = {
      afterSource: query.after?.source ?? '',
      afterTimestamp: query.after?.timestamp ?? '',
      afterMessageId: query.after?.messageId ?? '',
      from: query.from ?? '',
      to: query.to ?? '9999',
      limit: query.limit,
    };
    if (query.source === undefined) return selectEvents.all(params) as EventRow[];
    // Within one source, a cursor from another source's page means "from the start".
    const sameSource = query.after?.source === query.source;
    return selectSourceEvents.all({
      ...params,
      source: query.source,
      afterTimestamp: sameSource ? params.afterTimestamp : '',
      afterMessageId: sameSource ? params.afterMessageId : '',
    }) as EventRow[];
  }
}

/** The columns of one quarantine row: its ids for erasure and its dedup key (see quarantine-subjects.ts). */
function quarantineParams(row: QuarantineRow) {
  return { ...row, sentAt: row.sentAt ?? null, ...quarantineSubjects(row.raw), dedupKey: quarantineDedupKey(row) };
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in one IMMEDIATE transaction
 * so two collectors starting on the same file cannot both apply one.
 */
function migrate(db: Database.Database, migrations: readonly Migration[], now: () => number): void {
  // Readers a migration needs that SQL cannot express (version 9): the same code as the writes.
  db.function('cairn_quarantine_subjects', { deterministic: true }, (raw: unknown) => JSON.stringify(quarantineSubjects(String(raw))));
  db.function('cairn_quarantine_dedup_key', { deterministic: true }, (messageId: unknown, raw: unknown) =>
    quarantineDedupKey({ messageId: typeof messageId === 'string' ? messageId : null, raw: String(raw) }),
  );
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const latest = (db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    }).version;
    const known = Math.max(0, ...migrations.map((migration) => migration.version));
    if (latest !== null && latest > known) {
      throw new CollectorError(
        'store_open_failed',
        `database schema version ${latest} is newer than this collector's (${known}); upgrade the collector`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (latest !== null && migration.version <= latest) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date(now()).toISOString());
    }
  }).immediate();
}
