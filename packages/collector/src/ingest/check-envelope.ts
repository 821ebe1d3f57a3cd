import { ERROR_CODES, EVENT_TYPES, type EventType } from '@cairn/protocol';
import { parseClientTime } from './client-time.js';
import { reject, type Stage } from './stage.js';

const MAX_ID_LENGTH = 255;
const TIMESTAMP_FIELDS = ['timestamp', 'originalTimestamp'] as const;
// Segment's server libraries accept numeric ids, so a number is let through (stored as text).
const ID_FIELDS = ['userId', 'anonymousId', 'groupId', 'previousId'] as const;
const TEXT_FIELDS = ['event', 'name'] as const;
const OBJECT_FIELDS = ['properties', 'traits', 'context', 'integrations'] as const;
// NUL and lone surrogates: PostgreSQL's text columns refuse NUL outright (one such id would
// fail the whole batch's transaction, on every retry), and a lone surrogate cannot be encoded
// as UTF-8, so the stored id would silently differ from the one sent.
const NOT_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// A plain character class is several times faster than NOT_TEXT's look-arounds, and almost
// no id holds a NUL or a surrogate at all: only those few take the exact test.
const MAYBE_NOT_TEXT = /[\u0000\ud800-\udfff]/;

/** Fields a call type cannot do without (Segment's HTTP API spec). */
const REQUIRED: Partial<Record<EventType, { fields: readonly (readonly string[])[]; label: string }>> = {
  identify: { fields: [['userId', 'anonymousId']], label: 'userId or anonymousId is required on an identify call' },
  group: { fields: [['groupId']], label: 'groupId is required on a group call' },
  alias: { fields: [['previousId'], ['userId']], label: 'previousId and userId are required on an alias call' },
};

/**
 * The envelope every event needs before it can be stored: a known `type`, a string
 * `messageId` if one is given, parseable times, ids and names that are short, well-formed text,
 * objects where Segment has objects, and the fields each call type requires (`event` on track,
 * `groupId` on group …). JSON `null` counts as absent (some libraries write every optional field).
 *
 * @example
 * // {"type":"track"} → rejected: "event must be a non-empty string on a track call"
 */
export const checkEnvelope: Stage = {
  name: 'check-envelope',
  run(draft) {
    const event = draft.event;
    if (!isEventType(event.type)) return invalid(`type must be one of ${EVENT_TYPES.join(', ')}`);

    const messageId = absentIfNull(event.messageId);
    if (messageId !== undefined && !isIdText(messageId)) {
      return invalid(`messageId must be a non-empty string of at most ${MAX_ID_LENGTH} characters, without NUL or lone surrogates`);
    }
    for (const field of TIMESTAMP_FIELDS) {
      const value = absentIfNull(event[field]);
      if (value !== undefined && parseClientTime(value) === undefined) {
        return invalid(`${field} must be an ISO-8601 date-time string or epoch seconds/milliseconds`);
      }
    }
    for (const field of ID_FIELDS) {
      const value = absentIfNull(event[field]);
      if (value !== undefined && !isText(value) && !Number.isFinite(value)) {
        return invalid(`${field} must be a string of at most ${MAX_ID_LENGTH} characters (or a number)`);
      }
    }
    for (const field of TEXT_FIELDS) {
      const value = absentIfNull(event[field]);
      if (value !== undefined && !isText(value)) return invalid(`${field} must be a string of at most ${MAX_ID_LENGTH} characters`);
    }
    for (const field of OBJECT_FIELDS) {
      const value = absentIfNull(event[field]);
      if (value !== undefined && (typeof value !== 'object' || Array.isArray(value))) return invalid(`${field} must be an object`);
    }
    if (event.type === 'track' && (typeof event.event !== 'string' || event.event.trim() === '')) {
      return invalid('event must be a non-empty string on a track call');
    }
    const required = REQUIRED[event.type];
    if (required && !required.fields.every((anyOf) => anyOf.some((field) => isPresent(event[field])))) {
      return invalid(required.label);
    }
    return typeof messageId === 'string' ? { ...draft, messageId } : draft;
  },
};

/**
 * True for a string usable as an id or a name: 1–255 characters, no NUL, no lone surrogate.
 *
 * @example
 * isIdText('01HZX…') // true
 * isIdText('a\u0000') // false
 */
export function isIdText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH && isWellFormed(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && isWellFormed(value);
}

/**
 * True for text PostgreSQL can hold as sent: no NUL, no lone surrogate (any length).
 *
 * @example
 * isWellFormedText('caf\u00e9') // true
 * isWellFormedText('a\u0000') // false
 */
export function isWellFormedText(text: string): boolean {
  return isWellFormed(text);
}

function isWellFormed(text: string): boolean {
  return !MAYBE_NOT_TEXT.test(text) || !NOT_TEXT.test(text);
}

/** Module-level rather than a closure per event: this stage runs for every event received. */
function invalid(message: string) {
  return reject(ERROR_CODES.invalidEvent, message);
}

const EVENT_TYPE_SET: ReadonlySet<unknown> = new Set(EVENT_TYPES);

function isEventType(value: unknown): value is EventType {
  return EVENT_TYPE_SET.has(value);
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function absentIfNull(value: unknown): unknown {
  return value === null ? undefined : value;
}
