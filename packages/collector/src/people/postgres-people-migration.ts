import type { Migration } from '../store/sqlite-migrations.js';
import { BACKFILL_PEOPLE_SQL } from './backfill-people.js';

/**
 * Migration 5 (PostgreSQL): the twin of SQLITE_PEOPLE_MIGRATION (same tables, columns and
 * views; see there for what each holds). Differences:
 * - `cairn_doc(raw, normalized)` is the event as jsonb, or NULL for the rare event whose JSON
 *   jsonb refuses (`\u0000`, a lone surrogate escape: valid JSON, stored as text): one such
 *   event must not make every segment query fail.
 * - `cairn_number(jsonb)` reads a JSON number as numeric, else NULL (never a cast error).
 * - `events_by_name_time` is created on the partitioned table (PostgreSQL builds it on each
 *   day's partition); the existing `events_by_event` leads with the source, which a query
 *   across sources cannot use.
 */
export const POSTGRES_PEOPLE_MIGRATION: Migration = {
  version: 5,
  description: 'people, person_ids, segments, the analytics views',
  sql: `
    CREATE TABLE person_ids (
      anonymous_id text COLLATE "C" PRIMARY KEY,
      person_id text COLLATE "C" NOT NULL,
      linked_at timestamptz
    );
    CREATE INDEX person_ids_by_person ON person_ids (person_id);
    CREATE TABLE people (
      person_id text COLLATE "C" PRIMARY KEY,
      user_id text COLLATE "C",
      traits jsonb,
      first_seen timestamptz NOT NULL,
      last_seen timestamptz NOT NULL
    );
    CREATE TABLE segments (
      name text COLLATE "C" PRIMARY KEY,
      definition text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX events_by_name_time ON events (event, timestamp) INCLUDE (user_id, anonymous_id) WHERE event IS NOT NULL;

    CREATE FUNCTION cairn_doc(raw text, normalized text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT CASE WHEN coalesce(normalized, raw) ~ '\\\\u(0000|[dD][89abcdefABCDEF])' THEN NULL
                  ELSE coalesce(normalized, raw)::jsonb END
    $fn$;
    CREATE FUNCTION cairn_number(value jsonb) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::numeric END
    $fn$;

    INSERT INTO person_ids (anonymous_id, person_id, linked_at)
    SELECT DISTINCT ON (anonymous_id) anonymous_id, 'u:' || user_id, timestamp
    FROM events WHERE anonymous_id IS NOT NULL AND user_id IS NOT NULL
    ORDER BY anonymous_id, timestamp DESC;
    INSERT INTO person_ids (anonymous_id, person_id, linked_at)
    SELECT DISTINCT anonymous_id, 'a:' || anonymous_id, NULL::timestamptz FROM events WHERE anonymous_id IS NOT NULL
    ON CONFLICT (anonymous_id) DO NOTHING;
    ${BACKFILL_PEOPLE_SQL}
    UPDATE people SET traits = latest.traits FROM (
      SELECT DISTINCT ON (user_id) user_id, cairn_doc(raw, normalized) -> 'traits' AS traits
      FROM events WHERE type = 'identify' AND user_id IS NOT NULL
      ORDER BY user_id, timestamp DESC) AS latest
    WHERE people.person_id = 'u:' || latest.user_id AND jsonb_typeof(latest.traits) = 'object';

    CREATE VIEW cairn_events AS
    SELECT e.source, e.message_id, e.type, e.event, e.name AS page_name,
      e.user_id, e.anonymous_id, coalesce('u:' || e.user_id, p.person_id) AS person_id,
      e.timestamp, e.received_at,
      e.doc #>> '{properties,product_id}' AS product_id,
      e.doc #>> '{properties,sku}' AS sku,
      cairn_number(e.doc #> '{properties,price}') AS price,
      cairn_number(e.doc #> '{properties,quantity}') AS quantity,
      e.doc #>> '{properties,currency}' AS currency,
      e.doc #>> '{properties,cart_id}' AS cart_id,
      e.doc #>> '{properties,order_id}' AS order_id,
      coalesce(cairn_number(e.doc #> '{properties,revenue}'), cairn_number(e.doc #> '{properties,total}')) AS revenue,
      cairn_number(e.doc #> '{properties,value}') AS value,
      e.doc #>> '{context,campaign,source}' AS utm_source,
      e.doc #>> '{context,campaign,medium}' AS utm_medium,
      e.doc #>> '{context,campaign,name}' AS utm_campaign,
      e.doc #>> '{context,device,type}' AS device_type,
      e.doc #>> '{context,page,path}' AS page_path,
      e.doc #>> '{context,page,referrer}' AS referrer,
      e.doc #>> '{context,sessionId}' AS session_id,
      e.doc
    FROM (SELECT *, cairn_doc(raw, normalized) AS doc FROM events) AS e
    LEFT JOIN person_ids p ON p.anonymous_id = e.anonymous_id;

    CREATE VIEW cairn_people AS
    SELECT pe.person_id, pe.user_id,
      ARRAY(SELECT anonymous_id FROM person_ids i WHERE i.person_id = pe.person_id ORDER BY anonymous_id) AS anonymous_ids,
      pe.traits, pe.traits ->> 'email' AS email, pe.first_seen, pe.last_seen
    FROM people pe;

    CREATE VIEW cairn_sessions AS
    SELECT session_id, min(person_id) AS person_id, min(timestamp) AS started_at, max(timestamp) AS ended_at,
      count(*) AS events,
      count(*) FILTER (WHERE type = 'page') AS pages,
      max(utm_source) AS utm_source, max(utm_medium) AS utm_medium, max(utm_campaign) AS utm_campaign,
      max(device_type) AS device_type,
      count(*) FILTER (WHERE event = 'Order Completed') AS orders,
      sum(revenue) FILTER (WHERE event = 'Order Completed') AS revenue
    FROM cairn_events WHERE session_id IS NOT NULL
    GROUP BY session_id;
  `,
};
