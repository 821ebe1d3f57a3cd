import { ERROR_CODES, type EventType } from '@cairn/protocol';
import { httpError } from '../http/http-error.js';
import { isPlainObject } from '../json/is-plain-object.js';
import { sliceBatchItems } from '../json/slice-batch-items.js';

/** A request body split into its events and the envelope fields around them. */
export interface Envelope {
  events: unknown[];
  sentAt: unknown;
  /** Each event's JSON text as sent, when the body's text was given (`/v1/batch` only). */
  texts?: string[];
}

/**
 * `/v1/batch` needs `{batch: [...]}`; a single-event route takes the body as the one event,
 * minus `writeKey` (a credential, not event data: it is not stored in `raw`). Given the body's
 * `text`, a batch's events come with their JSON text as sent (see sliceBatchItems).
 * 400 `invalid_body` otherwise. Each event is checked later, on its own.
 *
 * @example
 * readEnvelope({ batch: [e1, e2], sentAt: '…' }, undefined) // { events: [e1, e2], sentAt: '…' }
 * readEnvelope({ event: 'A', writeKey: 'k' }, 'track')     // { events: [{ event: 'A' }], … }
 */
export function readEnvelope(body: unknown, pathType: EventType | undefined, text?: string): Envelope {
  if (!isPlainObject(body)) {
    throw httpError(400, ERROR_CODES.invalidBody, pathType ? 'body must be a JSON object (one event)' : 'body must be a JSON object with a batch array');
  }
  if (pathType !== undefined) {
    const { writeKey: _writeKey, ...event } = body;
    return { events: [event], sentAt: body.sentAt };
  }
  if (!Array.isArray(body.batch)) throw httpError(400, ERROR_CODES.invalidBody, 'batch must be an array of events');
  const texts = text === undefined ? undefined : sliceBatchItems(text);
  // Equal lengths always, for text that JSON.parse accepted; else the events are serialized.
  return { events: body.batch, sentAt: body.sentAt, ...(texts?.length === body.batch.length ? { texts } : {}) };
}
