import type { TrackingPlanDocument } from '../plan/tracking-plan-document.js';

/**
 * A storefront's tracking plan for tests: e-commerce events with aliases, defaults, consent
 * categories, JSON Schemas, and a USD base currency with a small rate table.
 *
 * @example
 * const t = createTestCollector({ plan: compileTrackingPlan(shopPlan({ mode: 'quarantine' })) });
 */
export function shopPlan(overrides: Partial<TrackingPlanDocument> = {}): TrackingPlanDocument {
  return {
    mode: 'allow',
    defaultCategory: 'analytics',
    money: { baseCurrency: 'USD', rates: { EUR: 1.0857, GBP: 1.2712, JPY: 0.0064 } },
    sources: { 'shop-eu': { currency: 'EUR' } },
    events: {
      'Product Added': {
        aliases: ['add to cart', 'Cart Add'],
        category: 'analytics',
        defaults: { quantity: 1 },
        properties: {
          type: 'object',
          required: ['product_id', 'price'],
          properties: {
            product_id: { type: 'string', minLength: 1 },
            price: { type: 'number', minimum: 0 },
            quantity: { type: 'integer', minimum: 1 },
            currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
          },
        },
      },
      'Order Completed': {
        aliases: ['purchase', 'checkout complete'],
        category: 'analytics',
        properties: {
          type: 'object',
          required: ['order_id', 'total'],
          properties: {
            order_id: { type: 'string' },
            total: { type: 'number' },
            products: { type: 'array', items: { type: 'object', required: ['product_id'] } },
          },
        },
      },
      'Signed In': { category: 'necessary' },
      'Newsletter Subscribed': { aliases: ['newsletter signup'], category: 'marketing' },
    },
    ...overrides,
  };
}
