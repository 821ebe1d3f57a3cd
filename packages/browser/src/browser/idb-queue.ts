import { createStore, promisifyRequest } from 'idb-keyval';
import { createMemoryQueue } from '../core/memory-queue.js';
import type { Queue } from '../core/types.js';

/**
 * The durable queue: one IndexedDB record per event in a store of our own (`cairn`/`events`
 * by default), keyed by messageId so records come back in capture order, valued by the
 * event's JSON string (a string is the cheapest thing to structured-clone). Each add() is one
 * transaction. Where IndexedDB is missing or fails (some private modes, SSR, quota), the
 * queue falls back to memory for the rest of the page's life.
 *
 * @example
 * const queue = createIdbQueue();
 * await queue.add([{ id: '01H…', json: '{…}' }]);
 * await queue.read(100);
 */
export function createIdbQueue(dbName = 'cairn', storeName = 'events'): Queue {
  const store = createStore(dbName, storeName);
  // Writes resolve on commit, not on request success: only then is an event durable.
  const write = (op: (store: IDBObjectStore) => void) =>
    store('readwrite', (s) => (op(s), promisifyRequest(s.transaction)));
  const memory = createMemoryQueue();
  // Methods are async so that a missing `indexedDB` (a synchronous throw) rejects too.
  let queue: Queue = {
    add: async (events) => write((s) => events.forEach((event) => s.put(event.json, event.id))),
    read: async (limit) => {
      // One transaction for both: keys and values describe the same records.
      const [keys, values] = await store('readonly', (s) =>
        Promise.all([promisifyRequest(s.getAllKeys(null, limit)), promisifyRequest(s.getAll(null, limit))]),
      );
      return keys.map((id, i) => ({ id: id as string, json: values[i] }));
    },
    remove: async (ids) => write((s) => ids.forEach((id) => s.delete(id))),
  };
  return {
    add: (events) => queue.add(events).catch(() => (queue = memory).add(events)),
    read: (limit) => queue.read(limit).catch(() => (queue = memory).read(limit)),
    remove: (ids) => queue.remove(ids).catch(() => (queue = memory).remove(ids)),
  };
}
