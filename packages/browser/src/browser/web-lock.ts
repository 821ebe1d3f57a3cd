import type { Lock } from '../core/types.js';
import { createLeaseLock } from './lease-lock.js';

/**
 * The cross-tab send lock on the Web Locks API, so one tab at a time reads and sends the
 * shared queue. Where the API is missing (Safari before 15.4, insecure origins) a lease in
 * localStorage stands in (see createLeaseLock for its trade-off).
 *
 * @example
 * const lock = createWebLock('cairn:send:KEY');
 * await lock(false, async () => sendOneBatch());
 */
export function createWebLock(name: string): Lock {
  const lease = createLeaseLock(name);
  return <T>(wait: boolean, fn: () => Promise<T>) => {
    const locks = typeof navigator != 'undefined' ? navigator.locks : undefined;
    return locks
      ? (locks.request(name, { ifAvailable: !wait }, (held) => (held ? fn() : undefined)) as Promise<T | undefined>)
      : lease(wait, fn);
  };
}
