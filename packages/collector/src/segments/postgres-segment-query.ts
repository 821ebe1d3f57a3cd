import type postgres from 'postgres';
import { postgresDialect } from '../analytics/sql-dialect.js';
import { compileSegment } from './compile-segment.js';
import { eventNamesOf } from './segment-definition.js';
import { anonymousIdsByPerson, splitCount, toSegmentResult, unseenEventWarnings, type PersonRow, type SegmentQuery, type SegmentResult } from './segment-result.js';

/** How long one analytics statement may run on PostgreSQL before it is cancelled. */
export const POSTGRES_QUERY_TIMEOUT_MS = 30_000;

/**
 * Runs a segment on PostgreSQL, read-only and under a statement timeout.
 *
 * @example
 * const result = await querySegmentPostgres(sql, { condition, now: Date.now(), limit: 100 });
 */
export async function querySegmentPostgres(sql: postgres.Sql, query: SegmentQuery): Promise<SegmentResult> {
  const { sql: text, params, warnings } = compileSegment(postgresDialect, query.condition, query.now, query);
  return readOnly(sql, async (tx) => {
    const { count, page } = splitCount((await tx.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as PersonRow[]);
    const links = await tx<{ person_id: string; anonymous_id: string }[]>`
      SELECT person_id, anonymous_id FROM person_ids WHERE person_id = ANY(${page.map((row) => row.person_id)}::text[])`;
    const ids = anonymousIdsByPerson(links);
    const names = eventNamesOf(query.condition);
    const seen = await seenEventsPostgres(tx, names);
    return toSegmentResult(page, count, ids, [...warnings, ...unseenEventWarnings(names, seen)]);
  });
}

/** Runs `work` in a READ ONLY transaction with the analytics statement timeout. */
export async function readOnly<T>(sql: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return (await sql.begin('READ ONLY', async (tx) => {
    await tx`SELECT set_config('statement_timeout', ${String(POSTGRES_QUERY_TIMEOUT_MS)}, true)`;
    return work(tx);
  })) as T;
}

/** Which of these event names some stored event has (one index probe each). */
export async function seenEventsPostgres(tx: postgres.TransactionSql, names: readonly string[]): Promise<Set<string>> {
  const rows = await tx<{ name: string }[]>`
    SELECT n.name FROM unnest(${names as string[]}::text[]) AS n(name)
    WHERE EXISTS (SELECT 1 FROM events e WHERE e.event = n.name)`;
  return new Set(rows.map((row) => row.name));
}
