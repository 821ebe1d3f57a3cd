import { isPlainObject } from '../json/is-plain-object.js';
import { serializeJson } from '../json/serialize-json.js';
import { sha256Hex } from '../json/sha256-hex.js';

/** Envelope fields that change on every send attempt, so they cannot be part of the identity. */
const PER_ATTEMPT_FIELDS = new Set(['sentAt', 'writeKey']);

/** Prefix telling a derived id from a client-set one. */
export const DERIVED_ID_PREFIX = 'sha256-';

/**
 * messageId for an event that came without one (some server libraries): the SHA-256 of its
 * canonical JSON (sorted keys), so the same event sent again gets the same id and dedups.
 * Two truly distinct events with identical content (same timestamp included) collapse into
 * one, which is the price of deduplicating without a client id.
 *
 * @example
 * await deriveMessageId({ type: 'track', event: 'A', timestamp: '2024-01-01T00:00:00Z' })
 * // 'sha256-…' (64 hex digits)
 */
export async function deriveMessageId(value: unknown): Promise<string> {
  const content = isPlainObject(value)
    ? Object.fromEntries(Object.entries(value).filter(([key]) => !PER_ATTEMPT_FIELDS.has(key)))
    : value;
  return DERIVED_ID_PREFIX + (await sha256Hex(serializeJson(content, { sortKeys: true })));
}
