import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { pack, unpack, type Packed } from '../core/packed.js';
import type { Queue, QueuedEvent } from '../core/ports.js';

/**
 * The durable queue, in IndexedDB in a store of our own (`cairn`/`events` by default). Each
 * add() is one transaction writing one record: the burst's events packed together, keyed by
 * the first one's id. In Chromium a put costs ~40 µs of main thread whatever its size, and
 * reading or deleting a record as much again, so a burst of 2,000 events written one record
 * each would cost 80 ms to store and as much to delete; packed it costs a few ms. Events come
 * back from read() oldest first by id (ULIDs sort by capture time). remove() deletes the
 * records whose events all go (the usual case: a drain sends everything) and rewrites the
 * others without them under a new key. It reads each record inside its own readwrite
 * transaction (IndexedDB runs those one at a time across tabs), so a removal in one tab (an
 * acknowledgement, a consent purge) is never undone by another tab rewriting the same record
 * from what it read earlier. idb-keyval (`createStore`, `promisifyRequest`) opens the store
 * and runs the transactions.
 *
 * Every record this page wrote or read is also kept in memory, by key: read() lists the keys
 * and clones only the records it does not know yet (a drain mostly reads the burst just
 * written). A record never changes under its key (what is left of it gets a new one), so a
 * record another tab rewrote or deleted is simply no longer listed, and no stale copy is used.
 *
 * Where IndexedDB is missing or fails — some private modes, blocked storage, SSR, a write
 * over quota (`QuotaExceededError` aborts the transaction), an open that never settles — the
 * queue goes on with those in-memory records alone for the rest of the page's life, the
 * failed call's included; records already stored stay there for the next page load.
 *
 * @example
 * const queue = createIdbQueue();
 * await queue.add([{ id: '01H…', json: '{…}', bytes: 5 }]);
 * await queue.remove(await queue.read());
 */
export function createIdbQueue(dbName = 'cairn', storeName = 'events', openTimeoutMs = 5000): Queue {
  let store: UseStore | undefined;
  let opened: Promise<unknown> | undefined;
  // IndexedDB failed: memory only from then on.
  let failed = false;
  // The records known to this page, by key, and the key of each of their events.
  const records = new Map<IDBValidKey, QueuedEvent[]>();
  const keys = new WeakMap<QueuedEvent, IDBValidKey>();
  const file = (key: IDBValidKey, events: QueuedEvent[]) => {
    records.set(key, events);
    events.forEach((event) => keys.set(event, key));
  };
  /** Runs `op` in a transaction; resolves true once it committed, undefined (memory from now on) if IndexedDB failed. */
  const run = (mode: IDBTransactionMode, op: (store: IDBObjectStore) => void): Promise<unknown> =>
    failed
      ? Promise.resolve()
      : (opened ||= new Promise((resolve, reject) => {
          // A throw here (no indexedDB at all) rejects too.
          (store = createStore(dbName, storeName))('readonly', () => 0).then(resolve, reject);
          // Seen in private windows and with a version change pending in another tab: an open
          // whose callbacks never fire would hold every event back.
          setTimeout(reject, openTimeoutMs);
        }))
          .then(() =>
            store!(mode, (objects) => {
              op(objects);
              return promisifyRequest(objects.transaction).then(() => true);
            }),
          )
          .catch(() => {
            // Only this page's events from now on: the stored ones wait for the next page load.
            if (!failed) records.clear();
            failed = true;
          });
  return {
    add: async (events) => {
      const key = events[0]!.id;
      const stored = await run('readwrite', (objects) => objects.put(pack(events), key));
      file(key, events);
      return stored;
    },
    read: async () => {
      const others: [IDBValidKey, IDBRequest<Packed>][] = [];
      const listed: IDBValidKey[] = [];
      const stored = await run('readonly', (objects) => {
        const request = objects.getAllKeys();
        request.onsuccess = () => {
          for (const key of request.result) listed.push(key), records.has(key) || others.push([key, objects.get(key)]);
        };
      });
      if (stored) {
        for (const key of records.keys()) if (!listed.includes(key)) records.delete(key);
        for (const [key, { result }] of others) file(key, unpack(result));
      }
      return [...records.values()].flat().sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    remove: async (events) => {
      const ids = new Set(events.map((event) => event.id));
      // Events this queue never filed (none, normally) have no record to change.
      const touched = new Set(events.map((event) => keys.get(event)!).filter(Boolean));
      const stored = await run('readwrite', (objects) => {
        for (const key of touched) {
          // The record and what earlier removals left of it (`key.`, `key..`: every other key
          // is a ULID, whose characters all sort after '/').
          const request = objects.openCursor(IDBKeyRange.bound(key, key + '/'));
          request.onsuccess = () => {
            const cursor = request.result;
            if (!cursor) return;
            const value = unpack(cursor.value);
            const rest = value.filter((event) => !ids.has(event.id));
            if (rest.length < value.length) {
              cursor.delete();
              if (rest[0]) objects.put(pack(rest), cursor.key + '.');
            }
            cursor.continue();
          };
        }
      });
      for (const key of touched) {
        const rest = records.get(key)?.filter((event) => !ids.has(event.id));
        records.delete(key);
        // Stored: the next read() takes the rest as IndexedDB has it now.
        if (!stored && rest?.[0]) file(key + '.', rest);
      }
    },
  };
}
