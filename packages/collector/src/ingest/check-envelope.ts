import { ERROR_CODES, EVENT_TYPES, type EventType } from '@cairn/protocol';
import { parseTimestamp } from './parse-timestamp.js';
import { reject, type Stage } from './stage.js';

const MAX_MESSAGE_ID_LENGTH = 255;
const TIMESTAMP_FIELDS = ['timestamp', 'originalTimestamp'] as const;
// Segment's server libraries accept numeric ids, so a number is let through (stored as text).
const ID_FIELDS = ['userId', 'anonymousId'] as const;
const TEXT_FIELDS = ['event', 'name'] as const;

/**
 * The minimal envelope every event needs before it can be stored: a known `type`, a string
 * `messageId` if one is given, parseable timestamps, string ids and names, and an event name
 * on `track`. JSON `null` counts as absent (some libraries write every optional field).
 *
 * @example
 * // {"type":"track"} → rejected: "event must be a non-empty string on a track call"
 */
export const checkEnvelope: Stage = {
  name: 'check-envelope',
  run(draft) {
    const event = draft.event;
    const invalid = (message: string) => reject(ERROR_CODES.invalidEvent, message);
    if (!isEventType(event.type)) return invalid(`type must be one of ${EVENT_TYPES.join(', ')}`);

    const messageId = absentIfNull(event.messageId);
    if (
      messageId !== undefined &&
      (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > MAX_MESSAGE_ID_LENGTH)
    ) {
      return invalid(`messageId must be a non-empty string of at most ${MAX_MESSAGE_ID_LENGTH} characters`);
    }
    for (const field of TIMESTAMP_FIELDS) {
      const value = absentIfNull(event[field]);
      if (value !== undefined && (typeof value !== 'string' || parseTimestamp(value) === undefined)) {
        return invalid(`${field} must be an ISO-8601 date-time string`);
      }
    }
    for (const field of ID_FIELDS) {
      const value = absentIfNull(event[field]);
      if (value !== undefined && typeof value !== 'string' && !Number.isFinite(value)) {
        return invalid(`${field} must be a string`);
      }
    }
    for (const field of TEXT_FIELDS) {
      const value = absentIfNull(event[field]);
      if (value !== undefined && typeof value !== 'string') return invalid(`${field} must be a string`);
    }
    if (event.type === 'track' && (typeof event.event !== 'string' || event.event.trim() === '')) {
      return invalid('event must be a non-empty string on a track call');
    }
    return typeof messageId === 'string' ? { ...draft, messageId } : draft;
  },
};

function isEventType(value: unknown): value is EventType {
  return (EVENT_TYPES as readonly unknown[]).includes(value);
}

function absentIfNull(value: unknown): unknown {
  return value === null ? undefined : value;
}
