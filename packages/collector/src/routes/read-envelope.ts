import { ERROR_CODES, MAX_BATCH_ITEMS, MAX_REQUEST_OBJECTS, type EventType } from '@cairn/protocol';
import { httpError } from '../http/http-error.js';
import { decodeJsonText, parseJsonText } from '../http/parse-json-body.js';
import { isPlainObject } from '../json/is-plain-object.js';
import { countContainers } from '../json/count-containers.js';
import { sliceBatchItems } from '../json/slice-batch-items.js';

/** A request body split into its events and the envelope fields around them. */
export interface Envelope {
  events: unknown[];
  sentAt: unknown;
  /** Each event's JSON text as sent, when the body's text was given (`/v1/batch` only). */
  texts?: string[];
}

/** A request body as JSON, with each batch item's text when the body is a batch. */
export interface WireJson {
  value: unknown;
  /** Each element's JSON text of the body's `batch` array (batch routes only; see sliceBatchItems). */
  texts?: string[];
}

/**
 * Decodes and parses a request body. Limits are checked on the text first, so a body over
 * them is refused before `JSON.parse` builds anything (parsed, a body of tiny values costs
 * tens of times its size): on a batch route (`pathType` undefined) more than MAX_BATCH_ITEMS
 * items is 413 `batch_too_large`; more than MAX_REQUEST_OBJECTS objects and arrays on any
 * route is 413 `payload_too_large`. 400 `invalid_json` for text that is not JSON.
 *
 * @example
 * readWireJson(new TextEncoder().encode('{"batch":[{"event":"A"}]}'), undefined)
 * // { value: { batch: [{ event: 'A' }] }, texts: ['{"event":"A"}'] }
 */
export function readWireJson(bytes: Uint8Array, pathType: EventType | undefined): WireJson {
  const text = decodeJsonText(bytes);
  const texts = pathType === undefined ? sliceBatchItems(text, MAX_BATCH_ITEMS) : undefined;
  if (texts !== undefined && texts.length > MAX_BATCH_ITEMS) {
    throw httpError(
      413,
      ERROR_CODES.batchTooLarge,
      `a batch holds at most ${MAX_BATCH_ITEMS} events; this one holds more: split it into several requests`,
    );
  }
  if (countContainers(text, MAX_REQUEST_OBJECTS) > MAX_REQUEST_OBJECTS) {
    throw httpError(
      413,
      ERROR_CODES.payloadTooLarge,
      `a request holds at most ${MAX_REQUEST_OBJECTS} JSON objects and arrays (all events together); this one holds more: split it into several requests`,
    );
  }
  return { value: parseJsonText(text), ...(texts === undefined ? {} : { texts }) };
}

/**
 * `/v1/batch` needs `{batch: [...]}`; a single-event route takes the body as the one event,
 * minus `writeKey` (a credential, not event data: it is not stored in `raw`). Given `texts`
 * (from readWireJson), a batch's events come with their JSON text as sent.
 * 400 `invalid_body` otherwise. Each event is checked later, on its own.
 *
 * @example
 * readEnvelope({ batch: [e1, e2], sentAt: '…' }, undefined) // { events: [e1, e2], sentAt: '…' }
 * readEnvelope({ event: 'A', writeKey: 'k' }, 'track')     // { events: [{ event: 'A' }], … }
 */
export function readEnvelope(body: unknown, pathType: EventType | undefined, texts?: string[]): Envelope {
  if (!isPlainObject(body)) {
    throw httpError(400, ERROR_CODES.invalidBody, pathType ? 'body must be a JSON object (one event)' : 'body must be a JSON object with a batch array');
  }
  if (pathType !== undefined) {
    const { writeKey: _writeKey, ...event } = body;
    return { events: [event], sentAt: body.sentAt };
  }
  if (!Array.isArray(body.batch)) throw httpError(400, ERROR_CODES.invalidBody, 'batch must be an array of events');
  // Equal lengths always, for text that JSON.parse accepted; else the events are serialized.
  return { events: body.batch, sentAt: body.sentAt, ...(texts?.length === body.batch.length ? { texts } : {}) };
}
