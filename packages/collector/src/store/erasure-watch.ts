import type { Store } from './store.js';

/** A store whose erasures are counted, for work that must not outlive one (see erasures). */
export interface ErasureWatch {
  store: Store;
  /**
   * How many erasures have ended, or -1 while any runs. A long read that sees the same
   * non-negative count before and after ran with no erasure beside it (overlapping erasures
   * included: the count stays -1 until the last ends).
   */
  erasures(): number;
}

/**
 * Wraps a store so its erasures are counted. The abandoned-cart rule reads seconds of cart
 * events and then writes a Cart Abandoned holding a person's ids and products: a report built
 * from rows an erasure deleted meanwhile would bring the erased person back, so the rule drops
 * such a pass (and looks again at the next one). Counts this process's erasures only: another
 * collector on the same PostgreSQL database erasing during the scan is not seen.
 *
 * @example
 * const watched = watchErasures(store);
 * startCartAbandonment({ store: watched.store, erasures: watched.erasures, logger });
 */
export function watchErasures(store: Store): ErasureWatch {
  let running = 0;
  let ended = 0;
  // Own members, as the other store wrappers (and mount-console, which spreads the store) expect.
  const watched: Store = {
    ...store,
    async erase(subject) {
      running++;
      try {
        return await store.erase(subject);
      } finally {
        running--;
        ended++;
      }
    },
  };
  return { store: watched, erasures: () => (running > 0 ? -1 : ended) };
}
