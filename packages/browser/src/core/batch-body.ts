import { MAX_EVENT_BYTES, MAX_REQUEST_BYTES } from '@cairn/protocol';
import type { QueuedEvent } from './types.js';

let encoder: TextEncoder | undefined;
let buffer: Uint8Array | undefined;
let bodyBuffer: Uint8Array<ArrayBuffer> | undefined;

/**
 * The page's one TextEncoder.
 *
 * @example
 * utf8().encode('{"batch":[]}')
 */
export const utf8 = (): TextEncoder => (encoder ||= new TextEncoder());

/**
 * UTF-8 size of a string: the unit of every collector limit. Encoded into one reused buffer,
 * 4× faster than allocating one per event; past the buffer (3 × the largest event: a UTF-16
 * unit is at most 3 bytes) the rest counts one byte a unit, a lower bound over every limit.
 */
export function byteLength(text: string): number {
  const { read, written } = utf8().encodeInto(text, (buffer ||= new Uint8Array(3 * MAX_EVENT_BYTES)));
  return written + text.length - read;
}

/**
 * Builds a `POST /v1/batch` body, as UTF-8 bytes, from pre-serialized events, oldest first, as
 * many as fit in `budget` bytes (always at least one); `count` says how many went in. Each
 * event is encoded once, straight into one reused buffer, which also measures it (`bytes` is
 * set on the event): measuring every event at capture and then encoding the body as a string
 * cost two UTF-8 passes and a copy per event, a fifth of an event's main-thread time in
 * Chromium. The body returned is a copy (a memcpy), so the caller may keep it.
 *
 * @example
 * buildBatchBody([{ id: '01H…', json: '{"type":"track",…}', bytes: 0 }], 60_000, 'KEY', Date.now())
 * // { body: Uint8Array('{"batch":[{"type":"track",…}],"sentAt":"…","writeKey":"KEY"}'), count: 1 }
 */
export function buildBatchBody(
  events: QueuedEvent[],
  budget: number,
  writeKey: string,
  now: number,
): { body: Uint8Array<ArrayBuffer>; count: number } {
  const out = (bodyBuffer ||= new Uint8Array(MAX_REQUEST_BYTES));
  const encode = (text: string, at: number, end: number) => utf8().encodeInto(text, out.subarray(at, end));
  const tail = '],' + JSON.stringify({ sentAt: new Date(now).toISOString(), writeKey }).slice(1);
  // Room for the tail is kept at the end (its size is at most 3 bytes a unit). Budgets are at
  // most MAX_REQUEST_BYTES (the sender's are).
  const end = Math.max(0, budget - 3 * tail.length);
  let at = encode('{"batch":[', 0, MAX_REQUEST_BYTES).written;
  let count = 0;
  for (const event of events) {
    // The separator first: an event that does not fit leaves only a comma behind, overwritten.
    if (count) out[at] = 44; // ','
    // Past the budget: not this one. The first always goes in (an event of at most
    // MAX_EVENT_BYTES always fits a request), so a drain can never stall on it.
    const { read, written } = encode(event.json, at + (count ? 1 : 0), count ? end : MAX_REQUEST_BYTES - 3 * tail.length);
    if (read < event.json.length) break;
    event.bytes = written;
    at += written + (count++ ? 1 : 0);
  }
  at += encode(tail, at, MAX_REQUEST_BYTES).written;
  return { body: out.slice(0, at), count };
}
