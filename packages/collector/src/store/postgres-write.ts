import type postgres from 'postgres';
import { packColumns, toPgJson, toPgText } from './postgres-pack.js';
import { quarantineDedupKey } from './quarantine-dedup-key.js';
import { quarantineSubjects } from './quarantine-subjects.js';
import type { EventRow, QuarantineRow, WriteResult } from './store.js';

/** What one statement stores: new events, new quarantine rows, quarantine rows resolved by replay. */
export interface PostgresWrite {
  events: readonly EventRow[];
  quarantined: readonly QuarantineRow[];
  resolvedIds: readonly number[];
}

/** Columns per event row and per quarantine row, in the order of the statement below. */
const EVENT_COLUMNS = 14;
const QUARANTINE_COLUMNS = 12;
const Q = EVENT_COLUMNS;
/** Parameters after the packed columns: separator, NULL marker, event rows, quarantine rows, resolved ids. */
const after = (n: number) => `$${Q + QUARANTINE_COLUMNS + n}`;
const [SEPARATOR, NULL_MARKER, EVENT_ROWS, QUARANTINE_ROWS, RESOLVED] = [after(1), after(2), after(3), after(4), after(5)];

/**
 * Parameters: $1–$14 the event columns and $15–$26 the quarantine columns, each packed by
 * `packColumns`; then the separator, the NULL marker, the event and quarantine row counts and
 * the quarantine ids replay resolved (a bigint[] literal).
 */
const column = (n: number, rows: string) => `(string_to_array($${n}, ${SEPARATOR}, ${NULL_MARKER}))[1:${rows}]`;
const events = (n: number) => column(n, EVENT_ROWS);
const quarantine = (n: number) => column(Q + n, QUARANTINE_ROWS);

/**
 * Everything in one statement, so one round trip and one commit per request, atomic without
 * BEGIN/COMMIT: the ids are claimed in `event_ids` (the dedup authority: its primary key spans
 * all partitions and all time), then only the rows whose id was new go to `events`.
 *
 * Two collectors writing the same id: the second insert waits on the first's uncommitted key,
 * then skips it, so the row is stored once and the second reports a duplicate. Ids are
 * claimed in one fixed order (`COLLATE "C"`) so two overlapping batches cannot deadlock.
 * One packed text per column keeps the statement text fixed (one prepared statement whatever
 * the batch size) and far below the 65,535-parameter limit. Quarantine rows go through
 * `quarantine_dedup` (DO NOTHING): a resent batch adds none of its rejected rows again.
 */
const WRITE_SQL = `
  WITH input AS (
    SELECT * FROM unnest(${events(1)}, ${events(2)}, ${events(3)}, ${events(4)}, ${events(5)}, ${events(6)},
                         ${events(7)}, ${events(8)}, ${events(9)}::timestamptz[], ${events(10)}, ${events(11)},
                         ${events(12)}::timestamptz[], ${events(13)}, ${events(14)})
      AS t(source, message_id, type, event, name, anonymous_id, user_id, previous_id, timestamp,
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
    INSERT INTO events (source, message_id, type, event, name, anonymous_id, user_id, previous_id, timestamp,
                        original_timestamp, sent_at, received_at, raw, normalized)
    SELECT i.source, i.message_id, i.type, i.event, i.name, i.anonymous_id, i.user_id, i.previous_id, i.timestamp,
           i.original_timestamp, i.sent_at, i.received_at, i.raw, i.normalized
    FROM input i JOIN claimed c ON c.source = i.source AND c.message_id = i.message_id
  ),
  quarantined AS (
    INSERT INTO quarantine (source, message_id, received_at, code, reason, raw, sent_at,
                            user_id, anonymous_id, previous_id, other_ids, dedup_key)
    SELECT source, message_id, received_at, code, reason, raw, sent_at, user_id, anonymous_id, previous_id,
           CASE WHEN other_ids IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(other_ids::json)) END,
           dedup_key
    FROM unnest(${quarantine(1)}, ${quarantine(2)}, ${quarantine(3)}::timestamptz[], ${quarantine(4)},
                ${quarantine(5)}, ${quarantine(6)}, ${quarantine(7)}, ${quarantine(8)}, ${quarantine(9)},
                ${quarantine(10)}, ${quarantine(11)}, ${quarantine(12)})
      WITH ORDINALITY AS q(source, message_id, received_at, code, reason, raw, sent_at, user_id, anonymous_id,
                           previous_id, other_ids, dedup_key, position)
    ORDER BY position
    ON CONFLICT DO NOTHING
  ),
  resolved AS (
    DELETE FROM quarantine WHERE id = ANY(${RESOLVED}::bigint[])
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
  const columns: (string | null)[][] = Array.from({ length: EVENT_COLUMNS + QUARANTINE_COLUMNS }, () => []);
  for (const row of write.events) {
    const key = keyOf(toPgText(row.source), toPgText(row.messageId));
    if (seen.has(key)) continue;
    seen.add(key);
    const values = [
      row.source, row.messageId, row.type, row.event, row.name, row.anonymousId, row.userId, row.previousId ?? null,
      row.timestamp, row.originalTimestamp, row.sentAt, row.receivedAt, row.raw, row.normalized ?? null,
    ];
    for (let i = 0; i < EVENT_COLUMNS; i++) (columns[i] as (string | null)[]).push(values[i] ?? null);
  }
  for (const row of write.quarantined) {
    const ids = quarantineSubjects(row.raw);
    const values = [
      row.source, row.messageId, row.receivedAt, row.code, row.reason, row.raw, row.sentAt ?? null,
      ids.userId, ids.anonymousId, ids.previousId, pgIdList(ids.otherIds), quarantineDedupKey(row),
    ];
    for (let i = 0; i < QUARANTINE_COLUMNS; i++) (columns[Q + i] as (string | null)[]).push(values[i] ?? null);
  }
  let claimed: { source: string; message_id: string }[] = [];
  if (write.events.length + write.quarantined.length + write.resolvedIds.length > 0) {
    const packed = packColumns(columns);
    // prepare: the statement is parsed and planned once per connection, not on every request
    // (unsafe() defaults to the unnamed statement, re-parsed each time).
    const params = [
      ...packed.columns,
      packed.separator,
      packed.nullMarker,
      seen.size,
      write.quarantined.length,
      `{${write.resolvedIds.map((id) => Math.trunc(id)).join(',')}}`,
    ];
    claimed = await sql.unsafe<{ source: string; message_id: string }[]>(WRITE_SQL, params, { prepare: true });
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

/**
 * other_ids as JSON text PostgreSQL's json functions take: U+0000 and lone surrogates, which
 * its text refuses, become U+FFFD, as the driver stores them in the id columns.
 */
export function pgIdList(json: string | null): string | null {
  if (json === null) return null;
  return toPgJson(JSON.parse(json) as string[]);
}

function keyOf(source: string, messageId: string): string {
  return `${source.length}:${source}${messageId}`;
}
