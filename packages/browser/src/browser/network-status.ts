import { SCRIPT_TAG } from '../core/build-flags.js';
import { inBrowser } from './in-browser.js';

/**
 * Whether the device has a network: `navigator.onLine` is false only when it surely has none
 * (true may still mean a captive portal, which the retries cover). True outside a browser.
 *
 * @example
 * if (!isOnline()) waitForOnline();
 */
// In the script tag, navigator.onLine is always a boolean; elsewhere it may be missing.
export const isOnline = (): boolean => (SCRIPT_TAG ? navigator.onLine : !inBrowser() || navigator.onLine !== false);

/**
 * Calls `callback` each time the device comes back online, so sending resumes at once rather
 * than at the next poll.
 *
 * @example
 * onOnline(() => sendNow());
 */
export function onOnline(callback: () => void): void {
  if (inBrowser()) addEventListener('online', callback);
}
