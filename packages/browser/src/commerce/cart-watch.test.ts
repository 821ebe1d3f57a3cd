import type { WireEvent } from '@cairn/protocol';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../core/memory-storage.js';
import { createCounterIds, createFakeClock, createFakeTransport } from '../../test-support/test-kit.js';
import { createTrackerCore } from '../core/tracker.js';
import type { CairnError } from '../core/cairn-error.js';
import type { Clock, TrackerDeps } from '../core/types.js';
import { createMemoryQueue } from '../core/memory-queue.js';
import { addCommerce } from './add-commerce.js';
import { createCartWatch } from './cart-watch.js';

const MINUTE = 60_000;
const summit = { product_id: 'summit', sku: 'RC-SUM-340', name: 'Summit Blend', price: 18, currency: 'USD' };
const decaf = { product_id: 'decaf', sku: 'RC-DEC-340', name: 'Night Owl Decaf', price: 16.5, currency: 'USD' };

/** A site: one storage and clock shared by its page loads (and tabs); load() opens a page. */
function site(cartIdle?: number) {
  const storage = createMemoryStorage();
  const clock = createFakeClock();
  const net = createFakeTransport();
  const ids = createCounterIds('id-');
  const errors: CairnError[] = [];
  const load = () => {
    // This page's view of the clock: once closed, its timers never fire.
    let open = true;
    const pageClock: Clock = {
      now: () => clock.now(),
      setTimeout: (fn, ms) => clock.setTimeout(() => open && fn(), ms),
    };
    const deps: TrackerDeps = { queue: createMemoryQueue(), transport: net.transport, clock: pageClock, ids, storage, lock: (_w, fn) => fn() };
    const tracker = addCommerce(createTrackerCore({ writeKey: 'wk', endpoint: 'https://collect.test', onError: (error) => errors.push(error) }, deps), deps, cartIdle);
    return Object.assign(tracker, { close: () => (open = false) });
  };
  const abandoned = () => (net.sent() as WireEvent[]).filter((event) => event.event == 'Cart Abandoned');
  return { storage, clock, load, abandoned, net, errors };
}

describe('cart abandonment', () => {
  it('a cart left idle is reported once, on the next page load, with its products and value', async () => {
    const { clock, load, abandoned } = site();
    const page = load();
    page.productAdded({ ...summit, quantity: 2, cart_id: 'cart-1' });
    page.productAdded({ ...decaf });
    page.productAdded({ ...summit }); // same product: one line, quantities add up
    await page.flush();
    page.close(); // the visitor left

    await clock.advance(45 * MINUTE);
    const next = load();
    await next.flush();
    expect(abandoned()).toHaveLength(1);
    expect(abandoned()[0]?.properties).toEqual({
      cart_id: 'cart-1',
      products: [
        { ...summit, quantity: 3 },
        { ...decaf, quantity: 1 },
      ],
      value: 70.5,
      currency: 'USD',
      minutes_idle: 45,
    });

    // At most once per cart: more loads, more idle time, more products later.
    await load().flush();
    next.productAdded({ ...decaf });
    await clock.advance(60 * MINUTE);
    await load().flush();
    expect(abandoned()).toHaveLength(1);
  });

  it('is reported by a timer while the page stays open, idle counted from the last change', async () => {
    const { clock, load, abandoned } = site(2000);
    const page = load();
    page.productAdded({ ...summit });
    await clock.advance(1500);
    page.track('Product Added', { ...decaf }); // plain track() counts the same; the clock restarts
    await clock.advance(1900);
    await page.flush();
    expect(abandoned()).toHaveLength(0);
    await clock.advance(200);
    await page.flush();
    expect(abandoned()).toHaveLength(1);
    expect(abandoned()[0]?.properties).toMatchObject({ products: [{ product_id: 'summit' }, { product_id: 'decaf' }], minutes_idle: 0 });
    await clock.advance(10_000);
    await page.flush();
    expect(abandoned()).toHaveLength(1);
  });

  it('an order ends the cart: nothing is reported, and the next add opens a new cart', async () => {
    const { clock, load, abandoned, storage } = site();
    const page = load();
    page.productAdded({ ...summit });
    const firstCart = JSON.parse(storage.get('cairn:cart')!).id;
    page.checkoutStarted({ order_id: 'o-1' });
    page.orderCompleted({ order_id: 'o-1', total: 18 });
    expect(storage.get('cairn:cart')).toBeUndefined();
    await clock.advance(2 * 60 * MINUTE);
    await load().flush();
    expect(abandoned()).toEqual([]);

    page.productAdded({ ...decaf });
    expect(JSON.parse(storage.get('cairn:cart')!).id).not.toBe(firstCart);
  });

  it('a started checkout is not an abandoned cart, until the cart changes again', async () => {
    const { clock, load, abandoned } = site();
    const page = load();
    page.productAdded({ ...summit });
    page.checkoutStarted({});
    page.close();
    await clock.advance(60 * MINUTE);
    await load().flush();
    expect(abandoned()).toHaveLength(0);

    const later = load();
    later.productAdded({ ...decaf }); // back to shopping: the checkout no longer covers the cart
    await clock.advance(31 * MINUTE);
    await later.flush();
    expect(abandoned()).toHaveLength(1);
  });

  it('"Product Removed" takes its quantity off, or the whole line; an emptied cart is gone', async () => {
    const { clock, load, abandoned, storage } = site();
    const page = load();
    page.productAdded({ ...summit, quantity: 3 });
    page.productAdded({ ...decaf });
    page.productRemoved({ ...summit, quantity: 1 });
    expect(JSON.parse(storage.get('cairn:cart')!).lines.summit.quantity).toBe(2);
    page.productRemoved({ product_id: 'summit' });
    page.productRemoved({ sku: 'RC-DEC-340', product_id: 'decaf', quantity: 5 });
    expect(storage.get('cairn:cart')).toBeUndefined();
    await clock.advance(60 * MINUTE);
    await load().flush();
    expect(abandoned()).toEqual([]);
  });

  it('the cart is shared by tabs: an order in one tab ends the other tab’s timer', async () => {
    const { clock, load, abandoned } = site(5000);
    const tabA = load();
    const tabB = load();
    tabA.productAdded({ ...summit });
    await clock.advance(1000);
    tabB.orderCompleted({ order_id: 'o-2' });
    await clock.advance(10_000);
    await tabA.flush();
    expect(abandoned()).toEqual([]);
  });

  it('products matched by sku without product_id; a corrupt record reads as no cart', async () => {
    const storage = createMemoryStorage();
    const clock = createFakeClock();
    const reports: unknown[] = [];
    storage.set('cairn:cart', '{oops');
    const observe = createCartWatch(storage, clock, createCounterIds(), (_event, properties) => reports.push(properties), 1000);
    observe('Product Added', { sku: 'A', price: 2 });
    observe('Product Added', { sku: 'A', price: 2, quantity: 2 });
    observe('Page Shown', { sku: 'B' });
    await clock.advance(1000);
    expect(reports).toEqual([
      { cart_id: 'id-000001', products: [{ sku: 'A', price: 2, quantity: 3 }], value: 6, currency: undefined, minutes_idle: 0 },
    ]);
  });

  it('never makes track() throw', () => {
    const { load, errors } = site();
    const page = load();
    const circular: Record<string, unknown> = { product_id: 'x' };
    circular.self = circular;
    expect(() => page.productAdded(circular)).not.toThrow();
    expect(() => page.track('Product Removed', 'nonsense' as never)).not.toThrow();
    expect(errors.map((error) => error.code)).toEqual(['invalid_event']); // the circular event, by track()
  });
});
