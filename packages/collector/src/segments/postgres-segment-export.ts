import type postgres from 'postgres';
import { postgresDialect } from '../analytics/sql-dialect.js';
import { compileSegment } from './compile-segment.js';
import { readOnly } from './postgres-segment-query.js';
import { inOrder } from './segment-export.js';
import { anonymousIdsByPerson, toSegmentPeople, type PersonRow, type SegmentPerson, type SegmentQuery } from './segment-result.js';

/**
 * A segment's member person ids, latest seen first, read through a cursor (only the ids are
 * kept, not every member's traits), read-only under the statement timeout.
 *
 * @example
 * const ids = await segmentMembersPostgres(sql, { condition, now: Date.now() });
 */
export function segmentMembersPostgres(sql: postgres.Sql, query: Omit<SegmentQuery, 'limit' | 'offset'>): Promise<string[]> {
  // limit 0: every member, after the statement's first row (the count, no person).
  const { sql: text, params } = compileSegment(postgresDialect, query.condition, query.now, { limit: 0 });
  return readOnly(sql, async (tx) => {
    const ids: string[] = [];
    await tx.unsafe(text, params as postgres.ParameterOrJSON<never>[]).cursor(5_000, (rows) => {
      for (const row of rows as unknown as PersonRow[]) if (row.person_id !== null) ids.push(row.person_id);
    });
    return ids;
  });
}

/**
 * These people with their anonymousIds, traits and first/last seen, in the order given.
 *
 * @example
 * await readPeoplePostgres(sql, ['u:alice', 'a:anon-dave'])
 */
export function readPeoplePostgres(sql: postgres.Sql, personIds: string[]): Promise<SegmentPerson[]> {
  return readOnly(sql, async (tx) => {
    const rows = await tx<PersonRow[]>`
      SELECT person_id, user_id, traits, first_seen, last_seen FROM people WHERE person_id = ANY(${personIds}::text[])`;
    const links = await tx<{ person_id: string; anonymous_id: string }[]>`
      SELECT person_id, anonymous_id FROM person_ids WHERE person_id = ANY(${personIds}::text[])`;
    const ids = anonymousIdsByPerson(links);
    const page = inOrder(personIds, new Map(rows.map((row) => [row.person_id, row])));
    return toSegmentPeople(page, ids);
  });
}
