import { isPlainObject } from '../json/is-plain-object.js';
import { serializeJson } from '../json/serialize-json.js';
import type { EventRow } from '../store/store.js';
import type { Draft, IngestContext } from './stage.js';

/**
 * Projects a draft that passed every stage onto the stored columns; `raw` stays the JSON
 * as received, `normalized` is the event after the rules (see {@link normalizedJson}).
 * Throws if a stage that must run (message id, timestamp) did not: a bug.
 *
 * @example
 * const row = toEventRow(draft, context, '2024-05-01T10:00:00.000Z');
 */
export function toEventRow(draft: Draft, context: IngestContext, receivedAt: string): EventRow {
  const { event, messageId, timestamp } = draft;
  if (messageId === undefined || timestamp === undefined) {
    throw new Error('pipeline ended without messageId/timestamp: the default stages were removed');
  }
  const type = String(event.type);
  const row: EventRow = {
    source: context.source,
    messageId,
    type,
    event: type === 'track' ? textOrNull(event.event) : null,
    name: type === 'page' || type === 'screen' ? textOrNull(event.name) : null,
    anonymousId: idOrNull(event.anonymousId),
    userId: idOrNull(event.userId),
    previousId: idOrNull(event.previousId),
    timestamp,
    originalTimestamp: draft.originalTimestamp ?? null,
    sentAt: draft.sentAt ?? null,
    receivedAt,
    raw: draft.rawJson,
    normalized: normalizedJson(draft),
  };
  // The parsed context rides along for the derived writes (saves them a JSON.parse per event);
  // a symbol key is invisible to the columns, comparisons and structured clone.
  Object.defineProperty(row, PARSED_CONTEXT, { value: event.context, enumerable: false });
  return row;
}

/** Key of the event's context after the rules, as the pipeline parsed it (see {@link parsedContextOf}). */
export const PARSED_CONTEXT: unique symbol = Symbol('cairn.parsedContext');

/**
 * The context of a row built by {@link toEventRow} in this thread, already parsed; undefined
 * for a row from elsewhere (read back, cloned to a worker): parse `normalized ?? raw` then.
 *
 * @example
 * const context = parsedContextOf(row) ?? JSON.parse(row.normalized ?? row.raw).context;
 */
export function parsedContextOf(row: EventRow): unknown {
  return (row as EventRow & { [PARSED_CONTEXT]?: unknown })[PARSED_CONTEXT];
}

/**
 * True when a rule changed the event's content (a stage replaced `event`, or left notes) or
 * its time was not written in UTC ISO 8601. A skew correction alone does not count: the
 * corrected time is in the `timestamp` column, and writing a second copy of every event for
 * it would double the storage of the common case.
 *
 * @example
 * if (isNormalized(draft)) counters.add('normalized', source);
 */
export function isNormalized(draft: Draft): boolean {
  return draft.event !== draft.received || draft.notes !== undefined || (draft.timeFormat !== undefined && draft.timeFormat !== 'iso_utc');
}

/**
 * The normalized event JSON, or null when {@link isNormalized} is false. It carries the stored
 * (UTC, skew-corrected) `timestamp`, the client's time as sent in `originalTimestamp`, and the
 * rules' notes in `context.cairn`.
 *
 * @example
 * normalizedJson(draft) // '{"type":"track","event":"Product Added",…,"context":{"cairn":{"originalEvent":"add to cart"}}}'
 */
export function normalizedJson(draft: Draft): string | null {
  if (!isNormalized(draft)) return null;
  const event: Record<string, unknown> = { ...draft.event };
  if (draft.timestamp !== undefined) {
    const original = draft.received.timestamp ?? draft.received.originalTimestamp;
    event.timestamp = draft.timestamp;
    if (original !== undefined && original !== null) event.originalTimestamp = original;
  }
  if (draft.notes !== undefined) {
    event.context = { ...(isPlainObject(event.context) ? event.context : {}), cairn: draft.notes };
  }
  return serializeJson(event);
}

/**
 * An id column: RudderStack's browser library sends `"userId": ""` until identify, which means
 * "no user", not a user named "" (every anonymous visitor would become one person).
 */
function idOrNull(value: unknown): string | null {
  return value === '' ? null : textOrNull(value);
}

function textOrNull(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
