import type { Migration } from '../store/sqlite-migrations.js';
import { BACKFILL_PEOPLE_SQL } from './backfill-people.js';

/**
 * Migration 5 (SQLite): people and their ids, stored segment definitions, the index segment
 * and funnel queries read, and the SQL views of docs/sql.md.
 *
 * - `person_ids`: every anonymousId seen, with the person it belongs to: `u:<userId>` once an
 *   event carried it beside a userId (identify, "Signed In", any later call) or an alias named
 *   it as `previousId`; else `a:<anonymousId>` (a visitor never linked). The latest link wins
 *   (a shared device that signs in as someone else moves to them).
 * - `people`: one row per person id: first and last time seen, and the traits of the person's
 *   identify calls merged (the one piece of payload kept beside the events: the segment API
 *   answers with traits and segments filter on them; erasure deletes the row).
 * - `events_by_name_time`: segments and funnels select by event name and time across sources,
 *   and find each event's person in the index itself (the ids are in it: a step without
 *   property filters never reads the events' JSON). One B-tree more per track event.
 * - Existing events are backfilled: links (latest per anonymousId), people's first/last seen,
 *   the traits of each user's latest identify.
 */
export const SQLITE_PEOPLE_MIGRATION: Migration = {
  version: 5,
  description: 'people, person_ids, segments, the analytics views',
  sql: `
    CREATE TABLE person_ids (
      anonymous_id TEXT PRIMARY KEY,
      person_id TEXT NOT NULL,
      linked_at TEXT
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX person_ids_by_person ON person_ids (person_id);
    CREATE TABLE people (
      person_id TEXT PRIMARY KEY,
      user_id TEXT,
      traits TEXT,
      first_seen TEXT NOT NULL,
      last_seen TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE segments (
      name TEXT PRIMARY KEY,
      definition TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX events_by_name_time ON events (event, timestamp, user_id, anonymous_id) WHERE event IS NOT NULL;

    INSERT INTO person_ids (anonymous_id, person_id, linked_at)
    SELECT anonymous_id, 'u:' || user_id, timestamp FROM (
      SELECT anonymous_id, user_id, timestamp,
             row_number() OVER (PARTITION BY anonymous_id ORDER BY timestamp DESC) AS n
      FROM events WHERE anonymous_id IS NOT NULL AND user_id IS NOT NULL)
    WHERE n = 1;
    INSERT INTO person_ids (anonymous_id, person_id, linked_at)
    SELECT DISTINCT anonymous_id, 'a:' || anonymous_id, NULL FROM events WHERE anonymous_id IS NOT NULL
    ON CONFLICT (anonymous_id) DO NOTHING;
    ${BACKFILL_PEOPLE_SQL}
    UPDATE people SET traits = latest.traits FROM (
      SELECT user_id, traits FROM (
        SELECT user_id, json_extract(coalesce(normalized, raw), '$.traits') AS traits,
               row_number() OVER (PARTITION BY user_id ORDER BY timestamp DESC) AS n
        FROM events WHERE type = 'identify' AND user_id IS NOT NULL)
      WHERE n = 1 AND json_valid(traits) AND json_type(traits) = 'object') AS latest
    WHERE people.person_id = 'u:' || latest.user_id;

    CREATE VIEW cairn_events AS
    SELECT e.source, e.message_id, e.type, e.event, e.name AS page_name,
      e.user_id, e.anonymous_id, coalesce('u:' || e.user_id, p.person_id) AS person_id,
      e.timestamp, e.received_at,
      json_extract(e.doc, '$.properties.product_id') AS product_id,
      json_extract(e.doc, '$.properties.sku') AS sku,
      json_extract(e.doc, '$.properties.price') AS price,
      json_extract(e.doc, '$.properties.quantity') AS quantity,
      json_extract(e.doc, '$.properties.currency') AS currency,
      json_extract(e.doc, '$.properties.cart_id') AS cart_id,
      json_extract(e.doc, '$.properties.order_id') AS order_id,
      coalesce(json_extract(e.doc, '$.properties.revenue'), json_extract(e.doc, '$.properties.total')) AS revenue,
      json_extract(e.doc, '$.properties.value') AS value,
      json_extract(e.doc, '$.context.campaign.source') AS utm_source,
      json_extract(e.doc, '$.context.campaign.medium') AS utm_medium,
      json_extract(e.doc, '$.context.campaign.name') AS utm_campaign,
      json_extract(e.doc, '$.context.device.type') AS device_type,
      json_extract(e.doc, '$.context.page.path') AS page_path,
      json_extract(e.doc, '$.context.page.referrer') AS referrer,
      json_extract(e.doc, '$.context.sessionId') AS session_id,
      e.doc
    FROM (SELECT *, coalesce(normalized, raw) AS doc FROM events) AS e
    LEFT JOIN person_ids p ON p.anonymous_id = e.anonymous_id;

    CREATE VIEW cairn_people AS
    SELECT pe.person_id, pe.user_id,
      (SELECT json_group_array(anonymous_id) FROM person_ids i WHERE i.person_id = pe.person_id) AS anonymous_ids,
      pe.traits, json_extract(pe.traits, '$.email') AS email, pe.first_seen, pe.last_seen
    FROM people pe;

    CREATE VIEW cairn_sessions AS
    SELECT session_id, min(person_id) AS person_id, min(timestamp) AS started_at, max(timestamp) AS ended_at,
      count(*) AS events,
      sum(type = 'page') AS pages,
      max(utm_source) AS utm_source, max(utm_medium) AS utm_medium, max(utm_campaign) AS utm_campaign,
      max(device_type) AS device_type,
      sum(event = 'Order Completed') AS orders,
      sum(CASE WHEN event = 'Order Completed' THEN revenue END) AS revenue
    FROM cairn_events WHERE session_id IS NOT NULL
    GROUP BY session_id;
  `,
};
