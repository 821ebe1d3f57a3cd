import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createPlanHolder } from '../plan/plan-holder.js';
import { runOneEvent } from '../testing/run-one-event.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { createIngestStages } from './create-ingest-stages.js';

const addToCart = (event: string) => ({
  type: 'track',
  event,
  messageId: `m-${event}`,
  anonymousId: 'a1',
  timestamp: '2024-06-01T12:00:00.000Z',
  properties: { product_id: 'sku-1', price: 25, currency: 'USD', quantity: 2 },
});

describe('event name canonicalisation', () => {
  it('stores "add to cart" and "Add_To_Cart" as "Product Added", keeping the name as sent', async () => {
    const metrics = createMetrics();
    const stages = createIngestStages({ plan: createPlanHolder(compileTrackingPlan(shopPlan())), metrics });
    for (const sent of ['add to cart', 'Add_To_Cart']) {
      const { row, normalized } = await runOneEvent(stages, addToCart(sent));
      expect(row?.event).toBe('Product Added');
      expect(JSON.parse(row?.raw ?? '{}')).toMatchObject({ event: sent });
      expect(normalized).toMatchObject({ event: 'Product Added', context: { cairn: { originalEvent: sent } } });
    }
    expect(metrics.render()).toContain('cairn_event_names_canonicalized_total{source="default"} 2');
  });

  it('leaves the canonical name, unknown names and non-track calls alone', async () => {
    const stages = createIngestStages({ plan: createPlanHolder(compileTrackingPlan(shopPlan())) });
    expect((await runOneEvent(stages, addToCart('Product Added'))).row?.event).toBe('Product Added');
    const unknown = await runOneEvent(stages, { type: 'track', event: 'Wishlist Shared' });
    expect(unknown.row?.event).toBe('Wishlist Shared');
    const page = await runOneEvent(stages, { type: 'page', name: 'add to cart' });
    expect(page.row?.name).toBe('add to cart');
  });

  it('is off with the aliases switch (the plan then checks the name as sent)', async () => {
    const plan = compileTrackingPlan(shopPlan({ rules: { aliases: false } }));
    const { row, normalized } = await runOneEvent(createIngestStages({ plan: createPlanHolder(plan) }), addToCart('add to cart'));
    expect(row?.event).toBe('add to cart');
    expect(normalized?.event).toBe('add to cart');
    expect(normalized?.context).toEqual({ cairn: { currency: { from: 'USD', to: 'USD', rate: 1 } } });
  });
});
