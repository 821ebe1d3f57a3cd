import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createPlanHolder } from '../plan/plan-holder.js';
import { runOneEvent } from '../testing/run-one-event.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { createIngestStages } from './create-ingest-stages.js';

const order = (properties: Record<string, unknown>) => ({ type: 'track', event: 'Order Completed', messageId: 'o1', userId: 'u1', properties });

describe('money', () => {
  const metrics = createMetrics();
  const stages = createIngestStages({ plan: createPlanHolder(compileTrackingPlan(shopPlan())), metrics });

  it('stores a EUR order also in USD, keeping the original amounts and currency', async () => {
    const properties = {
      order_id: 'A-1001',
      total: 59.9,
      tax: 9.58,
      currency: 'EUR',
      products: [
        { product_id: 'p1', price: 19.95, quantity: 2 },
        { product_id: 'p2', price: '19.99' },
      ],
    };
    const { row, normalized } = await runOneEvent(stages, order(properties));
    expect(JSON.parse(row?.raw ?? '{}').properties).toEqual(properties);
    expect(normalized?.properties).toEqual({
      ...properties,
      total_base: 65.03,
      tax_base: 10.4,
      base_currency: 'USD',
      products: [
        { product_id: 'p1', price: 19.95, quantity: 2, price_base: 21.66 },
        { product_id: 'p2', price: '19.99', price_base: 21.7 },
      ],
    });
    expect(normalized).toMatchObject({ context: { cairn: { currency: { from: 'EUR', to: 'USD', rate: 1.0857 } } } });
    expect(metrics.render()).toContain('cairn_currency_conversions_total{currency="EUR",source="default"} 4');
  });

  it('gives base-currency amounts as they are, and reads a lower-case code', async () => {
    const usd = await runOneEvent(stages, order({ order_id: 'A', total: 12.5, currency: 'USD' }));
    expect(usd.normalized?.properties).toMatchObject({ total: 12.5, total_base: 12.5, base_currency: 'USD' });
    const gbp = await runOneEvent(stages, order({ order_id: 'B', total: 10, currency: 'gbp' }));
    expect(gbp.normalized?.properties).toMatchObject({ currency: 'gbp', total_base: 12.71 });
  });

  it('refuses an unknown currency instead of guessing', async () => {
    const { quarantined } = await runOneEvent(stages, order({ order_id: 'C', total: 10, currency: 'XBT' }));
    expect(quarantined).toMatchObject({
      code: 'unknown_currency',
      reason: 'properties.currency "XBT" is not in the rate table (base USD; known: USD, EUR, GBP, JPY)',
    });
  });

  it('flags amounts without any currency, and tags amounts that are not numbers', async () => {
    const missing = await runOneEvent(stages, order({ order_id: 'D', total: 10 }));
    expect(missing.normalized).toMatchObject({ properties: { total: 10 }, context: { cairn: { flags: ['currency_missing'] } } });
    expect(missing.normalized?.properties).not.toHaveProperty('total_base');
    const text = await runOneEvent(stages, order({ order_id: 'E', total: 'ten', currency: 'EUR' }));
    expect(text.normalized).toMatchObject({
      context: { cairn: { violations: expect.arrayContaining([{ path: 'properties.total', message: 'is not a number; not converted' }]) } },
    });
  });

  it('leaves events without amounts alone, and is off with its switch', async () => {
    expect((await runOneEvent(stages, { type: 'track', event: 'Signed In', properties: { currency: 'XBT' } })).normalized).toBeNull();
    const off = createIngestStages({ plan: createPlanHolder(compileTrackingPlan(shopPlan())), rules: { money: false } });
    expect((await runOneEvent(off, order({ order_id: 'F', total: 10, currency: 'XBT' }))).normalized).toBeNull();
  });
});
