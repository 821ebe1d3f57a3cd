import type postgres from 'postgres';
import type { CartEventRow, CartScanQuery } from '../analytics/analytics-store.js';
import { readOnly } from '../segments/postgres-segment-query.js';
import { createCartDetector, type AbandonedCart } from './detect-abandoned-carts.js';

/** Rows per cursor fetch: a bound on the memory of one fetch, not on how many are read. */
export const DEFAULT_CART_CHUNK_ROWS = 5_000;

/**
 * The abandoned-cart rule's read on PostgreSQL: every cart event of the range, oldest first,
 * through a cursor `chunkRows` rows at a time into the cart rule, in one READ ONLY
 * transaction (one snapshot for the whole run).
 *
 * @example
 * await findAbandonedCartsPostgres(sql, { events: CART_EVENTS, from, to, now: Date.now(), idleMs: 1_800_000 })
 */
export function findAbandonedCartsPostgres(sql: postgres.Sql, query: CartScanQuery): Promise<AbandonedCart[]> {
  return readOnly(sql, async (tx) => {
    const detector = createCartDetector(query);
    await tx<(Omit<CartEventRow, 'timestamp' | 'properties'> & { timestamp: Date; properties: unknown })[]>`
      SELECT e.source, e.message_id AS "messageId", e.event,
        coalesce('u:' || e.user_id, i.person_id, 'a:' || e.anonymous_id) AS person,
        e.user_id AS "userId", e.anonymous_id AS "anonymousId", e.timestamp,
        cairn_doc(e.raw, e.normalized) -> 'properties' AS properties
      FROM events e LEFT JOIN person_ids i ON e.user_id IS NULL AND i.anonymous_id = e.anonymous_id
      WHERE e.event = ANY(${query.events}::text[]) AND e.timestamp >= ${query.from}::timestamptz AND e.timestamp < ${query.to}::timestamptz
      ORDER BY e.timestamp, e.source, e.message_id`.cursor(Math.max(1, query.chunkRows ?? DEFAULT_CART_CHUNK_ROWS), (rows) => {
      for (const row of rows) {
        const properties = row.properties !== null && typeof row.properties === 'object' && !Array.isArray(row.properties) ? (row.properties as Record<string, unknown>) : null;
        detector.add({ ...row, timestamp: row.timestamp.toISOString(), properties });
      }
    });
    return detector.due();
  });
}
