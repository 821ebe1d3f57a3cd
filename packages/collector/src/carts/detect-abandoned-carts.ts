import { CART_ABANDONED_EVENT, cartAbandonedMessageId } from '@cairn/protocol';
import type { CartEventRow } from '../analytics/analytics-store.js';

/** The events that open, change, close or report a cart. */
export const CART_EVENTS = ['Product Added', 'Product Removed', 'Checkout Started', 'Order Completed', CART_ABANDONED_EVENT];

/** A cart the rule reports: what its "Cart Abandoned" carries and under which messageId. */
export interface AbandonedCart {
  source: string;
  messageId: string;
  cartId: string;
  userId: string | null;
  anonymousId: string | null;
  /** When it became abandoned: its last change plus the idle time. */
  timestamp: string;
  products: Record<string, unknown>[];
  value: number;
  currency: string | undefined;
  minutesIdle: number;
}

interface Cart {
  source: string;
  id: string;
  lines: Map<string, Record<string, unknown> & { quantity: number }>;
  currency: string | undefined;
  at: number;
  checkout: boolean;
  reported: boolean;
  userId: string | null;
  anonymousId: string | null;
}

/**
 * The cart rule as a fold over the events, fed one at a time in time order, so a store can
 * stream any number of events through it: it holds the open carts, never the events.
 *
 * A cart is its `cart_id` (the commerce add-on puts its cart's id on every cart event); an
 * event without one belongs to its person's open cart, and a "Product Added" without one and
 * without an open cart opens a cart named after the person and that event's messageId. Either
 * way the id is stable from run to run, so the messageId (cartAbandonedMessageId) is too.
 *
 * @example
 * const detector = createCartDetector({ now: Date.now(), idleMs: 1_800_000 });
 * for (const row of db.prepare(sql).iterate()) detector.add(row);
 * detector.due();
 */
export function createCartDetector(options: { now: number; idleMs: number }): { add(row: CartEventRow): void; due(): AbandonedCart[] } {
  const carts = new Map<string, Cart>();
  const open = new Map<string, Cart>();

  function add(row: CartEventRow): void {
    const properties = row.properties ?? {};
    const given = idText(properties.cart_id);
    const owner = `${row.source}\u0000${row.person}`;
    let cart = given === undefined ? open.get(owner) : carts.get(`${row.source}\u0000${given}`);
    if (cart === undefined) {
      if (row.event !== 'Product Added') return;
      const id = given ?? `${row.person}:${row.messageId}`;
      cart = { source: row.source, id, lines: new Map(), currency: undefined, at: 0, checkout: false, reported: false, userId: null, anonymousId: null };
      carts.set(`${row.source}\u0000${id}`, cart);
    }
    open.set(owner, cart);
    // The person's user id, also for a cart filled before sign-in.
    cart.userId = row.person.startsWith('u:') ? row.person.slice(2) : (row.userId ?? cart.userId);
    cart.anonymousId = row.anonymousId ?? cart.anonymousId;
    const time = Date.parse(row.timestamp);
    switch (row.event) {
      case 'Product Added':
      case 'Product Removed': {
        const { cart_id: _cartId, ...product } = properties;
        const key = String(product.product_id ?? product.sku);
        const line = cart.lines.get(key);
        const added = row.event === 'Product Added';
        const quantity = Number(product.quantity) || (added ? 1 : (line?.quantity ?? 0));
        if (added) cart.lines.set(key, { ...product, quantity: quantity + (line?.quantity ?? 0) });
        else if (line && (line.quantity -= quantity) < 1) cart.lines.delete(key);
        if (typeof product.currency === 'string') cart.currency = product.currency;
        cart.at = time;
        cart.checkout = false;
        if (cart.lines.size === 0) close(cart, owner);
        break;
      }
      case 'Checkout Started':
        cart.checkout = true;
        break;
      case 'Order Completed':
        cart.lines.clear();
        close(cart, owner);
        break;
      default:
        cart.reported = true;
    }
  }

  function close(cart: Cart, owner: string) {
    carts.delete(`${cart.source}\u0000${cart.id}`);
    if (open.get(owner) === cart) open.delete(owner);
  }

  function due(): AbandonedCart[] {
    const found: AbandonedCart[] = [];
    for (const cart of carts.values()) {
      if (cart.lines.size === 0 || cart.checkout || cart.reported || cart.at + options.idleMs > options.now) continue;
      const products = [...cart.lines.values()];
      const value = products.reduce((sum, line) => sum + (Number(line.price) || 0) * line.quantity, 0);
      found.push({
        source: cart.source,
        messageId: cartAbandonedMessageId(cart.id),
        cartId: cart.id,
        userId: cart.userId,
        anonymousId: cart.anonymousId,
        timestamp: new Date(cart.at + options.idleMs).toISOString(),
        products,
        value: Math.round(value * 100) / 100,
        currency: cart.currency,
        minutesIdle: Math.round((options.now - cart.at) / 60_000),
      });
    }
    return found;
  }

  return { add, due };
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}
