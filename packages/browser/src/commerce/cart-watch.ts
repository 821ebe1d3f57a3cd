import { readJson } from '../context/stored-json.js';
import type { Clock, KeyValueStorage, Properties } from '../core/types.js';
import type { CartAbandonedProperties, Product } from './types.js';

const KEY = 'cairn:cart';

type CartLine = Product & { quantity: number };

/** Default `cartIdle`: a cart untouched this long (30 minutes) counts as abandoned. */
export const CART_IDLE = 18e5;

/**
 * The id of the visitor's open cart (one with products), else undefined. The commerce add-on
 * puts it on cart events sent without a `cart_id`, so the collector's abandoned-cart rule knows
 * the cart by the same id as this watch, and both derive the same "Cart Abandoned" messageId.
 *
 * @example
 * openCartId(storage) // '01J…' while the cart holds products
 */
export function openCartId(storage: KeyValueStorage): string | undefined {
  const cart = readJson(storage, KEY);
  return cart.lines && Object.keys(cart.lines)[0] ? cart.id : undefined;
}

/**
 * Keeps the visitor's cart from the events themselves and reports abandoned carts.
 *
 * The rule, per cart (one record in storage, shared by the site's tabs, kept across pages):
 * - "Product Added" opens a cart if there is none (cart_id: the event's `cart_id`, else a new
 *   id), adds its `quantity` (default 1) to the line of that product_id (else sku) and
 *   restarts the idle clock. "Product Removed" takes its `quantity` off the line, or the
 *   whole line without one. Both undo a "Checkout Started". An emptied cart is gone.
 * - "Checkout Started" marks the cart: a checkout left unfinished is not a cart abandonment.
 *   "Order Completed" ends the cart.
 * - A cart with products, not checked out and untouched for `idle` ms, sends one
 *   "Cart Abandoned" `{cart_id, products, value, currency, minutes_idle}`; checked at start-up
 *   (the next page load) and by a timer while a page is open. At most once per cart: products
 *   added later restart the clock but keep the cart_id, and it is not reported again; after an
 *   order or an emptied cart the next "Product Added" opens a new cart.
 * Visitors who never come back are left to the collector (a server-side rule).
 *
 * Returns the observer every tracked event goes through.
 *
 * @example
 * const observe = createCartWatch(storage, systemClock, ids, tracker.track);
 * observe('Product Added', { product_id: 'p1', price: 18 });
 */
export function createCartWatch(
  storage: KeyValueStorage,
  clock: Clock,
  ids: () => string,
  emit: (event: string, properties: CartAbandonedProperties) => void,
  idle?: number,
) {
  const idleMs = idle || CART_IDLE;
  let armed: unknown;

  function check() {
    armed = 0;
    const cart = readJson(storage, KEY);
    if (!cart.lines || cart.checkout || cart.reported) return;
    const idleFor = clock.now() - cart.at;
    if (idleFor < idleMs) {
      // One timer chain per page: a cart touched meanwhile only moves the deadline on.
      armed = clock.setTimeout(check, idleMs - idleFor);
      return;
    }
    cart.reported = 1;
    storage.set(KEY, JSON.stringify(cart));
    const products: CartLine[] = Object.values(cart.lines);
    const value = products.reduce((sum, line) => sum + (+line.price! || 0) * line.quantity, 0);
    emit('Cart Abandoned', {
      cart_id: cart.id,
      products,
      value: Math.round(value * 100) / 100,
      currency: cart.currency,
      minutes_idle: Math.round(idleFor / 6e4),
    });
  }

  check();
  return (event: string, properties?: Properties) => {
    const cart = readJson(storage, KEY);
    const lines: Record<string, CartLine> = (cart.lines = cart.lines || {});
    const added = event == 'Product Added';
    if (added || event == 'Product Removed') {
      const { cart_id, ...product } = properties || {};
      const key = String(product.product_id || product.sku);
      const line = lines[key];
      const quantity = +(product.quantity as number) || (added ? 1 : line ? line.quantity : 0);
      if (added) lines[key] = { ...product, quantity: quantity + (line ? line.quantity : 0) };
      else if (line && (line.quantity -= quantity) < 1) delete lines[key];
      cart.id = cart.id || cart_id || ids();
      cart.currency = product.currency || cart.currency;
      cart.at = clock.now();
      cart.checkout = 0;
    } else if (event == 'Checkout Started') cart.checkout = 1;
    else if (event == 'Order Completed') cart.lines = {};
    else return;
    if (Object.keys(cart.lines)[0]) {
      storage.set(KEY, JSON.stringify(cart));
      if (!armed) check();
    } else {
      // No line left: the cart is gone, and the next "Product Added" opens a new one.
      storage.set(KEY);
    }
  };
}
