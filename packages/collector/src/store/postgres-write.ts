import type postgres from 'postgres';
import { packColumns, toPgText } from './postgres-pack.js';
import type { EventRow, QuarantineRow, WriteResult } from './store.js';

/** What one statement stores: new events, new quarantine rows, quarantine rows resolved by replay. */
export interface PostgresWrite {
  events: readonly EventRow[];
  quarantined: readonly QuarantineRow[];
  resolvedIds: readonly number[];
}

/**
 * Parameters: $1–$13 the event columns and $14–$19 the quarantine columns, each packed by
 * `packColumns`; $20 separator, $21 NULL marker, $22 event rows, $23 quarantine rows, $24 the
 * quarantine ids replay resolved (a bigint[] literal).
 */
const column = (n: number, rows: string) => `(string_to_array($${n}, $20, $21))[1:${rows}]`;
const events = (n: number) => column(n, '$22');
const quarantine = (n: number) => column(n, '$23');

/**
 * Everything in one statement, so one round trip and one commit per request, atomic without
 * BEGIN/COMMIT: the ids are claimed in `event_ids` (the dedup authority: its primary key spans
 * all partitions and all time), then only the rows whose id was new go to `events`.
 *
 * Two collectors writing the same id: the second insert waits on the first's uncommitted key,
 * then skips it, so the row is stored once and the second reports a duplicate. Ids are
 * claimed in one fixed order (`COLLATE "C"`) so two overlapping batches cannot deadlock.
 * One packed text per column keeps the statement text fixed (one prepared statement whatever
 * the batch size) and far below the 65,535-parameter limit.
 */
const WRITE_SQL = `
  WITH input AS (
    SELECT * FROM unnest(${events(1)}, ${events(2)}, ${events(3)}, ${events(4)}, ${events(5)}, ${events(6)},
                         ${events(7)}, ${events(8)}::timestamptz[], ${events(9)}, ${events(10)},
                         ${events(11)}::timestamptz[], ${events(12)}, ${events(13)})
      AS t(source, message_id, type, event, name, anonymous_id, user_id, timestamp,
           original_timestamp, sent_at, received_at, raw, normalized)
  ),
  claimed AS (
    INSERT INTO event_ids (source, message_id, received_at)
    SELECT source, message_id, received_at FROM input
    ORDER BY source COLLATE "C", message_id COLLATE "C"
    ON CONFLICT DO NOTHING
    RETURNING source, message_id
  ),
  stored AS (
    INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id, timestamp,
                        original_timestamp, sent_at, received_at, raw, normalized)
    SELECT i.source, i.message_id, i.type, i.event, i.name, i.anonymous_id, i.user_id, i.timestamp,
           i.original_timestamp, i.sent_at, i.received_at, i.raw, i.normalized
    FROM input i JOIN claimed c ON c.source = i.source AND c.message_id = i.message_id
  ),
  quarantined AS (
    INSERT INTO quarantine (source, message_id, received_at, code, reason, raw)
    SELECT source, message_id, received_at, code, reason, raw
    FROM unnest(${quarantine(14)}, ${quarantine(15)}, ${quarantine(16)}::timestamptz[], ${quarantine(17)},
                ${quarantine(18)}, ${quarantine(19)})
      WITH ORDINALITY AS q(source, message_id, received_at, code, reason, raw, position)
    ORDER BY position
  ),
  resolved AS (
    DELETE FROM quarantine WHERE id = ANY($24::bigint[])
  )
  SELECT source, message_id FROM claimed`;

/**
 * Runs the write and splits the result per messageId in input order: a messageId repeated
 * within the batch counts once (its first row is the one stored), the repeats as duplicates.
 *
 * @example
 * const { inserted, duplicates } = await writeRows(sql, { events, quarantined: [], resolvedIds: [] });
 */
export async function writeRows(sql: postgres.Sql | postgres.TransactionSql, write: PostgresWrite): Promise<WriteResult> {
  const seen = new Set<string>();
  const columns: (string | null)[][] = Array.from({ length: 19 }, () => []);
  for (const row of write.events) {
    const key = keyOf(toPgText(row.source), toPgText(row.messageId));
    if (seen.has(key)) continue;
    seen.add(key);
    const values = [
      row.source, row.messageId, row.type, row.event, row.name, row.anonymousId, row.userId, row.timestamp,
      row.originalTimestamp, row.sentAt, row.receivedAt, row.raw, row.normalized ?? null,
    ];
    for (let i = 0; i < 13; i++) (columns[i] as (string | null)[]).push(values[i] ?? null);
  }
  for (const row of write.quarantined) {
    const values = [row.source, row.messageId, row.receivedAt, row.code, row.reason, row.raw];
    for (let i = 0; i < 6; i++) (columns[13 + i] as (string | null)[]).push(values[i] ?? null);
  }
  let claimed: { source: string; message_id: string }[] = [];
  if (write.events.length + write.quarantined.length + write.resolvedIds.length > 0) {
    const packed = packColumns(columns);
    claimed = await sql.unsafe<{ source: string; message_id: string }[]>(WRITE_SQL, [
      ...packed.columns,
      packed.separator,
      packed.nullMarker,
      seen.size,
      write.quarantined.length,
      `{${write.resolvedIds.map((id) => Math.trunc(id)).join(',')}}`,
    ]);
  }

  const fresh = new Set(claimed.map((row) => keyOf(row.source, row.message_id)));
  const result: WriteResult = { inserted: [], duplicates: [] };
  for (const row of write.events) {
    const key = keyOf(toPgText(row.source), toPgText(row.messageId));
    // delete: only the first row of a repeated id can be the inserted one.
    if (fresh.delete(key)) result.inserted.push(row.messageId);
    else result.duplicates.push(row.messageId);
  }
  return result;
}

function keyOf(source: string, messageId: string): string {
  return `${source.length}:${source}${messageId}`;
}
