import { promisifyRequest } from 'idb-keyval';
import { createMemoryQueue } from '../core/memory-queue.js';
import type { Queue } from '../core/types.js';

/**
 * The durable queue: one IndexedDB record per event in a store of our own (`cairn`/`events`
 * by default), keyed by messageId so records come back in capture order. Each add() is one
 * transaction, resolved on commit: only then is an event durable.
 *
 * Where IndexedDB is missing or fails — some private modes, blocked storage, SSR, a write
 * over quota (`QuotaExceededError` aborts the transaction), an open that never settles — the
 * queue falls back to memory for the rest of the page's life and keeps working; records
 * already stored stay there for the next page load.
 *
 * @example
 * const queue = createIdbQueue();
 * await queue.add([{ id: '01H…', json: '{…}', bytes: 5 }]);
 * await queue.read(100);
 */
export function createIdbQueue(dbName = 'cairn', storeName = 'events', openTimeoutMs = 5000): Queue {
  let db: Promise<IDBDatabase> | undefined;
  /** Runs `op` in a transaction; resolves with its request's result once the transaction committed. */
  const run = (mode: IDBTransactionMode, op: (store: IDBObjectStore) => unknown) =>
    (db ||= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName);
      promisifyRequest(request).then(resolve, reject);
      // Seen in private windows and with a version change pending in another tab: an open
      // whose callbacks never fire would hold every event back.
      setTimeout(reject, openTimeoutMs);
    })).then((idb) => {
      const transaction = idb.transaction(storeName, mode);
      const request = op(transaction.objectStore(storeName)) as IDBRequest | undefined;
      return promisifyRequest(transaction).then(() => request?.result);
    });
  const memory = createMemoryQueue();
  let queue: Queue = {
    add: (events) => run('readwrite', (store) => events.forEach((event) => store.put(event, event.id))),
    read: (limit) => run('readonly', (store) => store.getAll(null, limit)),
    remove: (ids) => run('readwrite', (store) => ids.forEach((id) => store.delete(id))),
  };
  const fallback: Record<string, unknown> = {};
  for (const method of ['add', 'read', 'remove'] as const) {
    const call = (target: Queue, arg: unknown) => (target[method] as (arg: unknown) => Promise<unknown>)(arg);
    fallback[method] = (arg: unknown) => call(queue, arg).catch(() => call((queue = memory), arg));
  }
  return fallback as unknown as Queue;
}
