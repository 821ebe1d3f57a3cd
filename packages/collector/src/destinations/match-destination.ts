import { NECESSARY_CATEGORY } from '@cairn/protocol';
import { isPlainObject } from '../json/is-plain-object.js';
import type { EventRow } from '../store/store.js';
import type { DestinationRules } from './destination-config.js';

/**
 * True when a stored event goes to the destination: its source, type and name are listed (or
 * the list is absent), its consent stamp grants the destination's category, and it falls in the
 * sample. Consent is read as at ingest (check-consent.ts): the stamp must grant the category
 * (`true`; a category it leaves out is not granted) and `necessary` is always granted. Unlike
 * ingest, an event without a stamp does NOT pass: a destination that names a category only
 * receives events whose stamp grants it (server-side sources that stamp nothing need a
 * destination without `consent`).
 *
 * @example
 * matchesDestination({ name: 'ads', consent: 'marketing' }, row) // false if the stamp says marketing: false
 */
export function matchesDestination(rules: DestinationRules, row: EventRow, event?: () => Record<string, unknown> | undefined): boolean {
  if (rules.sources && !rules.sources.includes(row.source)) return false;
  if (rules.types && !rules.types.includes(row.type)) return false;
  if (rules.events) {
    const name = row.event ?? row.name;
    if (name === null || !rules.events.includes(name)) return false;
  }
  if (rules.sampleRate !== undefined && rules.sampleRate < 1 && sampleFraction(row.messageId) >= rules.sampleRate) return false;
  if (rules.consent !== undefined && rules.consent !== NECESSARY_CATEGORY) {
    const preferences = stampOf(event ? event() : parseEvent(row.raw));
    if (preferences?.[rules.consent] !== true) return false;
  }
  return true;
}

/**
 * Where a messageId falls in [0, 1): FNV-1a (32 bit) of its UTF-16 code units, then
 * MurmurHash3's finalizer (FNV alone leaves the high bits of ids that differ in their last
 * characters, such as ULIDs of one burst, badly spread). Stable across restarts, instances and
 * resends.
 *
 * @example
 * sampleFraction('01J0000000000000000000000') // 0.7312…
 */
export function sampleFraction(messageId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < messageId.length; i++) {
    hash ^= messageId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** The parsed event, or undefined when the raw text is not a JSON object (never for a stored event). */
export function parseEvent(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function stampOf(event: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const consent = event && isPlainObject(event.context) ? event.context.consent : undefined;
  const preferences = isPlainObject(consent) ? consent.categoryPreferences : undefined;
  return isPlainObject(preferences) ? preferences : undefined;
}
