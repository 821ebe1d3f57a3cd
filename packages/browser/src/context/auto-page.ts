import type { Tracker } from '../core/types.js';
import { inBrowser } from '../browser/in-browser.js';

/**
 * Automatic page views: one now, then one per client-side navigation of a single-page app
 * (history.pushState / replaceState, back / forward). A change of the hash alone, or a
 * replaceState that keeps the path and query, is no new page. The view is recorded on the
 * next task so the router has had a chance to set the new title. Does nothing outside a
 * browser (SSR).
 *
 * @example
 * autoPage(createTracker({ writeKey: 'KEY', endpoint: 'https://collect.example.com' }));
 */
export function autoPage(tracker: Pick<Tracker, 'page'>): void {
  if (!inBrowser()) return;
  let last: string | undefined;
  const check = () => {
    const url = location.pathname + location.search;
    if (url != last) {
      last = url;
      tracker.page();
    }
  };
  const later = () => setTimeout(check);
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      later();
    };
  }
  addEventListener('popstate', later);
  check();
}
