import type Database from 'better-sqlite3';
import { sqliteBindings, sqliteDialect } from '../analytics/sql-dialect.js';
import { compileSegment } from './compile-segment.js';
import { inOrder } from './segment-export.js';
import { anonymousIdsByPerson, toSegmentPeople, type PersonRow, type SegmentPerson, type SegmentQuery } from './segment-result.js';

/**
 * A segment's member person ids, latest seen first, read through the statement's iterator
 * (only the ids are kept, not every member's traits). Pure in (connection, query).
 *
 * @example
 * const ids = segmentMembersSqlite(readOnlyDb, { condition, now: Date.now() });
 */
export function segmentMembersSqlite(db: Database.Database, query: Omit<SegmentQuery, 'limit' | 'offset'>): string[] {
  // limit 0: every member, after the statement's first row (the count, no person).
  const { sql, params } = compileSegment(sqliteDialect, query.condition, query.now, { limit: 0 });
  const ids: string[] = [];
  for (const row of db.prepare(sql).iterate(sqliteBindings(params)) as IterableIterator<PersonRow>) if (row.person_id !== null) ids.push(row.person_id);
  return ids;
}

/**
 * These people with their anonymousIds, traits and first/last seen, in the order given.
 *
 * @example
 * readPeopleSqlite(readOnlyDb, ['u:alice', 'a:anon-dave'])
 */
export function readPeopleSqlite(db: Database.Database, personIds: readonly string[]): SegmentPerson[] {
  const json = JSON.stringify(personIds);
  const rows = db
    .prepare('SELECT person_id, user_id, traits, first_seen, last_seen FROM people WHERE person_id IN (SELECT value FROM json_each(?))')
    .all(json) as PersonRow[];
  const links = db
    .prepare('SELECT person_id, anonymous_id FROM person_ids WHERE person_id IN (SELECT value FROM json_each(?))')
    .all(json) as { person_id: string; anonymous_id: string }[];
  const ids = anonymousIdsByPerson(links);
  const page = inOrder(personIds, new Map(rows.map((row) => [row.person_id, row])));
  return toSegmentPeople(page, ids);
}
