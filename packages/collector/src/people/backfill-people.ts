/**
 * Migration 5's backfill of `people` from the events already stored (after `person_ids`):
 * one row per person with first and last seen. The same SQL on SQLite and PostgreSQL.
 */
export const BACKFILL_PEOPLE_SQL = `
    INSERT INTO people (person_id, user_id, traits, first_seen, last_seen)
    SELECT person_id, max(user_id), NULL, min(timestamp), max(timestamp) FROM (
      SELECT coalesce('u:' || e.user_id, p.person_id) AS person_id,
             coalesce(e.user_id, CASE WHEN p.person_id LIKE 'u:%' THEN substr(p.person_id, 3) END) AS user_id,
             e.timestamp
      FROM events e LEFT JOIN person_ids p ON p.anonymous_id = e.anonymous_id) AS seen
    WHERE person_id IS NOT NULL GROUP BY person_id;`;
