// The one place the shop creates its tracker, as an app using the npm package would.
import { autoPage, createTracker, withCommerce } from '@cairn/browser';

// The collector and write key come from the page (start.mjs and the tests point them at the
// collector actually running); data-cart-idle is the build's (CART_IDLE_MS and the tests
// shorten the 30 minutes).
const config = (document.querySelector('script[data-write-key]') as HTMLScriptElement).dataset;

export const cairn = withCommerce(
  createTracker({ writeKey: config.writeKey!, endpoint: config.endpoint!, onError: (error) => console.warn('cairn:', error.code, error.message) }),
  { cartIdle: Number(config.cartIdle) || undefined },
);

// A page view for this page (and for client-side navigations, if the shop had any).
autoPage(cairn);
