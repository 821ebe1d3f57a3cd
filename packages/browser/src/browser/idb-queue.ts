import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { Queue, QueuedEvent } from '../core/ports.js';

/**
 * The durable queue, in IndexedDB in a store of our own (`cairn`/`events` by default). Each
 * add() is one transaction writing one record: the burst's events as one array, keyed by the
 * first one's id. In Chromium a put costs ~40 µs of main thread whatever its size, and
 * reading or deleting a record as much again, so a burst of 2,000 events written one record
 * each would cost 80 ms to store and as much to delete; as one record it costs a few ms
 * (structured clone of 2,000 small objects: ~1 ms). Events come
 * back from read() oldest first by id (ULIDs sort by capture time). remove() deletes the
 * records whose events all go (the usual case: a drain sends everything) and rewrites the
 * others without them under a new key. It reads each record inside its own readwrite
 * transaction (IndexedDB runs those one at a time across tabs), so a removal in one tab (an
 * acknowledgement, a consent purge) is never undone by another tab rewriting the same record
 * from what it read earlier. idb-keyval (`createStore`, `promisifyRequest`) opens the store
 * and runs the transactions.
 *
 * read() clones every record, so what another tab removed or rewrote is never read from a
 * stale copy. (The record format changed before the first release, from two joined strings to
 * the events themselves: −74 B gzip; there are no records of the old format to migrate.)
 *
 * Where IndexedDB is missing or fails — some private modes, blocked storage, SSR, a write
 * over quota (`QuotaExceededError` aborts the transaction), an open that never settles — the
 * queue keeps the failed write's events, and all later ones, in memory for the rest of the
 * page's life; records already stored stay there for the next page load.
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
  // The records kept in memory (IndexedDB failed), and the record key of each event handed out.
  const memory = new Map<IDBValidKey, QueuedEvent[]>();
  const keys = new WeakMap<QueuedEvent, IDBValidKey>();
  const file = (key: IDBValidKey, events: QueuedEvent[]) => {
    for (const event of events) keys.set(event, key);
    return events;
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
            failed = true;
          });
  return {
    add: async (events) => {
      const key = events[0]!.id;
      const stored = await run('readwrite', (objects) => objects.put(events, key));
      if (!stored) memory.set(key, events);
      file(key, events);
      return stored;
    },
    read: async () => {
      const found = [...memory.values()].flat();
      await run('readonly', (objects) => {
        const values = objects.getAll();
        const listed = objects.getAllKeys();
        // Requests of one transaction succeed in order: the values are in by now.
        listed.onsuccess = () => listed.result.forEach((key, n) => found.push(...file(key, values.result[n] as QueuedEvent[])));
      });
      return found.sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    remove: async (events) => {
      const ids = new Set(events.map((event) => event.id));
      const gone = (event: QueuedEvent) => !ids.has(event.id);
      // Events this queue never filed (none, normally) have no record to change.
      const touched = new Set(events.map((event) => keys.get(event)!).filter(Boolean));
      await run('readwrite', (objects) => {
        for (const key of touched) {
          // The record and what earlier removals left of it (`key.`, `key..`: every other key
          // is a ULID, whose characters all sort after '/').
          const request = objects.openCursor(IDBKeyRange.bound(key, key + '/'));
          request.onsuccess = () => {
            const cursor = request.result;
            if (!cursor) return;
            const value: QueuedEvent[] = cursor.value;
            const rest = value.filter(gone);
            if (rest.length < value.length) {
              cursor.delete();
              if (rest[0]) objects.put(rest, cursor.key + '.');
            }
            cursor.continue();
          };
        }
      });
      for (const key of touched) {
        const rest = memory.get(key)?.filter(gone);
        if (rest) memory.set(key, rest);
      }
    },
  };
}
