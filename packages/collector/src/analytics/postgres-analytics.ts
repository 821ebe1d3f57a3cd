import type postgres from 'postgres';
import { queryPostgresFunnel } from '../funnels/postgres-funnel-query.js';
import { querySegmentPostgres } from '../segments/postgres-segment-query.js';
import { readPeoplePostgres, segmentMembersPostgres } from '../segments/postgres-segment-export.js';
import { findAbandonedCartsPostgres } from '../carts/postgres-cart-scan.js';
import type { AnalyticsStore, StoredSegment } from './analytics-store.js';
import { userPerson } from '../people/plan-people-writes.js';

/**
 * The PostgreSQL store's analytics methods: reads in READ ONLY transactions under a
 * statement timeout; segment definitions in the `segments` table.
 *
 * @example
 * const analytics = createPostgresAnalytics(sql);
 */
export function createPostgresAnalytics(sql: postgres.Sql): AnalyticsStore {
  type Row = { name: string; definition: string; created_at: Date; updated_at: Date };
  const toSegment = (row: Row): StoredSegment => ({
    name: row.name,
    definition: JSON.parse(row.definition) as unknown,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });
  return {
    querySegment: (query) => querySegmentPostgres(sql, query),
    segmentMembers: (query) => segmentMembersPostgres(sql, query),
    readPeople: (personIds) => readPeoplePostgres(sql, personIds),
    queryFunnel: (query) => queryPostgresFunnel(sql, query),
    putSegment: async ({ name, definition, now }) => {
      const [row] = await sql<{ created: boolean }[]>`
        INSERT INTO segments (name, definition, created_at, updated_at) VALUES (${name}, ${JSON.stringify(definition)}, ${now}, ${now})
        ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
        RETURNING (xmax = 0) AS created`;
      return { created: row?.created === true };
    },
    getSegment: async (name) => {
      const [row] = await sql<Row[]>`SELECT name, definition, created_at, updated_at FROM segments WHERE name = ${name}`;
      return row === undefined ? null : toSegment(row);
    },
    listSegments: async () => (await sql<Row[]>`SELECT name, definition, created_at, updated_at FROM segments ORDER BY name`).map(toSegment),
    deleteSegment: async (name) => (await sql`DELETE FROM segments WHERE name = ${name}`).count === 1,
    linkedAnonymousIds: async (userId) =>
      (await sql<{ anonymous_id: string }[]>`SELECT anonymous_id FROM person_ids WHERE person_id = ${userPerson(userId)} ORDER BY anonymous_id`).map(
        (row) => row.anonymous_id,
      ),
    findAbandonedCarts: (query) => findAbandonedCartsPostgres(sql, query),
  };
}
