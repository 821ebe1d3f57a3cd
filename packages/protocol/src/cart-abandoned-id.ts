/**
 * The one messageId of a cart's "Cart Abandoned" event, whoever detects it: the browser SDK's
 * commerce add-on (the visitor came back) or the collector's scheduled rule (the visitor did
 * not). Both derive it from the cart's id, so when both report the same cart the collector's
 * dedup on (source, messageId) stores it once, whichever arrives first.
 *
 * Two independent 53-bit hashes (cyrb53, seeds 0 and 1) of the cart id: synchronous and
 * dependency-free, so it runs in the SDK as well as on the server; 106 bits make a collision
 * between two carts of one source negligible. Not a security boundary.
 *
 * @example
 * cartAbandonedMessageId('cart-7f3a') // 'cart-abandoned-…' (the same string on every call)
 */
export function cartAbandonedMessageId(cartId: string): string {
  return `cart-abandoned-${hash53(cartId, 0)}${hash53(cartId, 1)}`;
}

/** The event name both sides emit for an abandoned cart. */
export const CART_ABANDONED_EVENT = 'Cart Abandoned';

function hash53(text: string, seed: number): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36).padStart(11, '0');
}
