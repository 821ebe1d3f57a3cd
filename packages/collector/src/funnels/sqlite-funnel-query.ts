import type Database from 'better-sqlite3';
import { sqliteBindings, sqliteDialect } from '../analytics/sql-dialect.js';
import { seenEvents } from '../segments/sqlite-segment-query.js';
import { unseenEventWarnings } from '../segments/segment-result.js';
import { compileFunnel } from './compile-funnel.js';
import { toFunnelResult, type FunnelQuery, type FunnelResult, type FunnelRow } from './funnel-result.js';

/**
 * Runs a funnel on a SQLite connection; pure in (connection, query), so it can run on a
 * read-only connection off the request thread.
 *
 * @example
 * querySqliteFunnel(readOnlyDb, { funnel, now: Date.now() }).steps[1].conversion
 */
export function querySqliteFunnel(db: Database.Database, query: FunnelQuery): FunnelResult {
  const { sql, params, warnings } = compileFunnel(sqliteDialect, query.funnel, query.now);
  const rows = db.prepare(sql).all(sqliteBindings(params)) as FunnelRow[];
  // A step name used twice is one warning.
  const names = [...new Set(query.funnel.steps.map((step) => step.event))];
  return toFunnelResult(query.funnel, rows, [...warnings, ...unseenEventWarnings(names, seenEvents(db, names))]);
}
