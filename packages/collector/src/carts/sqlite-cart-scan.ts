import type Database from 'better-sqlite3';
import type { CartEventRow, CartScanQuery } from '../analytics/analytics-store.js';
import { createCartDetector, type AbandonedCart } from './detect-abandoned-carts.js';

/**
 * The abandoned-cart rule's read on SQLite: every cart event of the range, oldest first,
 * streamed row by row (a statement iterator: SQLite's sorter spills to disk past its cache)
 * through the cart rule. Pure in (connection, query), so the read worker can run it.
 *
 * @example
 * findAbandonedCartsSqlite(readOnlyDb, { events: CART_EVENTS, from, to, now: Date.now(), idleMs: 1_800_000 })
 */
export function findAbandonedCartsSqlite(db: Database.Database, query: CartScanQuery): AbandonedCart[] {
  const detector = createCartDetector(query);
  const rows = db
    .prepare(
      `SELECT e.source, e.message_id AS messageId, e.event,
         coalesce('u:' || e.user_id, i.person_id, 'a:' || e.anonymous_id) AS person,
         e.user_id AS userId, e.anonymous_id AS anonymousId, e.timestamp,
         json_extract(coalesce(e.normalized, e.raw), '$.properties') AS properties
       FROM events e LEFT JOIN person_ids i ON e.user_id IS NULL AND i.anonymous_id = e.anonymous_id
       WHERE e.event IN (SELECT value FROM json_each(?)) AND e.timestamp >= ? AND e.timestamp < ?
       ORDER BY e.timestamp, e.source, e.message_id`,
    )
    .iterate(JSON.stringify(query.events), query.from, query.to) as IterableIterator<Omit<CartEventRow, 'properties'> & { properties: unknown }>;
  for (const row of rows) detector.add({ ...row, properties: parseObject(row.properties) });
  return detector.due();
}

function parseObject(text: unknown): Record<string, unknown> | null {
  if (typeof text !== 'string') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
