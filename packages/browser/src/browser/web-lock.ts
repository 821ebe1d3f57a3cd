import type { Lock } from '../core/types.js';
import { inBrowser } from './in-browser.js';

/**
 * The cross-tab send lock on the Web Locks API, so one tab at a time reads and sends the
 * shared queue. `undefined` where the API is missing (Safari before 15.4, insecure origins,
 * SSR): tabs then send uncoordinated, and the collector's dedup on messageId stores an event
 * two tabs both sent once (see createSender and docs/benchmarks.md, "Tabs without Web Locks").
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
