import type { Lock } from '../core/types.js';

/**
 * The cross-tab send lock on the Web Locks API, so one tab at a time sends the shared queue.
 * Where it is missing (older Safari, non-secure origins) every tab sends: the collector's
 * dedup on messageId absorbs any overlap.
 *
 * @example
 * const lock = createWebLock('cairn:send:KEY');
 * await lock(false, async () => sendOneBatch());
 */
export function createWebLock(name: string): Lock {
  return <T>(wait: boolean, fn: () => Promise<T>) => {
    const locks = typeof navigator != 'undefined' ? navigator.locks : undefined;
    return locks
      ? (locks.request(name, { ifAvailable: !wait }, (held) => (held ? fn() : undefined)) as Promise<T | undefined>)
      : fn();
  };
}
