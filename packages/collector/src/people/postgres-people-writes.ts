import type { PostgresDerivedFactory } from '../store/derived-writes.js';
import { toPgText } from '../store/postgres-pack.js';
import { anonymousIdsOf, anonymousPerson, planPeopleWrites } from './plan-people-writes.js';

/**
 * The PostgreSQL twin of createSqlitePeopleWrite: a handful of statements per batch, each
 * taking arrays (one round trip per kind of change, whatever the batch size). Rows are
 * upserted in a fixed order (by key) so two collectors' overlapping batches cannot deadlock.
 *
 * @example
 * POSTGRES_DERIVED_WRITES = [createPostgresPeopleWrite];
 */
export const createPostgresPeopleWrite: PostgresDerivedFactory = (options) => {
  if (options.people === false) return undefined;
  return async (tx, inserted) => {
    // As the event columns were written (U+0000 → U+FFFD).
    const rows = inserted.map((row) => ({
      ...row,
      userId: row.userId === null ? null : toPgText(row.userId),
      anonymousId: row.anonymousId === null ? null : toPgText(row.anonymousId),
    }));
    const ids = anonymousIdsOf(rows).map(toPgText).sort();
    const found = ids.length === 0 ? [] : await tx<{ anonymous_id: string; person_id: string }[]>`
      SELECT anonymous_id, person_id FROM person_ids WHERE anonymous_id = ANY(${ids}::text[])`;
    const writes = planPeopleWrites(rows, new Map(found.map((row) => [row.anonymous_id, row.person_id])));

    const links = [...new Map(writes.links.map((link) => [link.anonymousId, link])).values()].sort((a, b) => (a.anonymousId < b.anonymousId ? -1 : 1));
    const unlinked = [...writes.unlinked].sort();
    if (links.length + unlinked.length > 0) {
      await tx`
        INSERT INTO person_ids (anonymous_id, person_id, linked_at)
        SELECT * FROM unnest(
          ${[...links.map((link) => link.anonymousId), ...unlinked]}::text[],
          ${[...links.map((link) => link.personId), ...unlinked.map(anonymousPerson)]}::text[],
          ${[...links.map((link) => link.at), ...unlinked.map(() => null)]}::timestamptz[])
        ORDER BY 1
        ON CONFLICT (anonymous_id) DO UPDATE SET person_id = excluded.person_id, linked_at = excluded.linked_at
        WHERE excluded.linked_at IS NOT NULL`;
    }
    for (const merge of writes.merges) {
      await tx`
        WITH gone AS (DELETE FROM people WHERE person_id = ${merge.from} RETURNING first_seen, last_seen)
        INSERT INTO people (person_id, user_id, traits, first_seen, last_seen)
        SELECT ${merge.to}, ${merge.userId}, NULL, first_seen, last_seen FROM gone
        ON CONFLICT (person_id) DO UPDATE SET first_seen = least(people.first_seen, excluded.first_seen),
          last_seen = greatest(people.last_seen, excluded.last_seen)`;
    }
    const people = [...writes.people].sort((a, b) => (a.personId < b.personId ? -1 : 1));
    if (people.length > 0) {
      await tx`
        INSERT INTO people (person_id, user_id, traits, first_seen, last_seen)
        SELECT * FROM unnest(
          ${people.map((p) => p.personId)}::text[], ${people.map((p) => p.userId)}::text[],
          ${people.map((p) => jsonbSafe(p.traits))}::text[]::jsonb[],
          ${people.map((p) => p.firstSeen)}::timestamptz[], ${people.map((p) => p.lastSeen)}::timestamptz[])
        ORDER BY 1
        ON CONFLICT (person_id) DO UPDATE SET user_id = coalesce(people.user_id, excluded.user_id),
          first_seen = least(people.first_seen, excluded.first_seen), last_seen = greatest(people.last_seen, excluded.last_seen),
          traits = CASE WHEN excluded.traits IS NULL THEN people.traits
                        ELSE coalesce(people.traits, '{}'::jsonb) || excluded.traits END`;
    }
  };
};

/** jsonb refuses `\u0000` and lone surrogate escapes (valid JSON): such traits are not kept, rather than failing the batch. */
function jsonbSafe(json: string | null): string | null {
  return json !== null && /\\u(0000|d[89a-f])/i.test(json) ? null : json;
}
