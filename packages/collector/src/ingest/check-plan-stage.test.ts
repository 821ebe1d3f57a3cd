import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createPlanHolder } from '../plan/plan-holder.js';
import { runOneEvent } from '../testing/run-one-event.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { createIngestStages } from './create-ingest-stages.js';

const added = (properties: Record<string, unknown>) => ({ type: 'track', event: 'add to cart', messageId: 'm1', anonymousId: 'a1', properties });

describe('tracking plan checks', () => {
  it('in allow mode stores a violating event with its violations tagged', async () => {
    const metrics = createMetrics();
    const stages = createIngestStages({ plan: createPlanHolder(compileTrackingPlan(shopPlan())), metrics });
    const { row, normalized } = await runOneEvent(stages, added({ price: '25', currency: 'USD' }));
    expect(row?.event).toBe('Product Added');
    expect(normalized).toMatchObject({
      context: {
        cairn: {
          violations: [
            { path: 'properties.product_id', message: 'is required' },
            { path: 'properties.price', message: 'must be number' },
          ],
        },
      },
    });
    const unknown = await runOneEvent(stages, { type: 'track', event: 'Wishlist Shared' });
    expect(unknown.normalized).toMatchObject({ context: { cairn: { violations: [{ path: 'event', message: '"Wishlist Shared" is not in the tracking plan' }] } } });
    expect(metrics.render()).toContain('cairn_plan_violations_total{action="tagged",kind="schema",source="default"} 1');
  });

  it('in quarantine mode refuses it with plan_violation, naming the fields', async () => {
    const stages = createIngestStages({ plan: createPlanHolder(compileTrackingPlan(shopPlan({ mode: 'quarantine' }))) });
    expect((await runOneEvent(stages, added({ price: -1 }))).quarantined).toMatchObject({
      code: 'plan_violation',
      reason: 'properties.product_id is required; properties.price must be >= 0 (tracking plan event "Product Added")',
    });
    expect((await runOneEvent(stages, { type: 'track', event: 'Wishlist Shared' })).quarantined).toMatchObject({
      code: 'plan_violation',
      reason: 'event "Wishlist Shared" is not in the tracking plan',
    });
    // A default can satisfy a required property: quantity is filled before the schema runs.
    expect((await runOneEvent(stages, added({ product_id: 'p1', price: 5, currency: 'EUR' }))).row?.event).toBe('Product Added');
  });

  it('lets unknown events in when unknownEvents says allow, and checks nothing when no event is declared', async () => {
    const lenient = compileTrackingPlan(shopPlan({ mode: 'quarantine', unknownEvents: 'allow' }));
    expect((await runOneEvent(createIngestStages({ plan: createPlanHolder(lenient) }), { type: 'track', event: 'New Thing' })).row).toBeDefined();
    const moneyOnly = compileTrackingPlan({ mode: 'quarantine', money: { baseCurrency: 'USD', rates: {} } });
    const stored = await runOneEvent(createIngestStages({ plan: createPlanHolder(moneyOnly) }), { type: 'track', event: 'Anything' });
    expect(stored.normalized).toBeNull();
  });

  it('sees a reloaded plan on the next event', async () => {
    const holder = createPlanHolder(compileTrackingPlan(shopPlan({ mode: 'quarantine' })));
    const stages = createIngestStages({ plan: holder });
    const event = { type: 'track', event: 'Wishlist Shared' };
    expect((await runOneEvent(stages, event)).quarantined).toBeDefined();
    holder.replace(compileTrackingPlan(shopPlan({ mode: 'quarantine', events: { 'Wishlist Shared': {} } })));
    expect((await runOneEvent(stages, event)).row?.event).toBe('Wishlist Shared');
  });
});
