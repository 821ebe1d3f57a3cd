// The shop's own cart (what it would keep server-side in real life). The SDK keeps its own copy
// from the events, for cart abandonment; this one drives the pages.
import { findProduct, type CatalogProduct } from './catalog.js';

const KEY = 'storefront:cart';

export interface SiteCart {
  id: string;
  items: { product_id: string; quantity: number }[];
}

export interface CartLine extends CatalogProduct {
  quantity: number;
}

export function loadCart(): SiteCart {
  try {
    const cart = JSON.parse(localStorage.getItem(KEY) || 'null') as SiteCart | null;
    if (cart && Array.isArray(cart.items)) return cart;
  } catch {
    // A damaged cart starts over.
  }
  return { id: 'cart-' + crypto.randomUUID().slice(0, 8), items: [] };
}

export function saveCart(cart: SiteCart): void {
  localStorage.setItem(KEY, JSON.stringify(cart));
}

export function clearCart(): void {
  localStorage.removeItem(KEY);
}

/** The cart's lines with their product details, ready for an event's `products`. */
export function cartLines(cart: SiteCart): CartLine[] {
  return cart.items.flatMap((item) => {
    const product = findProduct(item.product_id);
    return product ? [{ ...product, quantity: item.quantity }] : [];
  });
}

export const cartTotal = (lines: CartLine[]) => Math.round(lines.reduce((sum, line) => sum + line.price * line.quantity, 0) * 100) / 100;
