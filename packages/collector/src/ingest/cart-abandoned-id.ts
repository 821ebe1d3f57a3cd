import { CART_ABANDONED_EVENT, cartAbandonedMessageId } from '@cairn/protocol';
import type { Stage } from './stage.js';

/**
 * One "Cart Abandoned" per cart, whoever reports it: a track "Cart Abandoned" carrying a
 * `properties.cart_id` is stored under the cart's derived messageId (cartAbandonedMessageId,
 * shared with the collector's abandoned-cart rule), so the SDK's report of a cart the collector
 * already reported, or the reverse, is a duplicate. The SDK's own id stays in the raw JSON.
 * (The SDK's public track() takes no messageId, so the add-on cannot send the derived id
 * itself; this stage makes both sides agree.)
 *
 * @example
 * // {"type":"track","event":"Cart Abandoned","messageId":"01J…","properties":{"cart_id":"c1"}}
 * // → stored with messageId cartAbandonedMessageId('c1')
 */
export const cartAbandonedId: Stage = {
  name: 'cart-abandoned-id',
  run(draft) {
    const { event } = draft;
    if (event.type !== 'track' || event.event !== CART_ABANDONED_EVENT) return draft;
    const properties = event.properties as Record<string, unknown> | null | undefined;
    const cartId = properties !== null && typeof properties === 'object' ? properties.cart_id : undefined;
    if ((typeof cartId !== 'string' || cartId === '') && !(typeof cartId === 'number' && Number.isFinite(cartId))) return draft;
    return { ...draft, messageId: cartAbandonedMessageId(String(cartId)) };
  },
};
