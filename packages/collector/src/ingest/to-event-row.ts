import type { EventRow } from '../store/store.js';
import type { Draft, IngestContext } from './stage.js';

/**
 * Projects a draft that passed every stage onto the stored columns; `raw` stays the JSON
 * as received. Throws if a stage that must run (message id, timestamp) did not: a bug.
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
  return {
    source: context.source,
    messageId,
    type,
    event: type === 'track' ? textOrNull(event.event) : null,
    name: type === 'page' || type === 'screen' ? textOrNull(event.name) : null,
    anonymousId: textOrNull(event.anonymousId),
    userId: textOrNull(event.userId),
    timestamp,
    originalTimestamp: draft.originalTimestamp ?? null,
    sentAt: draft.sentAt ?? null,
    receivedAt,
    raw: draft.rawJson,
  };
}

function textOrNull(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
