import { inBrowser } from './in-browser.js';

/**
 * Calls `callback` when the page may be about to go away. `visibilitychange` to hidden is the
 * last event reliably fired on mobile (tab switch, then the OS kills it); `pagehide` covers
 * navigations in browsers that skip it. Both may fire for one exit: the callback copes.
 *
 * @example
 * onPageExit(() => sendPendingWithKeepalive());
 */
export function onPageExit(callback: () => void): void {
  if (!inBrowser()) return;
  document.addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && callback());
  addEventListener('pagehide', callback);
}
