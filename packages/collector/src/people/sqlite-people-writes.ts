import type { SqliteDerivedFactory } from '../store/derived-writes.js';
import { anonymousIdsOf, planPeopleWrites } from './plan-people-writes.js';

/**
 * Keeps `person_ids` and `people` (migration 5) up to date at ingest, in the events' own
 * transaction (see planPeopleWrites for the rules). Off with `derived.people === false`.
 *
 * @example
 * SQLITE_DERIVED_WRITES = [createSqlitePeopleWrite];
 */
export const createSqlitePeopleWrite: SqliteDerivedFactory = (db, options) => {
  if (options.people === false) return undefined;
  const selectPerson = db.prepare('SELECT person_id FROM person_ids WHERE anonymous_id = ?').pluck();
  const upsertLink = db.prepare(`INSERT INTO person_ids (anonymous_id, person_id, linked_at) VALUES (?, ?, ?)
    ON CONFLICT (anonymous_id) DO UPDATE SET person_id = excluded.person_id, linked_at = excluded.linked_at`);
  const insertUnlinked = db.prepare(`INSERT INTO person_ids (anonymous_id, person_id, linked_at) VALUES (?, ?, NULL)
    ON CONFLICT (anonymous_id) DO NOTHING`);
  // Folds an anonymous visitor's row into the user's: earliest first_seen, latest last_seen.
  const mergePerson = db.prepare(`INSERT INTO people (person_id, user_id, traits, first_seen, last_seen)
    SELECT @to, @userId, traits, first_seen, last_seen FROM people WHERE person_id = @from
    ON CONFLICT (person_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen)`);
  const deletePerson = db.prepare('DELETE FROM people WHERE person_id = ?');
  const upsertPerson = db.prepare(`INSERT INTO people (person_id, user_id, traits, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (person_id) DO UPDATE SET user_id = coalesce(people.user_id, excluded.user_id),
      first_seen = min(people.first_seen, excluded.first_seen), last_seen = max(people.last_seen, excluded.last_seen),
      traits = coalesce(excluded.traits, people.traits)`);
  // Traits merge key by key, a later value replacing (null and objects included), as within a
  // batch and on PostgreSQL (jsonb ||); json_patch would drop a key set to null and deep-merge
  // objects, so a segment on a trait would answer differently by store and by batching.
  const selectTraits = db.prepare('SELECT traits FROM people WHERE person_id = ?').pluck();
  const mergeTraits = (personId: string, traits: string | null): string | null => {
    if (traits === null) return null;
    const stored = selectTraits.get(personId) as string | null | undefined;
    return stored == null ? traits : JSON.stringify({ ...(JSON.parse(stored) as object), ...(JSON.parse(traits) as object) });
  };
  return (rows) => {
    const current = new Map<string, string>();
    for (const id of anonymousIdsOf(rows)) {
      const person = selectPerson.get(id) as string | undefined;
      if (person !== undefined) current.set(id, person);
    }
    const writes = planPeopleWrites(rows, current);
    for (const link of writes.links) upsertLink.run(link.anonymousId, link.personId, link.at);
    for (const merge of writes.merges) {
      mergePerson.run(merge);
      deletePerson.run(merge.from);
    }
    for (const id of writes.unlinked) insertUnlinked.run(id, `a:${id}`);
    for (const person of writes.people) {
      upsertPerson.run(person.personId, person.userId, mergeTraits(person.personId, person.traits), person.firstSeen, person.lastSeen);
    }
  };
};
