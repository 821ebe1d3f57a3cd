import { MAX_REQUEST_BYTES } from '@cairn/protocol';
import { describe, expect, it } from 'vitest';
import { buildBatchBody, byteLength } from './batch-body.js';
import { readBody } from '../../test-support/test-kit.js';

const event = (n: number, text = '') => ({ id: `id-${n}`, json: JSON.stringify({ type: 'track', event: 'E', properties: { n, text } }), bytes: 0 });
const NOW = Date.UTC(2025, 0, 1);

describe('buildBatchBody', () => {
  it('joins the events oldest first into one body, measuring each and the body in UTF-8', () => {
    const events = [event(1, 'ascii'), event(2, 'café — 日本')];
    const { payload: body, bytes, taken: count } = buildBatchBody(events, 60_000, 'KEY', NOW);
    expect(count).toBe(2);
    expect(bytes).toBe(new TextEncoder().encode(body).length);
    expect(readBody(body)).toEqual({ batch: events.map((e) => JSON.parse(e.json)), sentAt: new Date(NOW).toISOString(), writeKey: 'KEY' });
    expect(events.map((e) => e.bytes)).toEqual(events.map((e) => byteLength(e.json)));
    expect(events[1]!.bytes).toBeGreaterThan(events[1]!.json.length);
  });

  it('takes as many as fit in the budget, by UTF-8 size', () => {
    // 1,000 bytes of text each, two thirds of it in 3-byte characters.
    const events = Array.from({ length: 10 }, (_, n) => event(n, '日'.repeat(250) + 'a'.repeat(250)));
    const first = buildBatchBody(events, 4000, 'KEY', NOW);
    expect(first.taken).toBe(3);
    expect(first.bytes).toBe(new TextEncoder().encode(first.payload).length);
    expect(first.bytes).toBeLessThanOrEqual(4000);
    expect(readBody(first.payload).batch.map((e) => (e.properties as { n: number }).n)).toEqual([0, 1, 2]);
  });

  it('always takes the first event, however small the budget', () => {
    const { payload: body, bytes, taken: count } = buildBatchBody([event(1, 'x'.repeat(5000)), event(2)], 100, 'KEY', NOW);
    expect(count).toBe(1);
    expect(readBody(body).batch).toHaveLength(1);
    expect(bytes).toBe(body.length);
    expect(bytes).toBeLessThan(MAX_REQUEST_BYTES);
  });
});
