import type { SegmentPerson } from './segment-result.js';

/** People read per page of an export (readPeople): a bound on an export's memory per step. */
export const EXPORT_PAGE_SIZE = 1000;

/** The CSV export's header (RFC 4180, CRLF line ends). */
export const SEGMENT_CSV_HEADER = 'user_id,anonymous_ids,first_seen,last_seen,traits\r\n';

/**
 * `ids` (person ids) in `order`, the rows found for them keyed by person id: the order an
 * export promised (latest seen first), whatever order the database returned them in.
 *
 * @example
 * inOrder(['u:b', 'u:a'], new Map([['u:a', rowA], ['u:b', rowB]])) // [rowB, rowA]
 */
export function inOrder<T>(ids: readonly string[], rows: ReadonlyMap<string, T>): T[] {
  return ids.flatMap((id) => {
    const row = rows.get(id);
    return row === undefined ? [] : [row];
  });
}

/** One NDJSON line of the export: the person as the JSON API answers it (lossless). */
export function segmentNdjsonLine(person: SegmentPerson): string {
  return `${JSON.stringify(person)}\n`;
}
