import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResponse } from '@cairn/protocol';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const track = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Product Added',
  messageId,
  timestamp: '2024-06-01T12:00:00.000Z',
  ...extra,
});

describe('messageId derivation', () => {
  it('derives a content hash for an event without messageId so a resend dedups', async () => {
    t = createTestCollector();
    const event = { type: 'identify', userId: 'u1', traits: { plan: 'pro' }, timestamp: '2024-06-01T11:00:00Z' };
    const first = (await (await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T11:00:01Z', batch: [event] })).json()) as BatchResponse;
    expect(first).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    // Same content, keys in another order, another sentAt (a retry): the same id.
    const reordered = { timestamp: event.timestamp, traits: { plan: 'pro' }, userId: 'u1', type: 'identify' };
    const second = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T11:00:30Z', batch: [reordered] });
    expect(await second.json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    // The single-event route's per-attempt fields (writeKey, sentAt) are not part of the identity.
    const single = await t.post('/v1/identify', { ...event, writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T11:01:00Z' });
    expect(await single.json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const rows = t.rows('SELECT message_id FROM events');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.message_id).toMatch(/^sha256-[0-9a-f]{64}$/);
  });

  it('gives different content different ids', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', {
      writeKey: TEST_WRITE_KEY,
      batch: [
        { type: 'identify', userId: 'u1' },
        { type: 'identify', userId: 'u2' },
        { type: 'identify', userId: 'u1', messageId: null },
      ],
    });
    // `messageId: null` is absent, but the content differs from the first event by that key.
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
  });
});

describe('timestamps', () => {
  // The fixture's clock reads 2024-06-01T12:00:10.000Z.
  it('corrects client clock skew with sentAt and keeps the client values', async () => {
    t = createTestCollector();
    await t.post('/v1/batch', {
      writeKey: TEST_WRITE_KEY,
      sentAt: '2024-06-01T09:00:05.000Z', // client clock is 3 h behind
      batch: [
        track('skewed', { timestamp: '2024-06-01T09:00:00.000Z' }),
        track('own-sent-at', { timestamp: '2024-06-01T09:00:00Z', sentAt: '2024-06-01T09:00:08Z' }),
        // Segment's originalTimestamp (09:00:00Z, written with an offset) when timestamp is absent.
        track('original', { timestamp: undefined, originalTimestamp: '2024-06-01T11:00:00+02:00' }),
      ],
    });
    expect(t.rows('SELECT message_id, timestamp, original_timestamp, sent_at FROM events ORDER BY message_id')).toEqual([
      { message_id: 'original', timestamp: '2024-06-01T12:00:05.000Z', original_timestamp: '2024-06-01T11:00:00+02:00', sent_at: '2024-06-01T09:00:05.000Z' },
      { message_id: 'own-sent-at', timestamp: '2024-06-01T12:00:02.000Z', original_timestamp: '2024-06-01T09:00:00Z', sent_at: '2024-06-01T09:00:08Z' },
      { message_id: 'skewed', timestamp: '2024-06-01T12:00:05.000Z', original_timestamp: '2024-06-01T09:00:00.000Z', sent_at: '2024-06-01T09:00:05.000Z' },
    ]);
  });

  it('normalises to UTC without sentAt, and uses the receive time when the client sent none', async () => {
    t = createTestCollector();
    await t.post('/v1/batch', {
      writeKey: TEST_WRITE_KEY,
      sentAt: 'not a date',
      batch: [track('offset', { timestamp: '2024-06-01T13:30:00+02:00' }), track('none', { timestamp: undefined })],
    });
    expect(t.rows('SELECT message_id, timestamp, original_timestamp, sent_at FROM events ORDER BY message_id')).toEqual([
      { message_id: 'none', timestamp: '2024-06-01T12:00:10.000Z', original_timestamp: null, sent_at: null },
      { message_id: 'offset', timestamp: '2024-06-01T11:30:00.000Z', original_timestamp: '2024-06-01T13:30:00+02:00', sent_at: null },
    ]);
  });
});
