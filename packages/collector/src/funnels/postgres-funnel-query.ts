import type postgres from 'postgres';
import { postgresDialect } from '../analytics/sql-dialect.js';
import { readOnly, seenEventsPostgres } from '../segments/postgres-segment-query.js';
import { unseenEventWarnings } from '../segments/segment-result.js';
import { compileFunnel } from './compile-funnel.js';
import { toFunnelResult, type FunnelQuery, type FunnelResult, type FunnelRow } from './funnel-result.js';

/**
 * Runs a funnel on PostgreSQL, read-only and under the analytics statement timeout.
 *
 * @example
 * (await queryPostgresFunnel(sql, { funnel, now: Date.now() })).steps[1].conversion
 */
export async function queryPostgresFunnel(sql: postgres.Sql, query: FunnelQuery): Promise<FunnelResult> {
  const { sql: text, params, warnings } = compileFunnel(postgresDialect, query.funnel, query.now);
  return readOnly(sql, async (tx) => {
    const rows = (await tx.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as FunnelRow[];
    // A step name used twice is one warning.
    const names = [...new Set(query.funnel.steps.map((step) => step.event))];
    return toFunnelResult(query.funnel, rows, [...warnings, ...unseenEventWarnings(names, await seenEventsPostgres(tx, names))]);
  });
}
