import { createLocalStorage } from '../browser/local-storage.js';
import { createUlid } from '../browser/ulid.js';
import { CairnError } from '../core/cairn-error.js';
import { systemClock } from '../core/clock.js';
import type { Tracker } from '../core/types.js';
import { addCommerce } from './add-commerce.js';
import type { CommerceHelpers } from './types.js';

export interface CommerceOptions {
  /**
   * A cart untouched this many ms sends one "Cart Abandoned" (the rule: createCartWatch).
   * Default 1,800,000 (30 min).
   */
  cartIdle?: number;
}

/**
 * Opt-in e-commerce for a browser tracker: typed helpers for every Segment e-commerce v2
 * event and cart-abandonment detection, the cart kept in localStorage across pages and tabs.
 * Not in the script-tag build (its byte budget); bundlers drop it when unused.
 * Throws `invalid_option` on a bad `cartIdle`.
 *
 * @example
 * import { createTracker, withCommerce } from '@cairn/browser';
 *
 * const cairn = withCommerce(createTracker({ writeKey: 'KEY', endpoint: 'https://collect.example.com' }));
 * cairn.productAdded({ product_id: 'summit', sku: 'RC-SUM-340', name: 'Summit Blend', price: 18, quantity: 1, currency: 'USD' });
 * cairn.orderCompleted({ order_id: 'o-1', total: 18, currency: 'USD', products: [{ product_id: 'summit', quantity: 1 }] });
 */
export function withCommerce<T extends Pick<Tracker, 'track'>>(tracker: T, options: CommerceOptions = {}): T & CommerceHelpers {
  const { cartIdle } = options;
  if (cartIdle != null && !(cartIdle > 0 && cartIdle < 1 / 0)) throw new CairnError('invalid_option', 'invalid option: cartIdle');
  return addCommerce(tracker, { storage: createLocalStorage(), clock: systemClock, ids: createUlid() }, cartIdle);
}
