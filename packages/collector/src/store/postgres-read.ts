import type postgres from 'postgres';
import type { EventQuery, EventRow, StoreStats, StoredQuarantineRow } from './store.js';

/** A quarantine row as the driver returns it (`id` is a bigint: a string). */
export interface QuarantineRecord {
  id: string;
  source: string | null;
  message_id: string | null;
  received_at: Date | null;
  code: string;
  reason: string;
  raw: string;
}

/**
 * A quarantine record as the Store contract types it.
 *
 * @example
 * rows.map(toStoredQuarantineRow)
 */
export function toStoredQuarantineRow(row: QuarantineRecord): StoredQuarantineRow {
  return {
    id: Number(row.id),
    source: row.source,
    messageId: row.message_id,
    // The contract types it as a string; the collector always sets it.
    receivedAt: row.received_at === null ? '' : row.received_at.toISOString(),
    code: row.code,
    reason: row.reason,
    raw: row.raw,
  };
}

interface EventRecord {
  source: string;
  message_id: string;
  type: string;
  event: string | null;
  name: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  timestamp: Date;
  original_timestamp: string | null;
  sent_at: string | null;
  received_at: Date;
  raw: string;
  normalized: string | null;
}

/**
 * One export page in (source, timestamp, message_id) order, a keyset read on `events_by_time`
 * (every partition has it; the pages merge). Conditions are parameterized fragments: each
 * shape is its own prepared statement, with no OR for the planner to give up on.
 *
 * @example
 * const page = await readEventPage(sql, { source: 'default', limit: 1000 });
 */
export async function readEventPage(sql: postgres.Sql, query: EventQuery): Promise<EventRow[]> {
  const { source, from, to, after, limit } = query;
  // Within one source, a cursor from another source's page means "from the start" (as SQLite).
  const cursor =
    after === undefined
      ? sql``
      : source === undefined
        ? sql`AND (source, timestamp, message_id) > (${after.source}, ${after.timestamp}::timestamptz, ${after.messageId})`
        : after.source === source
          ? sql`AND (timestamp, message_id) > (${after.timestamp}::timestamptz, ${after.messageId})`
          : sql``;
  const rows = await sql<EventRecord[]>`
    SELECT source, message_id, type, event, name, anonymous_id, user_id, timestamp,
           original_timestamp, sent_at, received_at, raw, normalized
    FROM events
    WHERE true
      ${source === undefined ? sql`` : sql`AND source = ${source}`}
      ${from === undefined ? sql`` : sql`AND timestamp >= ${from}::timestamptz`}
      ${to === undefined ? sql`` : sql`AND timestamp < ${to}::timestamptz`}
      ${cursor}
    ORDER BY source, timestamp, message_id
    LIMIT ${limit}`;
  return rows.map((row) => ({
    source: row.source,
    messageId: row.message_id,
    type: row.type,
    event: row.event,
    name: row.name,
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    timestamp: row.timestamp.toISOString(),
    originalTimestamp: row.original_timestamp,
    sentAt: row.sent_at,
    receivedAt: row.received_at.toISOString(),
    raw: row.raw,
    normalized: row.normalized,
  }));
}

/**
 * Counts for the admin stats, sorted as SQLite sorts them (NULL first).
 *
 * @example
 * const { events, quarantine } = await readStats(sql);
 */
export async function readStats(sql: postgres.Sql): Promise<StoreStats> {
  // count(*) is a bigint, which the driver returns as a string.
  const events = await sql<{ source: string; type: string; event: string | null; count: string }[]>`
    SELECT source, type, event, count(*) AS count FROM events
    GROUP BY source, type, event ORDER BY source, type, event NULLS FIRST`;
  const quarantine = await sql<{ source: string | null; code: string; count: string }[]>`
    SELECT source, code, count(*) AS count FROM quarantine
    GROUP BY source, code ORDER BY source NULLS FIRST, code`;
  return {
    events: events.map((row) => ({ source: row.source, type: row.type, event: row.event, count: Number(row.count) })),
    quarantine: quarantine.map((row) => ({ source: row.source, code: row.code, count: Number(row.count) })),
  };
}
