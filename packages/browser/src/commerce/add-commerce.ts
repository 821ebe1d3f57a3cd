import type { CallOptions, Clock, KeyValueStorage, Properties, Tracker } from '../core/types.js';
import { createCartWatch, openCartId } from './cart-watch.js';

const CART_EVENTS = /^(Product (Added|Removed)|Checkout Started|Order Completed)$/;
import { COMMERCE_EVENTS, helperName } from './commerce-events.js';
import type { CommerceHelpers } from './types.js';

/** What the cart watch runs on: the same storage, clock and id source as a tracker's. */
export interface CommerceDeps {
  storage: KeyValueStorage;
  clock: Clock;
  ids: () => string;
}

/**
 * Gives a tracker one helper per e-commerce spec event (`productAdded(properties)` …) and the
 * cart watch: every tracked event, through a helper or plain `track()` (the stub's replay
 * included), goes past the cart, which may send "Cart Abandoned" (see createCartWatch). The
 * tracker itself is extended, so `window.cairn` and stub replay see the helpers. No DOM:
 * withCommerce() wires the browser's storage.
 *
 * @example
 * const cairn = addCommerce(tracker, { storage: createMemoryStorage(), clock: systemClock, ids: createUlid() });
 * cairn.productAdded({ product_id: 'p1', price: 18, quantity: 2 });
 */
export function addCommerce<T extends Pick<Tracker, 'track'>>(tracker: T, deps: CommerceDeps, cartIdle?: number): T & CommerceHelpers {
  const track = tracker.track;
  const observe = createCartWatch(deps.storage, deps.clock, deps.ids, (event, properties) => tracker.track(event, properties), cartIdle);
  tracker.track = (event, properties, options) => {
    // Cart events name their cart: the collector's abandoned-cart rule then tells carts apart
    // as this watch does, and both report a cart under one messageId (the collector stores a
    // "Cart Abandoned" by its cart_id), so a cart reported by both is stored once.
    if (CART_EVENTS.test(event) && !(properties && properties.cart_id != null)) {
      const id = openCartId(deps.storage) || (event == 'Product Added' ? deps.ids() : 0);
      if (id) properties = { ...properties, cart_id: id };
    }
    track(event, properties, options);
    try {
      observe(event, properties);
    } catch {
      // Only properties that cannot be serialized get here, and track() has reported them.
    }
  };
  for (const event of COMMERCE_EVENTS.split(',')) {
    (tracker as unknown as Record<string, unknown>)[helperName(event)] = (properties?: Properties, options?: CallOptions) =>
      tracker.track(event, properties, options);
  }
  return tracker as T & CommerceHelpers;
}
