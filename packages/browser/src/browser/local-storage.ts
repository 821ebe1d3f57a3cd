import { attempt } from '../core/attempt.js';
import type { KeyValueStorage } from '../core/ports.js';
import { inBrowser } from './in-browser.js';

/**
 * localStorage behind a cache. Reading localStorage costs a few µs a call in Chromium and the
 * identity is read on every event, so values are read once; the `storage` event, fired here
 * when another tab writes, keeps the cache current (identify() or reset() in another tab
 * applies here too). Nothing is touched before the first call (SSR-safe). Where localStorage
 * is blocked (Safari with all cookies blocked throws on access) or full, values live in
 * memory for this page (`set` then returns undefined). `changed` hears of each key another tab wrote, after the cache took it
 * (a consent decision made in another tab applies here at once).
 *
 * @example
 * createLocalStorage((key) => key == 'cairn:consent' && consent.reload()).get('cairn:aid');
 */
export function createLocalStorage(changed?: (key: string) => void): KeyValueStorage {
  let cache: Record<string, string | null> = {};
  if (inBrowser()) {
    addEventListener('storage', (event) => {
      // A null key is localStorage.clear() in the other tab.
      if (event.key == null) cache = {};
      else {
        cache[event.key] = event.newValue;
        changed?.(event.key);
      }
    });
  }
  return {
    get: (key) => (key in cache ? cache[key] : (cache[key] = attempt(() => localStorage.getItem(key)) ?? null)),
    set(key, value) {
      // Kept in the cache whatever localStorage does.
      cache[key] = value ?? null;
      return attempt(() => (value == null ? localStorage.removeItem(key) : localStorage.setItem(key, value), 1));
    },
    keys: () => attempt(() => Object.keys(localStorage)) || [],
  };
}
