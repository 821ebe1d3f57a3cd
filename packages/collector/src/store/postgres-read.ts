import postgres from 'postgres';
import { createStatsMerger } from './merge-stats.js';
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
  sent_at: string | null;
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
    sentAt: row.sent_at,
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
 * Counts for the admin stats, sorted as SQLite sorts them (NULL first): one statement per
 * events partition (a day), so no single scan runs past the statement timeout.
 *
 * @example
 * const { events, quarantine } = await readStats(sql);
 */
export async function readStats(sql: postgres.Sql): Promise<StoreStats> {
  const merger = createStatsMerger();
  const partitions = await sql<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'events'::regclass`;
  for (const { name } of partitions) {
    try {
      merger.addEvents(
        await sql<{ source: string; type: string; event: string | null; count: string }[]>`
          SELECT source, type, event, count(*) AS count FROM ${sql(name)} GROUP BY source, type, event`,
      );
    } catch (error) {
      // Retention dropped the day meanwhile: it counts nothing any more.
      if (!(error instanceof postgres.PostgresError && error.code === '42P01')) throw error;
    }
  }
  merger.addQuarantine(await sql<{ source: string | null; code: string; count: string }[]>`
    SELECT source, code, count(*) AS count FROM quarantine GROUP BY source, code`);
  return merger.result();
}
