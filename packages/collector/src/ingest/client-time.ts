import { parseTimestamp } from './parse-timestamp.js';

/** How a client wrote a time; anything but `iso_utc` is rewritten in the normalized event. */
export type ClientTimeFormat = 'iso_utc' | 'iso_offset' | 'iso_local' | 'epoch_seconds' | 'epoch_millis';

/** A client time read as epoch milliseconds, with the format it came in. */
export interface ClientTime {
  ms: number;
  format: ClientTimeFormat;
}

// Below this magnitude a number is read as seconds: 1e11 s is the year 5138, while 1e11 ms is
// March 1973, before any event a tracker can have recorded. Server libraries send either.
const SECONDS_BELOW = 1e11;
const EPOCH_TEXT = /^-?\d{1,16}(?:\.\d{1,9})?$/;
const UTC_SUFFIX = /(?:[Zz]|[+-]00(?::?00)?)$/;
const HAS_OFFSET = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * Reads a client time in any of the common formats: ISO 8601 (with or without an offset; none
 * means UTC), epoch seconds or epoch milliseconds, as a number or numeric text. `undefined`
 * for anything else, or for epoch values when `epoch` is false.
 *
 * @example
 * parseClientTime('2024-06-01T14:00:00+02:00') // { ms: Date.UTC(2024, 5, 1, 12), format: 'iso_offset' }
 * parseClientTime(1717243200)                 // { ms: 1717243200000, format: 'epoch_seconds' }
 * parseClientTime('1717243200123')            // { ms: 1717243200123, format: 'epoch_millis' }
 */
export function parseClientTime(value: unknown, epoch = true): ClientTime | undefined {
  // The envelope check and the timestamp stage read the same value one after the other: a
  // one-entry memo halves the parsing (the result is never mutated by callers).
  if (value === memo.value && epoch === memo.epoch && value !== undefined) return memo.result;
  const result = parse(value, epoch);
  memo = { value, epoch, result };
  return result;
}

let memo: { value: unknown; epoch: boolean; result: ClientTime | undefined } = { value: undefined, epoch: true, result: undefined };

function parse(value: unknown, epoch: boolean): ClientTime | undefined {
  if (typeof value === 'number') return epoch ? fromEpoch(value) : undefined;
  if (typeof value !== 'string') return undefined;
  if (EPOCH_TEXT.test(value)) return epoch ? fromEpoch(Number(value)) : undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) return undefined;
  const last = value.charCodeAt(value.length - 1);
  // 'Z' / 'z' ends nearly every time sent: no regex for those.
  const utc = last === 90 || last === 122 || UTC_SUFFIX.test(value);
  const format: ClientTimeFormat = utc ? 'iso_utc' : HAS_OFFSET.test(value) ? 'iso_offset' : 'iso_local';
  return { ms, format };
}

function fromEpoch(value: number): ClientTime | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (Math.abs(value) < SECONDS_BELOW) return { ms: Math.round(value * 1000), format: 'epoch_seconds' };
  return { ms: Math.round(value), format: 'epoch_millis' };
}

/**
 * The longest request-level `sentAt` read as a client time. The batch's `sentAt` is copied onto
 * every row of the request (event and quarantine rows): unchecked, a 150,000-character one on
 * 2,500 rows wrote ~375 MB from a 176 KB body. ISO 8601 with nanoseconds and an offset is 35.
 */
export const MAX_SENT_AT_LENGTH = 64;

/**
 * A request's (or an event's) `sentAt`, when it is a client time of at most MAX_SENT_AT_LENGTH
 * characters: anything else is ignored (no skew correction, nothing stored), never an error.
 *
 * @example
 * readSentAt('2024-06-01T09:00:05Z') // { value: '2024-06-01T09:00:05Z', time: { ms: …, format: 'iso_utc' } }
 * readSentAt('x'.repeat(150_000))    // undefined
 */
export function readSentAt(value: unknown, epoch = true): { value: string | number; time: ClientTime } | undefined {
  if (typeof value === 'string' ? value.length > MAX_SENT_AT_LENGTH : typeof value !== 'number') return undefined;
  const time = parseClientTime(value, epoch);
  return time === undefined ? undefined : { value: value as string | number, time };
}

/**
 * The client's value as text for the `original_timestamp` / `sent_at` columns: strings as
 * sent, numbers in their JSON form.
 *
 * @example
 * clientTimeText(1717243200) // '1717243200'
 */
export function clientTimeText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
