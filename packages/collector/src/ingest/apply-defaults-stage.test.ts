import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createPlanHolder } from '../plan/plan-holder.js';
import { runOneEvent } from '../testing/run-one-event.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { createIngestStages } from './create-ingest-stages.js';

describe('defaults', () => {
  it("fills a missing currency with the site's currency before converting the amount", async () => {
    const metrics = createMetrics();
    const stages = createIngestStages({ plan: createPlanHolder(compileTrackingPlan(shopPlan())), metrics });
    const event = { type: 'track', event: 'Order Completed', messageId: 'o1', userId: 'u1', properties: { order_id: 'A-1', total: 100 } };
    const { row, normalized } = await runOneEvent(stages, event, { source: 'shop-eu' });
    expect(JSON.parse(row?.raw ?? '{}')).toEqual(event);
    expect(normalized).toMatchObject({
      properties: { order_id: 'A-1', total: 100, currency: 'EUR', total_base: 108.57, base_currency: 'USD' },
      context: { cairn: { defaults: ['currency'], currency: { from: 'EUR', to: 'USD', rate: 1.0857 } } },
    });
    expect(metrics.render()).toContain('cairn_defaults_applied_total{source="shop-eu"} 1');
  });

  it("fills an alias's missing properties from its event, then its source, then the plan; never overwrites", async () => {
    const plan = compileTrackingPlan(
      shopPlan({ defaults: { channel: 'web', quantity: 99 }, sources: { 'shop-eu': { currency: 'EUR', defaults: { store: 'eu-1', channel: 'store' } } } }),
    );
    const stages = createIngestStages({ plan: createPlanHolder(plan) });
    const event = { type: 'track', event: 'add to cart', properties: { product_id: 'p1', price: 10, currency: 'USD', store: null } };
    const { normalized } = await runOneEvent(stages, event, { source: 'shop-eu' });
    expect(normalized?.properties).toMatchObject({ product_id: 'p1', quantity: 1, store: 'eu-1', channel: 'store', currency: 'USD' });
    expect(normalized).toMatchObject({ context: { cairn: { defaults: ['quantity', 'store', 'channel'] } } });
    const complete = { type: 'track', event: 'Signed In', properties: { channel: 'app', quantity: 3 } };
    expect((await runOneEvent(stages, complete)).normalized).toBeNull();
  });

  it('creates properties when the event has none, and is off with its switch', async () => {
    const plan = compileTrackingPlan({ defaults: { channel: 'web' } });
    const on = await runOneEvent(createIngestStages({ plan: createPlanHolder(plan) }), { type: 'track', event: 'Signed In' });
    expect(on.normalized?.properties).toEqual({ channel: 'web' });
    const off = await runOneEvent(createIngestStages({ plan: createPlanHolder(plan), rules: { defaults: false } }), { type: 'track', event: 'Signed In' });
    expect(off.normalized).toBeNull();
  });
});
