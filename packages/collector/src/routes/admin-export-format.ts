import type { EventRow } from '../store/store.js';

/** Export formats of `GET /admin/export`. */
export type ExportFormat = 'ndjson' | 'csv';

/** Columns of a CSV export, named as in the `events` table. */
export const CSV_COLUMNS = [
  'source', 'message_id', 'type', 'event', 'name', 'anonymous_id', 'user_id', 'timestamp',
  'original_timestamp', 'sent_at', 'received_at', 'raw', 'normalized',
] as const;

/**
 * One NDJSON line: the row's columns with `raw` and `normalized` as JSON values (not strings),
 * so `jq '.raw.properties'` works on the export.
 *
 * @example
 * ndjsonLine(row) // '{"source":"shop","messageId":"…",…,"raw":{…},"normalized":null}\n'
 */
export function ndjsonLine(row: EventRow): string {
  return `${JSON.stringify({
    source: row.source,
    messageId: row.messageId,
    type: row.type,
    event: row.event,
    name: row.name,
    anonymousId: row.anonymousId,
    userId: row.userId,
    timestamp: row.timestamp,
    originalTimestamp: row.originalTimestamp,
    sentAt: row.sentAt,
    receivedAt: row.receivedAt,
    raw: parseOrText(row.raw),
    normalized: row.normalized == null ? null : parseOrText(row.normalized),
  })}\n`;
}

/** The CSV header line (RFC 4180, CRLF line ends). */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/**
 * One CSV record. Cells are quoted when needed, and a cell starting with `=`, `+`, `-`, `@`,
 * tab or CR gets a leading `'`: event data comes from browsers, and a spreadsheet would run
 * `=HYPERLINK(…)` sent as an event name as a formula (CSV injection).
 *
 * @example
 * csvLine(row) // 'shop,01J…,track,Product Added,,anon-1,,2024-…\r\n'
 */
export function csvLine(row: EventRow): string {
  const cells = [
    row.source, row.messageId, row.type, row.event, row.name, row.anonymousId, row.userId, row.timestamp,
    row.originalTimestamp, row.sentAt, row.receivedAt, row.raw, row.normalized ?? null,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** One CSV cell: quoted when needed, and a leading =, +, -, @ defused for spreadsheets. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
