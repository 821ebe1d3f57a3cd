import type { WireEvent } from '@cairn/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createTestDeps, options } from '../../test-support/test-kit.js';
import { createTrackerCore } from '../core/tracker.js';
import { addCommerce } from './add-commerce.js';
import { COMMERCE_EVENTS, helperName, type CommerceEvent } from './commerce-events.js';
import type { CommerceHelpers } from './types.js';

function setup() {
  const env = createTestDeps();
  const tracker = addCommerce(createTrackerCore(options, env.deps), env.deps);
  const events = async () => {
    await tracker.flush();
    return env.net.sent() as WireEvent[];
  };
  return { tracker, events };
}

describe('e-commerce helpers', () => {
  it('cover Segment’s e-commerce spec v2, one helper per event', () => {
    const events = COMMERCE_EVENTS.split(',');
    expect(events).toHaveLength(28);
    for (const name of ['Product Viewed', 'Product Added', 'Product Removed', 'Cart Viewed', 'Checkout Started', 'Order Completed']) {
      expect(events).toContain(name);
    }
    expect(helperName('Product Added to Wishlist')).toBe('productAddedToWishlist');
    expect(helperName('Products Searched')).toBe('productsSearched');
    const { tracker } = setup();
    for (const event of events) expect(tracker[helperName(event) as keyof CommerceHelpers]).toBeTypeOf('function');
    // The type lists the same names.
    expectTypeOf<CommerceEvent>().toEqualTypeOf<(typeof events)[number] & CommerceEvent>();
    expectTypeOf(tracker.wishlistProductAddedToCart).toBeFunction();
    expectTypeOf(tracker.orderCompleted).parameter(0).toMatchTypeOf<{ order_id?: string; total?: number } | undefined>();
  });

  it('send the spec’s event names and property names as given, like plain track()', async () => {
    const { tracker, events } = setup();
    const product = { product_id: 'p1', sku: 'RC-SUM-340', name: 'Summit Blend', price: 18, quantity: 2, currency: 'USD' };
    tracker.productViewed(product);
    tracker.productAdded({ ...product, cart_id: 'c1' });
    tracker.track('Product Added', { ...product, cart_id: 'c1' });
    tracker.cartViewed({ cart_id: 'c1', products: [product] });
    tracker.checkoutStarted({ order_id: 'o1', total: 36, currency: 'USD', products: [product] });
    tracker.orderCompleted({ order_id: 'o1', total: 36, revenue: 30, currency: 'USD', products: [product] }, { timestamp: '2024-05-01T12:00:00.000Z' });
    const sent = await events();
    expect(sent.map((event) => event.event)).toEqual([
      'Product Viewed',
      'Product Added',
      'Product Added',
      'Cart Viewed',
      'Checkout Started',
      'Order Completed',
    ]);
    expect(sent[0]?.properties).toEqual(product);
    expect(sent[1]?.properties).toEqual(sent[2]?.properties);
    // A cart event without a cart_id is given the open cart's (see the next test).
    expect(sent[5]?.properties).toEqual({ order_id: 'o1', total: 36, revenue: 30, currency: 'USD', products: [product], cart_id: 'c1' });
    expect(sent[5]?.timestamp).toBe('2024-05-01T12:00:00.000Z'); // per-call options pass through
  });

  it('name their cart on cart events sent without a cart_id, as the collector reads them', async () => {
    const { tracker, events } = setup();
    tracker.productAdded({ product_id: 'p1', price: 5, quantity: 2 });
    tracker.productRemoved({ product_id: 'p1', quantity: 1 }); // one left in the cart
    tracker.checkoutStarted({ total: 5 });
    tracker.orderCompleted({ order_id: 'o1' });
    tracker.productAdded({ product_id: 'p2' }); // a new cart
    tracker.productViewed({ product_id: 'p3' }); // not a cart event
    const ids = (await events()).map((event) => event.properties?.cart_id);
    expect(typeof ids[0]).toBe('string');
    expect(ids.slice(0, 4)).toEqual([ids[0], ids[0], ids[0], ids[0]]);
    expect(ids[4]).not.toBe(ids[0]);
    expect(typeof ids[4]).toBe('string');
    expect(ids[5]).toBeUndefined();
  });

  it('are replayed from the script-tag stub like any method', async () => {
    const { tracker, events } = setup();
    tracker.push(['productAdded', Date.UTC(2024, 0, 2), { product_id: 'p9' }]);
    const [event] = await events();
    expect(event).toMatchObject({ event: 'Product Added', timestamp: '2024-01-02T00:00:00.000Z', properties: { product_id: 'p9' } });
  });
});
