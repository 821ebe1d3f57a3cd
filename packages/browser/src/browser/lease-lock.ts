import type { Lock } from '../core/types.js';

/** A lease not renewed for this long is free: a tab that died holding it blocks others this long at most. */
const LEASE_MS = 10_000;
/** Long enough for a competing claim written at the same moment in another tab to be visible here. */
const SETTLE_MS = 50;
/** How often a waiting holder looks again. */
const POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The send lock where the Web Locks API is missing (Safari before 15.4, insecure origins): a
 * lease in localStorage, `"<expiry ms> <holder>"`. localStorage has no compare-and-set and
 * Chromium propagates writes between tabs asynchronously, so a holder claims, waits SETTLE_MS
 * for a competing claim to land (the last writer wins), and proceeds only if the lease is
 * still its own; it renews the lease while it works and removes it after.
 *
 * The trade-off: claims that take longer than SETTLE_MS to propagate, or a holder frozen past
 * LEASE_MS mid-request, can let two tabs send at once. Such an overlap only repeats a request:
 * events keep their messageId and the collector stores each (source, messageId) once. Where
 * localStorage is blocked, `fn` runs directly: IndexedDB is then blocked too, so each tab
 * sends its own memory queue and there is nothing to share.
 *
 * @example
 * const lock = createLeaseLock('cairn:send:KEY');
 * await lock(false, async () => sendOneBatch()); // undefined if another tab holds it
 */
export function createLeaseLock(name: string, holder = String(Math.random())): Lock {
  let lease: string;
  const claim = () => localStorage.setItem(name, (lease = Date.now() + LEASE_MS + ' ' + holder));
  const mine = () => localStorage.getItem(name) == lease;
  return async (wait, fn) => {
    for (;;) {
      try {
        // Expiry first, 13 digits until 2286: a string comparison is a numeric one. `null`
        // (no lease) compares as 0.
        if (!((localStorage.getItem(name) as string) > '' + Date.now())) {
          claim();
          await sleep(SETTLE_MS);
          if (mine()) break;
        }
      } catch {
        return fn();
      }
      if (!wait) return;
      await sleep(POLL_MS);
    }
    const renew = setInterval(claim, LEASE_MS / 4);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      if (mine()) localStorage.removeItem(name);
    }
  };
}
