import type { Tracker } from '../core/types.js';
import { inBrowser } from '../browser/in-browser.js';

/**
 * Calls `onNavigate` after each client-side navigation of a single-page app
 * (history.pushState / replaceState, back / forward) that changes the path or query: a change
 * of the hash alone, or a replaceState that keeps the path and query, is no new page. Called on
 * the next task, so the router has had a chance to set the new title. The page as it is now
 * counts as seen. Used by `autoPage` and by the script tag's SPA add-on, dist/cairn-spa.js.
 *
 * @example
 * followNavigation(() => tracker.page());
 */
export function followNavigation(onNavigate: () => void): void {
  const path = () => location.pathname + location.search;
  let last = path();
  const later = () =>
    setTimeout(() => {
      if (path() != last) {
        last = path();
        onNavigate();
      }
    });
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      later();
    };
  }
  addEventListener('popstate', later);
}

/**
 * Automatic page views: one now, then one per client-side navigation of a single-page app
 * (see `followNavigation`). Does nothing outside a browser (SSR). The script tag's
 * `data-auto-page` sends the view on load only; dist/cairn-spa.js adds the navigations.
 *
 * @example
 * autoPage(createTracker({ writeKey: 'KEY', endpoint: 'https://collect.example.com' }));
 */
export function autoPage(tracker: Pick<Tracker, 'page'>): void {
  if (!inBrowser()) return;
  tracker.page();
  followNavigation(() => tracker.page());
}
