import { ERROR_CODES } from '@cairn/protocol';
import { formatTimestamp, parseTimestamp } from './parse-timestamp.js';
import { reject, type Stage } from './stage.js';

/**
 * Sets the stored `timestamp`: the client's time (`timestamp`, else Segment's
 * `originalTimestamp`) in UTC, corrected for the client's clock skew when a `sentAt` is known:
 * `timestamp = receivedAt − (sentAt − clientTime)`. Both client times come from the same
 * (possibly wrong) clock, so their difference is trustworthy while each alone is not.
 * No client time: the server's receive time. An unparseable `sentAt` only disables the
 * correction (it is envelope metadata, not the event).
 *
 * @example
 * // receivedAt 12:00:10Z, sentAt 09:00:05Z, timestamp 09:00:00Z → stored 12:00:05.000Z
 */
export const correctTimestamp: Stage = {
  name: 'correct-timestamp',
  run(draft, context) {
    const received = formatTimestamp(context.receivedAt) ?? new Date().toISOString();
    const clientText = firstString(draft.event.timestamp, draft.event.originalTimestamp);
    if (clientText === undefined) return { ...draft, timestamp: received };
    const clientMs = parseTimestamp(clientText);
    if (clientMs === undefined) {
      return reject(ERROR_CODES.invalidEvent, 'timestamp must be an ISO-8601 date-time string');
    }
    const sentAt = [draft.event.sentAt, context.sentAt]
      .filter((value): value is string => typeof value === 'string')
      .map((text) => ({ text, ms: parseTimestamp(text) }))
      .find((candidate) => candidate.ms !== undefined);
    const corrected = sentAt ? context.receivedAt - ((sentAt.ms as number) - clientMs) : clientMs;
    const timestamp = formatTimestamp(corrected);
    if (timestamp === undefined) {
      return reject(ERROR_CODES.invalidEvent, 'timestamp corrected by sentAt falls outside the years 0000–9999');
    }
    return { ...draft, timestamp, originalTimestamp: clientText, sentAt: sentAt?.text };
  },
};

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string');
}
