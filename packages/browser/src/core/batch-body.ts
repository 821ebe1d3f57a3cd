import type { QueuedEvent } from './types.js';

let encoder: TextEncoder | undefined;

/** UTF-8 size of a string: the unit of every collector limit. */
export function byteLength(text: string): number {
  return (encoder ||= new TextEncoder()).encode(text).length;
}

/**
 * Builds a `POST /v1/batch` body from pre-serialized events, oldest first, as many as fit in
 * `budget` bytes (always at least one). Events are spliced in as stored, never re-parsed.
 *
 * @example
 * buildBatchBody([{ id: '01H…', json: '{"type":"track",…}', bytes: 180 }], new Date().toISOString(), 'KEY', 60_000)
 * // { body: '{"batch":[{"type":"track",…}],"sentAt":"…","writeKey":"KEY"}', ids: ['01H…'] }
 */
export function buildBatchBody(
  events: QueuedEvent[],
  sentAt: string,
  writeKey: string,
  budget: number,
): { body: string; ids: string[] } {
  const tail = '],"sentAt":"' + sentAt + '","writeKey":' + JSON.stringify(writeKey) + '}';
  let size = byteLength(tail) + 10; // + '{"batch":['
  const ids: string[] = [];
  const parts: string[] = [];
  for (const event of events) {
    if ((size += event.bytes + 1) > budget && parts[0]) break;
    ids.push(event.id);
    parts.push(event.json);
  }
  return { body: '{"batch":[' + parts.join() + tail, ids };
}
