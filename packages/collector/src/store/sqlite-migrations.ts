/** One schema step; `version` values are applied in order, each exactly once. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
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
];
