import type { Lock } from '../core/types.js';
import { inBrowser } from './in-browser.js';

/**
 * The cross-tab send lock on the Web Locks API, so one tab at a time reads and sends the
 * shared queue. `undefined` where the API is missing (Safari before 15.4, insecure origins,
 * SSR): the sender then lets each tab send only the events it wrote, and the ones other tabs
 * left unsent (see createSender). That rule replaced a lease in localStorage, which cost ~150
 * bytes of the script tag, polled, and could still let two tabs send at once.
 *
 * @example
 * const lock = createWebLock('cairn:send:KEY');
 * await lock?.(false, async () => sendOneBatch()); // undefined if another tab holds it
 */
export function createWebLock(name: string): Lock | undefined {
  const locks = inBrowser() ? navigator.locks : undefined;
  return (
    locks &&
    (<T>(wait: boolean, fn: () => Promise<T>) =>
      locks.request(name, { ifAvailable: !wait }, (held) => (held ? fn() : undefined)) as Promise<T | undefined>)
  );
}
