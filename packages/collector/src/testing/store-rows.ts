import type { EventRow, QuarantineRow } from '../store/store.js';

/** An accepted event row with test defaults. */
export function row(messageId: string, extra: Partial<EventRow> = {}): EventRow {
  return {
    source: 'default',
    messageId,
    type: 'track',
    event: 'Product Added',
    name: null,
    anonymousId: 'anon-1',
    userId: null,
    timestamp: '2024-06-01T12:00:00.000Z',
    originalTimestamp: '2024-06-01T12:00:00.000Z',
    sentAt: null,
    receivedAt: '2024-06-01T12:00:01.000Z',
    raw: `{"messageId":"${messageId}"}`,
    normalized: null,
    ...extra,
  };
}

/** A quarantine row with test defaults; its raw names the user `u-<messageId>`. */
export function bad(messageId: string, extra: Partial<QuarantineRow> = {}): QuarantineRow {
  return {
    source: 'default',
    messageId,
    receivedAt: '2024-06-01T12:00:01.000Z',
    code: 'invalid_event',
    reason: 'bad type',
    raw: `{"userId":"u-${messageId}"}`,
    ...extra,
  };
}
