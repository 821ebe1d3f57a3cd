import { isPlainObject } from '../json/is-plain-object.js';
import { serializeJson } from '../json/serialize-json.js';
import type { DestinationConfig } from './destination-config.js';
import type { OutboxItem } from './outbox.js';

/** The deletion message an erasure sends (docs/destinations.md, "Erasure"). */
export interface DeletionMessage {
  type: 'delete';
  messageId: string;
  userId?: string;
  anonymousId?: string;
  source?: string;
  timestamp: string;
}

/**
 * An outbox item as the destination receives it: the stored event (normalized, else raw) with
 * its messageId, minus the properties and traits the destination drops (or outside its keep
 * lists); or the deletion message of an erasure. Applied at send time, so tightening a list
 * also covers events already waiting.
 *
 * @example
 * shapeEvent(item, { dropProperties: ['email'] }) // '{"type":"track",…,"properties":{"sku":"A1"}}'
 */
export function shapeEvent(
  item: OutboxItem,
  config: Pick<DestinationConfig, 'dropProperties' | 'keepProperties' | 'dropTraits' | 'keepTraits'>,
): string | Buffer {
  if (item.kind === 'erase' || item.body === null) return serializeJson(deletionMessage(item));
  // The common case passes the stored JSON through untouched (no parse, no re-serialization,
  // and bytes stay bytes).
  const filters = config.keepProperties ?? config.dropProperties ?? config.keepTraits ?? config.dropTraits;
  if (filters === undefined && item.body.includes(`"messageId":${JSON.stringify(item.messageId)}`)) return item.body;
  const parsed: unknown = JSON.parse(typeof item.body === 'string' ? item.body : item.body.toString('utf8'));
  const event = isPlainObject(parsed) ? parsed : {};
  // A server library may omit messageId; the collector derived the one stored.
  event.messageId = item.messageId;
  if (isPlainObject(event.properties)) event.properties = filterKeys(event.properties, config.keepProperties, config.dropProperties);
  if (isPlainObject(event.traits)) event.traits = filterKeys(event.traits, config.keepTraits, config.dropTraits);
  if (isPlainObject(event.context) && isPlainObject(event.context.traits)) {
    event.context = { ...event.context, traits: filterKeys(event.context.traits, config.keepTraits, config.dropTraits) };
  }
  return serializeJson(event);
}

/** The deletion message for an erase item. */
export function deletionMessage(item: OutboxItem): DeletionMessage {
  return {
    type: 'delete',
    messageId: item.messageId,
    ...(item.userId === null ? {} : { userId: item.userId }),
    ...(item.anonymousId === null ? {} : { anonymousId: item.anonymousId }),
    ...(item.source === null ? {} : { source: item.source }),
    timestamp: new Date(item.createdAt).toISOString(),
  };
}

function filterKeys(object: Record<string, unknown>, keep: readonly string[] | undefined, drop: readonly string[] | undefined): Record<string, unknown> {
  if (keep === undefined && (drop === undefined || drop.length === 0)) return object;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (keep !== undefined && !keep.includes(key)) continue;
    if (drop !== undefined && drop.includes(key)) continue;
    out[key] = value;
  }
  return out;
}
