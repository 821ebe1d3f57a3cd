import { afterEach, describe, expect, it } from 'vitest';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const at = '2024-06-01T12:00:00.000Z';
const added = (messageId: string, event: string, properties: Record<string, unknown>) => ({
  type: 'track', event, messageId, anonymousId: 'anon-1', timestamp: at, properties,
});

describe('ingest with the tracking plan in quarantine mode', () => {
  it('stores, dedups, aliases and quarantines each event of a mixed batch on its own', async () => {
    t = createTestCollector({ plan: compileTrackingPlan(shopPlan({ mode: 'quarantine' })) });
    const batch = [
      added('e1', 'Product Added', { product_id: 'p1', price: 20, currency: 'USD', quantity: 2 }),
      added('e2', 'add to cart', { product_id: 'p2', price: 10, currency: 'EUR' }),
      added('e1', 'Product Added', { product_id: 'p1', price: 20, currency: 'USD', quantity: 2 }),
      { type: 'track', messageId: 'bad-envelope', timestamp: at },
      added('bad-schema', 'Product Added', { price: 10, currency: 'USD' }),
      added('bad-currency', 'Product Added', { product_id: 'p3', price: 10, currency: 'XBT' }),
      { type: 'track', event: 'Wishlist Shared', messageId: 'bad-name', anonymousId: 'anon-1', timestamp: at },
      { type: 'page', name: 'Cart', messageId: 'p1', anonymousId: 'anon-1', timestamp: at },
      { type: 'identify', userId: 'u1', anonymousId: 'anon-1', messageId: 'i1', timestamp: at },
    ];
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T12:00:09.000Z', batch });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 4,
      duplicates: 1,
      rejected: [
        { index: 3, messageId: 'bad-envelope', code: 'invalid_event', message: 'event must be a non-empty string on a track call' },
        { index: 4, messageId: 'bad-schema', code: 'plan_violation', message: 'properties.product_id is required (tracking plan event "Product Added")' },
        { index: 5, messageId: 'bad-currency', code: 'unknown_currency', message: 'properties.currency "XBT" is not in the rate table (base USD; known: USD, EUR, GBP, JPY)' },
        { index: 6, messageId: 'bad-name', code: 'plan_violation', message: 'event "Wishlist Shared" is not in the tracking plan' },
      ],
    });
    // A resend of the whole batch adds nothing to events, and the rejected ones again to quarantine only.
    const again = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T12:00:09.500Z', batch: batch.slice(0, 2) });
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] });

    const events = t.rows('SELECT message_id, type, event, name, timestamp, raw, normalized FROM events ORDER BY message_id');
    expect(events.map(({ raw: _raw, normalized: _n, ...columns }) => columns)).toEqual([
      { message_id: 'e1', type: 'track', event: 'Product Added', name: null, timestamp: '2024-06-01T12:00:01.000Z' },
      { message_id: 'e2', type: 'track', event: 'Product Added', name: null, timestamp: '2024-06-01T12:00:01.000Z' },
      { message_id: 'i1', type: 'identify', event: null, name: null, timestamp: '2024-06-01T12:00:01.000Z' },
      { message_id: 'p1', type: 'page', event: null, name: 'Cart', timestamp: '2024-06-01T12:00:01.000Z' },
    ]);
    const byId = Object.fromEntries(events.map((row) => [row.message_id, row]));
    expect(JSON.parse(String(byId.e2?.raw))).toEqual(batch[1]);
    expect(JSON.parse(String(byId.e2?.normalized))).toEqual({
      ...batch[1],
      event: 'Product Added',
      timestamp: '2024-06-01T12:00:01.000Z',
      originalTimestamp: at,
      properties: { product_id: 'p2', price: 10, currency: 'EUR', quantity: 1, price_base: 10.86, base_currency: 'USD' },
      context: { cairn: { originalEvent: 'add to cart', defaults: ['quantity'], currency: { from: 'EUR', to: 'USD', rate: 1.0857 } } },
    });
    expect(JSON.parse(String(byId.e1?.normalized))).toMatchObject({ properties: { price_base: 20, base_currency: 'USD' } });
    expect(byId.p1?.normalized).toBeNull();
    expect(byId.i1?.normalized).toBeNull();

    const quarantine = t.rows('SELECT source, message_id, received_at, code, reason, raw FROM quarantine ORDER BY id');
    expect(quarantine.map(({ raw, ...columns }) => ({ ...columns, raw: JSON.parse(String(raw)) }))).toEqual([
      { source: 'default', message_id: 'bad-envelope', received_at: '2024-06-01T12:00:10.000Z', code: 'invalid_event', reason: 'event must be a non-empty string on a track call', raw: batch[3] },
      { source: 'default', message_id: 'bad-schema', received_at: '2024-06-01T12:00:10.000Z', code: 'plan_violation', reason: 'properties.product_id is required (tracking plan event "Product Added")', raw: batch[4] },
      { source: 'default', message_id: 'bad-currency', received_at: '2024-06-01T12:00:10.000Z', code: 'unknown_currency', reason: expect.stringContaining('"XBT"'), raw: batch[5] },
      { source: 'default', message_id: 'bad-name', received_at: '2024-06-01T12:00:10.000Z', code: 'plan_violation', reason: 'event "Wishlist Shared" is not in the tracking plan', raw: batch[6] },
    ]);
  });

  it('counts every rule on /metrics', async () => {
    t = createTestCollector({ plan: compileTrackingPlan(shopPlan({ mode: 'quarantine' })) });
    await t.post('/v1/batch', {
      writeKey: TEST_WRITE_KEY,
      // A server library: epoch seconds from a clock 2 h slow.
      sentAt: 1717236008,
      batch: [
        { ...added('m1', 'add to cart', { product_id: 'p1', price: 10, currency: 'EUR' }), timestamp: 1717236000 },
        { ...added('m1', 'add to cart', { product_id: 'p1', price: 10, currency: 'EUR' }), timestamp: 1717236000 },
        { ...added('m2', 'Product Added', { product_id: 'p1', price: 10, currency: 'XBT' }), timestamp: 1717236001 },
        { type: 'track', event: 'Nope', messageId: 'm3' },
      ],
    });
    const text = await (await t.app.request('/metrics')).text();
    for (const line of [
      'cairn_events_normalized_total{source="default"} 2',
      'cairn_timestamps_normalized_total{format="epoch_seconds",source="default"} 3',
      'cairn_clock_skew_corrected_total{source="default"} 3',
      'cairn_defaults_applied_total{source="default"} 3',
      'cairn_currency_conversions_total{currency="EUR",source="default"} 2',
      'cairn_event_names_canonicalized_total{source="default"} 2',
      'cairn_plan_violations_total{action="quarantined",kind="unknown_event",source="default"} 1',
      'cairn_events_total{outcome="duplicate",source="default"} 1',
      'cairn_quarantined_total{code="unknown_currency",source="default"} 1',
      'cairn_quarantined_total{code="plan_violation",source="default"} 1',
    ]) {
      expect(text).toContain(line);
    }
  });
});
