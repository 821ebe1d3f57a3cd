import type postgres from 'postgres';
import { queryPostgresFunnel } from '../funnels/postgres-funnel-query.js';
import { querySegmentPostgres, readOnly } from '../segments/postgres-segment-query.js';
import type { AnalyticsStore, CartEventRow, StoredSegment } from './analytics-store.js';
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
    readCartEvents: (query) =>
      readOnly(sql, async (tx) => {
        const rows = await tx<(Omit<CartEventRow, 'timestamp' | 'properties'> & { timestamp: Date; properties: unknown })[]>`
          SELECT e.source, e.message_id AS "messageId", e.event,
            coalesce('u:' || e.user_id, i.person_id, 'a:' || e.anonymous_id) AS person,
            e.user_id AS "userId", e.anonymous_id AS "anonymousId", e.timestamp,
            cairn_doc(e.raw, e.normalized) -> 'properties' AS properties
          FROM events e LEFT JOIN person_ids i ON e.user_id IS NULL AND i.anonymous_id = e.anonymous_id
          WHERE e.event = ANY(${query.events}::text[]) AND e.timestamp >= ${query.from}::timestamptz AND e.timestamp < ${query.to}::timestamptz
          ORDER BY e.timestamp, e.message_id LIMIT ${query.limit}`;
        return rows.map((row) => ({
          ...row,
          timestamp: row.timestamp.toISOString(),
          properties: row.properties !== null && typeof row.properties === 'object' && !Array.isArray(row.properties) ? (row.properties as Record<string, unknown>) : null,
        }));
      }),
  };
}
