import { afterEach, describe, expect, it } from 'vitest';
import { createIngestStages } from '../ingest/create-ingest-stages.js';
import { createMetrics } from '../metrics/metrics.js';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createPlanHolder } from '../plan/plan-holder.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { replayQuarantine } from './replay-quarantine.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const at = '2024-06-01T12:00:00.000Z';
const wishlist = (messageId: string) => ({ type: 'track', event: 'wishlist shared', messageId, anonymousId: 'a1', timestamp: at, properties: { product_id: 'p1' } });
const francs = { type: 'track', event: 'Product Added', messageId: 'chf', anonymousId: 'a1', timestamp: at, properties: { product_id: 'p1', price: 1200, currency: 'CHF' } };

describe('replayQuarantine', () => {
  it('moves the events that pass the fixed plan into events, once, and leaves the others', async () => {
    const holder = createPlanHolder(compileTrackingPlan(shopPlan({ mode: 'quarantine' })));
    t = createTestCollector({ plan: holder });
    const batch = [wishlist('w1'), wishlist('w2'), francs];
    const first = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch });
    expect(await first.json()).toMatchObject({ accepted: 0, rejected: [{ code: 'plan_violation' }, { code: 'plan_violation' }, { code: 'unknown_currency' }] });
    // A retrying proxy sent w1 again: reported rejected again, but quarantined once.
    const resent = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [wishlist('w1')] });
    expect(await resent.json()).toMatchObject({ accepted: 0, rejected: [{ messageId: 'w1', code: 'plan_violation' }] });
    expect(t.rows('SELECT message_id FROM quarantine ORDER BY id').map((row) => row.message_id)).toEqual(['w1', 'w2', 'chf']);

    // The plan is fixed: "Wishlist Shared" is declared (with an alias); CHF is still unknown.
    const fixed = shopPlan({ mode: 'quarantine' });
    fixed.events = { ...fixed.events, 'Wishlist Shared': { aliases: ['wishlist shared'], properties: { type: 'object', required: ['product_id'] } } };
    holder.replace(compileTrackingPlan(fixed));
    const metrics = createMetrics();
    const stages = createIngestStages({ plan: holder });
    const report = await replayQuarantine({ store: t.store, stages, pageSize: 2, metrics });
    expect(report).toEqual({ replayed: 2, duplicates: 0, stillFailing: 1 });
    expect(t.rows('SELECT message_id, event, received_at, timestamp FROM events ORDER BY message_id')).toEqual([
      { message_id: 'w1', event: 'Wishlist Shared', received_at: '2024-06-01T12:00:10.000Z', timestamp: at },
      { message_id: 'w2', event: 'Wishlist Shared', received_at: '2024-06-01T12:00:10.000Z', timestamp: at },
    ]);
    expect(t.rows('SELECT message_id, code FROM quarantine')).toEqual([{ message_id: 'chf', code: 'unknown_currency' }]);
    expect(metrics.render()).toContain('cairn_replayed_total{outcome="still_failing"} 1');

    // Nothing left that passes: a second replay changes nothing.
    expect(await replayQuarantine({ store: t.store, stages })).toEqual({ replayed: 0, duplicates: 0, stillFailing: 1 });
  });

  it('counts an event already stored as a duplicate and clears its quarantine row', async () => {
    t = createTestCollector();
    await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [wishlist('w1')] });
    await t.store.write({
      events: [],
      quarantined: [{ source: 'default', messageId: 'w1', receivedAt: '2024-06-01T12:00:10.000Z', code: 'plan_violation', reason: 'old plan', raw: JSON.stringify(wishlist('w1')) }],
    });
    const report = await replayQuarantine({ store: t.store, stages: createIngestStages() });
    expect(report).toEqual({ replayed: 0, duplicates: 1, stillFailing: 0 });
    expect(t.rows('SELECT count(*) AS n FROM quarantine')).toEqual([{ n: 0 }]);
    expect(t.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 1 }]);
  });

  it('replays one source only when asked', async () => {
    t = createTestCollector({ sources: [{ name: 'a', writeKey: 'ka' }, { name: 'b', writeKey: 'kb' }], plan: compileTrackingPlan(shopPlan({ mode: 'quarantine' })) });
    await t.post('/v1/batch', { writeKey: 'ka', batch: [wishlist('wa')] });
    await t.post('/v1/batch', { writeKey: 'kb', batch: [wishlist('wb')] });
    const report = await replayQuarantine({ store: t.store, stages: createIngestStages(), source: 'b' });
    expect(report).toEqual({ replayed: 1, duplicates: 0, stillFailing: 0 });
    expect(t.rows('SELECT source, message_id FROM events')).toEqual([{ source: 'b', message_id: 'wb' }]);
    expect(t.rows('SELECT source, message_id FROM quarantine')).toEqual([{ source: 'a', message_id: 'wa' }]);
  });

  it('corrects clock skew on replay with the batch sentAt, as ingest does', async () => {
    const holder = createPlanHolder(compileTrackingPlan(shopPlan({ mode: 'quarantine' })));
    t = createTestCollector({ plan: holder });
    // The client's clock is 3 h behind: it stamped the event 09:00:00 and sent it at 09:00:05,
    // received at 12:00:10 (the fixture's clock); ingest would store 12:00:05.
    const skewed = { ...wishlist('w1'), timestamp: '2024-06-01T09:00:00.000Z' };
    await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T09:00:05.000Z', batch: [skewed] });
    expect(t.rows('SELECT sent_at FROM quarantine')).toEqual([{ sent_at: '2024-06-01T09:00:05.000Z' }]);
    const fixed = shopPlan({ mode: 'quarantine' });
    fixed.events = { ...fixed.events, 'Wishlist Shared': { aliases: ['wishlist shared'], properties: { type: 'object' } } };
    holder.replace(compileTrackingPlan(fixed));
    expect(await replayQuarantine({ store: t.store, stages: createIngestStages({ plan: holder }) })).toEqual({ replayed: 1, duplicates: 0, stillFailing: 0 });
    expect(t.rows('SELECT timestamp, original_timestamp, sent_at FROM events')).toEqual([
      { timestamp: '2024-06-01T12:00:05.000Z', original_timestamp: '2024-06-01T09:00:00.000Z', sent_at: '2024-06-01T09:00:05.000Z' },
    ]);
  });
});
