import type Database from 'better-sqlite3';
import { sqliteBindings, sqliteDialect } from '../analytics/sql-dialect.js';
import { compileSegment } from './compile-segment.js';
import { eventNamesOf } from './segment-definition.js';
import { anonymousIdsByPerson, splitCount, toSegmentResult, unseenEventWarnings, type PersonRow, type SegmentQuery, type SegmentResult } from './segment-result.js';

/**
 * Runs a segment on a SQLite connection: a pure function of the connection and the query, so
 * it can run on a read-only connection off the request thread (the store opens one for
 * queries; see createSqliteStore).
 *
 * @example
 * const result = querySegmentSqlite(readOnlyDb, { condition, now: Date.now(), limit: 100 });
 */
export function querySegmentSqlite(db: Database.Database, query: SegmentQuery): SegmentResult {
  const { sql, params, warnings } = compileSegment(sqliteDialect, query.condition, query.now, query);
  const { count, page } = splitCount(db.prepare(sql).all(sqliteBindings(params)) as PersonRow[]);
  const links = db
    .prepare('SELECT person_id, anonymous_id FROM person_ids WHERE person_id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(page.map((row) => row.person_id))) as { person_id: string; anonymous_id: string }[];
  const ids = anonymousIdsByPerson(links);
  return toSegmentResult(page, count, ids, [...warnings, ...unseenEventWarnings(eventNamesOf(query.condition), seenEvents(db, eventNamesOf(query.condition)))]);
}

/** Which of these event names some stored event has (one index probe each). */
export function seenEvents(db: Database.Database, names: readonly string[]): Set<string> {
  const probe = db.prepare('SELECT 1 FROM events WHERE event = ? LIMIT 1').pluck();
  return new Set(names.filter((name) => probe.get(name) !== undefined));
}
