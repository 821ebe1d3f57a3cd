import { MAX_EVENT_BYTES } from '@cairn/protocol';
import type { QueuedEvent } from './types.js';

let encoder: TextEncoder | undefined;
let buffer: Uint8Array | undefined;

/**
 * UTF-8 size of a string: the unit of every collector limit. Encoded into one reused buffer,
 * 4× faster than allocating one per event; past the buffer (3 × the largest event: a UTF-16
 * unit is at most 3 bytes) the rest counts one byte a unit, a lower bound over every limit.
 */
export function byteLength(text: string): number {
  const { read, written } = (encoder ||= new TextEncoder()).encodeInto(text, (buffer ||= new Uint8Array(3 * MAX_EVENT_BYTES)));
  return written + text.length - read;
}

/**
 * Builds a `POST /v1/batch` body from pre-serialized events, oldest first, as many as fit in
 * `budget` bytes of UTF-8 (always at least one): `taken` says how many went in, `bytes` the
 * body's UTF-8 size. Each event is measured once (`bytes` is set on the event and kept). The
 * body stays a string: fetch() encodes it natively (and labels it `text/plain;charset=UTF-8`),
 * faster than TextEncoder on the main thread and no encoder code in cairn.js.
 *
 * @example
 * buildBatchBody([{ id: '01H…', json: '{"type":"track",…}', bytes: 0 }], 60_000, 'KEY', Date.now())
 * // { payload: '{"batch":[{"type":"track",…}],"sentAt":"…","writeKey":"KEY"}', bytes: 87, taken: 1 }
 */
export function buildBatchBody(
  events: QueuedEvent[],
  budget: number,
  writeKey: string,
  now: number,
): { payload: string; bytes: number; taken: number } {
  const tail = '],' + JSON.stringify({ sentAt: new Date(now).toISOString(), writeKey }).slice(1);
  let body = '{"batch":[';
  let bytes = 10 + byteLength(tail);
  let count = 0;
  for (const event of events) {
    const size = (event.bytes ||= byteLength(event.json)) + (count ? 1 : 0);
    // Past the budget: not this one. The first always goes in (an event of at most
    // MAX_EVENT_BYTES always fits a request), so a drain can never stall on it.
    if (bytes + size > budget && count) break;
    bytes += size;
    body += (count++ ? ',' : '') + event.json;
  }
  return { payload: body + tail, bytes, taken: count };
}
