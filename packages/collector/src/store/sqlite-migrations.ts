import { SQLITE_PEOPLE_MIGRATION } from '../people/sqlite-people-migration.js';

/** One schema step; `version` values are applied in order, each exactly once. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** A json_each value as the collector reads an id: text as is, a number as its text. */
const ID_TEXT = `CASE type WHEN 'text' THEN value WHEN 'integer' THEN CAST(value AS TEXT)
  WHEN 'real' THEN CASE WHEN value = CAST(value AS INTEGER) AND abs(value) < 9e15
    THEN CAST(CAST(value AS INTEGER) AS TEXT) ELSE CAST(value AS TEXT) END END`;

/** The last value of a top-level key of a JSON column, as JSON.parse keeps it. */
function lastIdOf(column: string, key: string): string {
  return `SELECT ${ID_TEXT} FROM json_each(${column}) WHERE key = '${key}' AND type IN ('text', 'integer', 'real') ORDER BY id DESC LIMIT 1`;
}

/**
 * SQLite schema history. Append a migration to change the schema; never edit an applied one
 * (databases in the field already ran it). STRICT tables make SQLite enforce the column types.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events and quarantine',
    sql: `
      CREATE TABLE events (
        source TEXT NOT NULL,
        message_id TEXT NOT NULL,
        type TEXT NOT NULL,
        event TEXT,
        name TEXT,
        anonymous_id TEXT,
        user_id TEXT,
        timestamp TEXT NOT NULL,
        original_timestamp TEXT,
        sent_at TEXT,
        received_at TEXT NOT NULL,
        raw TEXT NOT NULL,
        normalized TEXT,
        PRIMARY KEY (source, message_id)
      ) STRICT;
      CREATE INDEX events_by_time ON events (source, timestamp);
      CREATE INDEX events_by_event ON events (source, event, timestamp) WHERE event IS NOT NULL;
      CREATE INDEX events_by_user ON events (source, user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX events_by_anonymous ON events (source, anonymous_id) WHERE anonymous_id IS NOT NULL;
      CREATE INDEX events_by_received ON events (received_at);
      CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        source TEXT,
        message_id TEXT,
        received_at TEXT,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        raw TEXT NOT NULL
      ) STRICT;
      CREATE INDEX quarantine_by_time ON quarantine (source, received_at);
    `,
  },
  {
    version: 2,
    description: 'drop the indexes no collector query reads',
    // Each index is one more B-tree insert per stored event: with all five, SQLite's share of
    // an event's cost was ~16 µs CPU, with the two kept ~10 µs (docs/benchmarks.md). Export
    // reads events_by_time, retention events_by_received; erasure could not use the user and
    // anonymous indexes (source first, under an optional-source OR: it scanned), and nothing
    // reads events_by_event. docs/operations.md says which indexes speed erasure up if needed.
    sql: `
      DROP INDEX IF EXISTS events_by_event;
      DROP INDEX IF EXISTS events_by_user;
      DROP INDEX IF EXISTS events_by_anonymous;
    `,
  },
  {
    version: 3,
    description: 'quarantine: subject ids, sentAt, dedup key, retention index; events: previous_id',
    // Erasure matches columns, not the raw JSON (json_extract reads the first of repeated keys
    // where the collector reads the last, and compares a number id 42 unequal to "42"). The
    // backfill reads every top-level key with json_each, which keeps repeats in order: the last
    // value fills the column, as JSON.parse would, the others go to other_ids. Its limits: a
    // non-integral or huge number id is written as SQLite prints it, not as JavaScript would;
    // rows quarantined before this version have no sent_at and no dedup_key (a resend of such
    // an event adds one new row, once). events.previous_id is not backfilled: that would scan
    // the whole events table at start-up; erasure reads the raw JSON of the (rare) alias rows
    // stored before this version instead (sqlite-maintenance.ts).
    sql: `
      ALTER TABLE events ADD COLUMN previous_id TEXT;
      ALTER TABLE quarantine ADD COLUMN user_id TEXT;
      ALTER TABLE quarantine ADD COLUMN anonymous_id TEXT;
      ALTER TABLE quarantine ADD COLUMN previous_id TEXT;
      ALTER TABLE quarantine ADD COLUMN other_ids TEXT;
      ALTER TABLE quarantine ADD COLUMN sent_at TEXT;
      ALTER TABLE quarantine ADD COLUMN dedup_key TEXT;

      UPDATE quarantine SET
          user_id = (${lastIdOf('quarantine.raw', 'userId')}),
          anonymous_id = (${lastIdOf('quarantine.raw', 'anonymousId')}),
          previous_id = (${lastIdOf('quarantine.raw', 'previousId')})
        WHERE json_valid(raw) AND json_type(raw) = 'object';
      UPDATE quarantine SET other_ids = (
          SELECT nullif(json_group_array(id), '[]') FROM (
            SELECT DISTINCT ${ID_TEXT} AS id FROM json_each(quarantine.raw)
            WHERE key IN ('userId', 'anonymousId', 'previousId') AND type IN ('text', 'integer', 'real'))
          WHERE id IS NOT coalesce(user_id, '') AND id IS NOT coalesce(anonymous_id, '') AND id IS NOT coalesce(previous_id, ''))
        WHERE json_valid(raw) AND json_type(raw) = 'object';

      CREATE UNIQUE INDEX quarantine_dedup ON quarantine (coalesce(source, ''), dedup_key) WHERE dedup_key IS NOT NULL;
      CREATE INDEX quarantine_by_received ON quarantine (received_at);
    `,
  },
  {
    version: 4,
    description: 'overview rollups (console): hourly counts, campaigns, consent, people per day',
    // Keys and counts only (DESIGN.md), kept in the events' transaction by the overview derived
    // write (console/overview-rollup-sqlite.ts). Hours are 'YYYY-MM-DDTHH' of the event's
    // skew-corrected timestamp (UTC); overview_people has one row per id and month ('YYYY-MM')
    // with a bit per day it was seen (bit 0 = the 1st), so a distinct count over a range reads
    // one row per id and month instead of one per id and day; overview_received counts by receive
    // hour, as the quarantine's rejections are (data-quality rates). WITHOUT ROWID: the key is the row.
    // The hour leads every counter's key: the rows a write adds to sit together in one leaf page
    // per table, and an overview of any source is one range scan, with no second index to write.
    sql: `
      CREATE TABLE overview_hourly (
        source TEXT NOT NULL,
        hour TEXT NOT NULL,
        type TEXT NOT NULL,
        label TEXT NOT NULL,
        device TEXT NOT NULL,
        events INTEGER NOT NULL,
        PRIMARY KEY (hour, source, type, label, device)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE overview_received (
        source TEXT NOT NULL,
        hour TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        PRIMARY KEY (hour, source)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE overview_campaigns (
        source TEXT NOT NULL,
        hour TEXT NOT NULL,
        utm_source TEXT NOT NULL,
        utm_medium TEXT NOT NULL,
        utm_campaign TEXT NOT NULL,
        ad_platform TEXT NOT NULL,
        events INTEGER NOT NULL,
        PRIMARY KEY (hour, source, utm_source, utm_medium, utm_campaign, ad_platform)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE overview_consent (
        source TEXT NOT NULL,
        hour TEXT NOT NULL,
        category TEXT NOT NULL,
        granted INTEGER NOT NULL,
        denied INTEGER NOT NULL,
        PRIMARY KEY (hour, source, category)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE overview_people (
        kind TEXT NOT NULL,
        month TEXT NOT NULL,
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        days INTEGER NOT NULL,
        PRIMARY KEY (kind, month, source, id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  SQLITE_PEOPLE_MIGRATION,
  {
    version: 6,
    description: 'destination outbox (deliveries) and per-destination counters',
    // Keys only (DESIGN.md): the forwarder reads the event from events. id is the order of
    // delivery per destination; delivered rows are deleted and counted in destination_stats.
    // kind 'erase' rows carry the ids of an erasure's deletion message instead of an event key.
    sql: `
      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        destination TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'event',
        source TEXT,
        message_id TEXT NOT NULL,
        user_id TEXT,
        anonymous_id TEXT,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT
      ) STRICT;
      -- The only index: one B-tree insert more per delivery. Erasure finds a person's rows
      -- through events, scanning the outbox (small: delivered rows are deleted).
      CREATE INDEX deliveries_queue ON deliveries (destination, state, id);
      CREATE TABLE destination_stats (
        destination TEXT PRIMARY KEY,
        delivered INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_error_at INTEGER
      ) STRICT;
    `,
  },
  {
    version: 7,
    description: 'overview rollups counted from a rowid cursor (console)',
    // The overview rollups leave the events' transaction (console/overview-fold-sqlite.ts):
    // events with rowid <= last_rowid are counted in them, the overview reads the rest from
    // events. Every event stored so far is counted already (migration 4 counted per write).
    // SQLite gives a new row max(rowid) + 1, so deleting the newest events would hand their
    // rowids out again, below the cursor: the trigger lowers the cursor to the last remaining
    // rowid (every event up to it is counted). Its WHEN is one B-tree edge read per deleted row,
    // false unless the newest row goes.
    sql: `
      CREATE TABLE overview_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_rowid INTEGER NOT NULL
      ) STRICT;
      INSERT INTO overview_cursor (id, last_rowid) SELECT 1, coalesce(max(rowid), 0) FROM events;
      CREATE TRIGGER overview_cursor_clamp AFTER DELETE ON events
        WHEN OLD.rowid > (SELECT coalesce(max(rowid), 0) FROM events)
      BEGIN
        UPDATE overview_cursor SET last_rowid = (SELECT coalesce(max(rowid), 0) FROM events)
          WHERE last_rowid > (SELECT coalesce(max(rowid), 0) FROM events);
      END;
    `,
  },
  {
    version: 8,
    description: 'destination outbox as ranges of event rowids (one row per write transaction and destination)',
    // Issue #16's ingest budget: one outbox row per event cost ingest a B-tree insert (and the
    // forwarder a delete and an index probe back into events) per event. SQLite has one writer,
    // so the rowids a write transaction gives its events are above every rowid before them: a
    // destination's deliveries of one transaction are the rowid range [first_event, last_event]
    // (only_events lists them when the destination skipped some in between). Still keys only.
    // seq is the queue order: the row's own id, kept by the part split off a row (a batch
    // dead-lettered in the middle of a range), so (seq, first_event) is the order of delivery.
    // Rows of v6 become one-event ranges; those whose event is gone are dropped (never sent).
    sql: `
      CREATE TABLE deliveries_v8 (
        id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        destination TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'event',
        first_event INTEGER,
        last_event INTEGER,
        only_events TEXT,
        source TEXT,
        message_id TEXT,
        user_id TEXT,
        anonymous_id TEXT,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT
      ) STRICT;
      INSERT INTO deliveries_v8 (id, seq, destination, kind, first_event, last_event, source, message_id, user_id, anonymous_id,
                                 state, attempts, created_at, next_attempt_at, last_error)
        SELECT d.id, d.id, d.destination, 'event', e.rowid, e.rowid, NULL, NULL, NULL, NULL,
               d.state, d.attempts, d.created_at, d.next_attempt_at, d.last_error
        FROM deliveries d JOIN events e ON e.source = d.source AND e.message_id = d.message_id
        WHERE d.kind = 'event';
      INSERT INTO deliveries_v8 (id, seq, destination, kind, source, message_id, user_id, anonymous_id,
                                 state, attempts, created_at, next_attempt_at, last_error)
        SELECT id, id, destination, kind, source, message_id, user_id, anonymous_id, state, attempts, created_at, next_attempt_at, last_error
        FROM deliveries WHERE kind <> 'event';
      DROP TABLE deliveries;
      ALTER TABLE deliveries_v8 RENAME TO deliveries;
      CREATE INDEX deliveries_queue ON deliveries (destination, state, seq, first_event);
    `,
  },
  {
    version: 9,
    description: 'quarantine: ids at any depth for erasure; dedup by messageId and event text',
    // The collector's own readers (quarantine-subjects.ts, quarantine-dedup-key.ts), which SQL
    // cannot express, registered on the connection by the migration runner as cairn_* functions
    // (sqlite-store.ts): every quarantine row gets the ids erasure now matches (nested, in
    // arrays, in double-encoded events) and, where it had one, the dedup key that tells a
    // different event reusing a messageId from a resend. One pass over the quarantine, once.
    // Rows without a dedup key (quarantined before v3) keep none.
    sql: `
      UPDATE quarantine SET
          user_id = json_extract(s.ids, '$.userId'),
          anonymous_id = json_extract(s.ids, '$.anonymousId'),
          previous_id = json_extract(s.ids, '$.previousId'),
          other_ids = json_extract(s.ids, '$.otherIds'),
          dedup_key = CASE WHEN quarantine.dedup_key IS NULL THEN NULL ELSE cairn_quarantine_dedup_key(quarantine.message_id, quarantine.raw) END
        FROM (SELECT id, cairn_quarantine_subjects(raw) AS ids FROM quarantine) AS s
        WHERE s.id = quarantine.id;
    `,
  },
];
