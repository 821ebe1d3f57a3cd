import type { Tracker } from '../core/types.js';

/**
 * Runs `fn` with the tracker cairn.js installs as `window.cairn`: now if it is there, else the
 * moment cairn.js sets it (before it replays its stub's calls). For the script-tag add-ons,
 * which load in any order beside cairn.js. A hook another add-on set on `window.cairn` is
 * kept and runs first, so several add-ons can wait for the same tracker.
 *
 * @example
 * onTracker((tracker) => withCommerce(tracker));
 */
export function onTracker(fn: (tracker: Tracker) => void): void {
  let value = (window as { cairn?: unknown }).cairn;
  if (value && !Array.isArray(value)) return fn(value as Tracker);
  const previous = Object.getOwnPropertyDescriptor(window, 'cairn');
  Object.defineProperty(window, 'cairn', {
    configurable: true,
    enumerable: true,
    get: () => (previous?.get ? previous.get() : value),
    set(next: unknown) {
      if (previous?.set) previous.set(next);
      else value = next;
      if (next && !Array.isArray(next)) fn(next as Tracker);
    },
  });
}
