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
];
