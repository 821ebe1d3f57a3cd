import { POSTGRES_PEOPLE_MIGRATION } from '../people/postgres-people-migration.js';
import type { PostgresMigration } from './postgres-migrate.js';
import { backfillQuarantineColumns } from './postgres-quarantine-backfill.js';

/**
 * PostgreSQL schema history, applied in order and each exactly once (see `migratePostgres`).
 * Append a migration to change the schema; never edit an applied one.
 *
 * Column names match SQLite's so queries and exports read the same. Differences, and why:
 * - `timestamp` and `received_at` are `timestamptz` (the collector normalized them to UTC);
 *   `original_timestamp` and `sent_at` stay `text`: they are the client's values as sent.
 * - `raw` is `text`, not `jsonb`: jsonb reorders keys and drops duplicates, and raw must stay
 *   verbatim. `normalized` is `text` too: jsonb refuses `\u0000` and lone surrogate escapes
 *   that JSON allows, and such an event would fail its whole batch with a 503 forever; as
 *   text, `coalesce(normalized, raw)::json` is the same query shape as on SQLite.
 * - `events` is partitioned by UTC day of `received_at`, so retention drops whole partitions.
 *   A unique key on a partitioned table must contain the partition key, which would make dedup
 *   per day only; `event_ids` (no payload, only the key and the day) is the dedup authority.
 * - Ids and names are `COLLATE "C"`: byte order as on SQLite (exports page in the same order
 *   whatever the server's locale) and cheaper comparisons in the key indexes.
 * - No `PRIMARY KEY (source, message_id)` on `events`: `event_ids` enforces it, and one index
 *   fewer per row is insert throughput.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'events (partitioned by day), event_ids, quarantine',
    sql: `
      CREATE TABLE event_ids (
        source text COLLATE "C" NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (source, message_id)
      );
      -- A B-tree, not BRIN: retention deletes old ids and new ones reuse the pages, which
      -- would widen every BRIN range until it prunes nothing.
      CREATE INDEX event_ids_by_received ON event_ids (received_at);

      CREATE TABLE events (
        source text COLLATE "C" NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        type text COLLATE "C" NOT NULL,
        event text COLLATE "C",
        name text COLLATE "C",
        anonymous_id text COLLATE "C",
        user_id text COLLATE "C",
        timestamp timestamptz NOT NULL,
        original_timestamp text,
        sent_at text,
        received_at timestamptz NOT NULL,
        raw text NOT NULL,
        normalized text
      ) PARTITION BY RANGE (received_at);
      -- message_id last: an export pages through (source, timestamp, message_id) on this index.
      CREATE INDEX events_by_time ON events (source, timestamp, message_id);
      CREATE INDEX events_by_event ON events (source, event, timestamp) WHERE event IS NOT NULL;
      -- Without the source first, so erasure across all sources can use them too.
      CREATE INDEX events_by_user ON events (user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX events_by_anonymous ON events (anonymous_id) WHERE anonymous_id IS NOT NULL;
      -- Rows arrive in received_at order within a day's partition: BRIN is tiny and cheap.
      CREATE INDEX events_by_received ON events USING brin (received_at);

      CREATE TABLE quarantine (
        id bigserial PRIMARY KEY,
        source text COLLATE "C",
        message_id text COLLATE "C",
        received_at timestamptz,
        code text NOT NULL,
        reason text NOT NULL,
        raw text NOT NULL
      );
      CREATE INDEX quarantine_by_time ON quarantine (source, received_at);

      -- Creates the partition of one UTC day unless it exists. Values reach the DDL only
      -- through format(%I/%L), and the advisory lock (the one migrations and retention take)
      -- stops two collectors from creating the same table at once. CREATE TABLE … PARTITION OF
      -- would lock the whole events table (ACCESS EXCLUSIVE: every insert and query waits);
      -- ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE, which neither blocks nor waits for them.
      CREATE FUNCTION cairn_ensure_event_partition(day date) RETURNS boolean
      LANGUAGE plpgsql AS $fn$
      DECLARE
        target text := 'events_' || to_char(day, 'YYYYMMDD');
      BEGIN
        PERFORM pg_advisory_xact_lock(1128352082, hashtext(coalesce(current_schema(), current_setting('search_path'))));
        IF to_regclass(format('%I.%I', current_schema(), target)) IS NOT NULL THEN
          RETURN false;
        END IF;
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.events)', current_schema(), target, current_schema());
        EXECUTE format(
          'ALTER TABLE %I.events ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
          current_schema(), current_schema(), target,
          to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
          to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
        RETURN true;
      END
      $fn$;
    `,
  },
  {
    version: 2,
    description: 'quarantine: subject ids, sentAt, dedup key, retention index; events: previous_id',
    // As SQLite's version 3. The backfill reads the raw JSON with json_each, which keeps
    // repeated keys in order (the last fills the column, as JSON.parse would; the others go to
    // other_ids); raw that is not a JSON object (or holds escapes PostgreSQL text refuses) gets
    // no ids. A non-integral number id is written as numeric text (4.20 → 4.2), not always as
    // JavaScript prints it. Rows quarantined before this version have no sent_at and no
    // dedup_key (a resend of such an event adds one new row, once). events.previous_id is not
    // backfilled (an UPDATE scanning every partition at start-up, under the migration lock):
    // erasure reads the raw JSON of alias rows stored before this version with cairn_json_ids,
    // which stays for that (postgres-erase.ts).
    sql: `
      ALTER TABLE events ADD COLUMN previous_id text COLLATE "C";
      ALTER TABLE quarantine
        ADD COLUMN user_id text COLLATE "C",
        ADD COLUMN anonymous_id text COLLATE "C",
        ADD COLUMN previous_id text COLLATE "C",
        ADD COLUMN other_ids text[] COLLATE "C",
        ADD COLUMN sent_at text,
        ADD COLUMN dedup_key text COLLATE "C";

      CREATE FUNCTION cairn_json_ids(doc text, wanted text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN
        RETURN ARRAY(
          SELECT CASE json_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                 ELSE trim_scale((e.value::text)::numeric)::text END
          FROM json_each(doc::json) WITH ORDINALITY AS e(key, value, n)
          WHERE e.key = wanted AND json_typeof(e.value) IN ('string', 'number')
          ORDER BY e.n);
      EXCEPTION WHEN others THEN
        RETURN '{}';
      END
      $fn$;

      UPDATE quarantine q SET
          user_id = v.u[cardinality(v.u)],
          anonymous_id = v.a[cardinality(v.a)],
          previous_id = v.p[cardinality(v.p)],
          other_ids = nullif(ARRAY(
            SELECT DISTINCT id FROM unnest(v.u || v.a || v.p) AS id
            WHERE id IS DISTINCT FROM v.u[cardinality(v.u)] AND id IS DISTINCT FROM v.a[cardinality(v.a)]
              AND id IS DISTINCT FROM v.p[cardinality(v.p)]), '{}')
        FROM (SELECT id, cairn_json_ids(raw, 'userId') AS u, cairn_json_ids(raw, 'anonymousId') AS a,
                     cairn_json_ids(raw, 'previousId') AS p
              FROM quarantine) AS v
        WHERE v.id = q.id AND cardinality(v.u || v.a || v.p) > 0;

      CREATE UNIQUE INDEX quarantine_dedup ON quarantine (coalesce(source, ''), dedup_key) WHERE dedup_key IS NOT NULL;
      CREATE INDEX quarantine_by_received ON quarantine (received_at);
    `,
  },
  {
    version: 3,
    description: 'drop the indexes no collector query needs',
    // As SQLite's version 2: each index is one more B-tree insert per stored event. Nothing
    // reads events_by_event; erasure also matches previous_id, which no index covers, so it
    // scans partition by partition (bounded statements) with or without the id indexes.
    // docs/operations.md says how to add them back where erasure is frequent.
    sql: `
      DROP INDEX IF EXISTS events_by_event;
      DROP INDEX IF EXISTS events_by_user;
      DROP INDEX IF EXISTS events_by_anonymous;
    `,
  },
  {
    version: 4,
    description: 'overview rollups (console) and the newest-first index of the live view',
    // Same tables as SQLite's version 4 (keys and counts only). events_by_received is BRIN,
    // which cannot return rows in order: the live view's "newest first" needs a B-tree.
    sql: `
      CREATE TABLE overview_hourly (
        source text COLLATE "C" NOT NULL,
        hour text COLLATE "C" NOT NULL,
        type text COLLATE "C" NOT NULL,
        label text COLLATE "C" NOT NULL,
        device text COLLATE "C" NOT NULL,
        events bigint NOT NULL,
        PRIMARY KEY (hour, source, type, label, device)
      );
      CREATE TABLE overview_received (
        source text COLLATE "C" NOT NULL,
        hour text COLLATE "C" NOT NULL,
        accepted bigint NOT NULL,
        duplicates bigint NOT NULL,
        PRIMARY KEY (hour, source)
      );
      CREATE TABLE overview_campaigns (
        source text COLLATE "C" NOT NULL,
        hour text COLLATE "C" NOT NULL,
        utm_source text COLLATE "C" NOT NULL,
        utm_medium text COLLATE "C" NOT NULL,
        utm_campaign text COLLATE "C" NOT NULL,
        ad_platform text COLLATE "C" NOT NULL,
        events bigint NOT NULL,
        PRIMARY KEY (hour, source, utm_source, utm_medium, utm_campaign, ad_platform)
      );
      CREATE TABLE overview_consent (
        source text COLLATE "C" NOT NULL,
        hour text COLLATE "C" NOT NULL,
        category text COLLATE "C" NOT NULL,
        granted bigint NOT NULL,
        denied bigint NOT NULL,
        PRIMARY KEY (hour, source, category)
      );
      CREATE TABLE overview_people (
        kind text COLLATE "C" NOT NULL,
        month text COLLATE "C" NOT NULL,
        source text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        days integer NOT NULL,
        PRIMARY KEY (kind, month, source, id)
      );
      CREATE INDEX events_by_received_order ON events (received_at, source, message_id);
    `,
  },
  POSTGRES_PEOPLE_MIGRATION,
  {
    version: 6,
    description: 'destination outbox (deliveries) and per-destination counters',
    // Keys only (DESIGN.md): the forwarder reads the event from events, found through
    // events_by_time with the event's timestamp and pruned to one partition by received_at.
    // Times are epoch milliseconds as on SQLite, so both outboxes share their arithmetic.
    sql: `
      CREATE TABLE deliveries (
        id bigserial PRIMARY KEY,
        destination text COLLATE "C" NOT NULL,
        kind text NOT NULL DEFAULT 'event',
        source text COLLATE "C",
        message_id text COLLATE "C" NOT NULL,
        event_timestamp timestamptz,
        received_at timestamptz,
        user_id text COLLATE "C",
        anonymous_id text COLLATE "C",
        state text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        next_attempt_at bigint NOT NULL,
        last_error text
      );
      -- The only index: one B-tree insert more per delivery. Erasure finds a person's rows
      -- through events, scanning the outbox (small: delivered rows are deleted).
      CREATE INDEX deliveries_queue ON deliveries (destination, state, id);
      CREATE TABLE destination_stats (
        destination text COLLATE "C" PRIMARY KEY,
        delivered bigint NOT NULL DEFAULT 0,
        failed bigint NOT NULL DEFAULT 0,
        last_error text,
        last_error_at bigint
      );
    `,
  },
  {
    version: 7,
    description: 'quarantine: ids at any depth for erasure; dedup by messageId and event text',
    // As SQLite's version 9: the collector's own readers fill the columns (postgres-quarantine-backfill.ts).
    sql: '',
    backfill: backfillQuarantineColumns,
  },
];

/**
 * Key of the advisory lock that serializes schema changes in one schema (migrations, partition
 * creation, retention drops); the second half is the hash of the schema's name (of the search
 * path while the schema does not exist yet, which is then that name).
 */
export const POSTGRES_DDL_LOCK = 1128352082;
