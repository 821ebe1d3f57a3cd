import type { Queue, QueuedEvent } from '../core/types.js';

/**
 * A record: the ids of its events joined by spaces, their JSON joined by newlines (JSON text
 * never holds a raw one). Two strings clone into IndexedDB and back at memcpy speed; an array
 * of event objects takes 2–3 times as long. Sizes are not kept: an event is measured when it
 * is first sent (records of an earlier version carry a third element, ignored).
 */
type Packed = [ids: string, json: string];

const pack = (events: QueuedEvent[]): Packed => [events.map((event) => event.id).join(' '), events.map((event) => event.json).join('\n')];

/**
 * Settles with an IndexedDB request or transaction. Ours rather than idb-keyval's
 * promisifyRequest, the one part of that library the queue used: smaller in the script tag.
 */
const done = <T>(request: IDBRequest<T> | IDBTransaction) =>
  new Promise<T>((resolve, reject) => {
    (request as IDBRequest).onsuccess = (request as IDBTransaction).oncomplete = () => resolve((request as IDBRequest<T>).result);
    request.onerror = (request as IDBTransaction).onabort = reject;
  });

/**
 * The durable queue, in IndexedDB in a store of our own (`cairn`/`events` by default). Each
 * add() is one transaction writing one record: the burst's events packed together, keyed by
 * the first one's id. In Chromium a put costs ~40 µs of main thread whatever its size, and
 * reading or deleting a record as much again, so a burst of 2,000 events written one record
 * each would cost 80 ms to store and as much to delete; packed it costs a few ms. Events come
 * back from read() oldest first by id (ULIDs sort by capture time). remove() deletes the
 * records whose events all go (the usual case: a drain sends everything) and rewrites the
 * others without them, in one transaction, so another tab's write never interleaves.
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
  let db: Promise<IDBDatabase> | undefined;
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
      : (db ||= new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(dbName);
          request.onupgradeneeded = () => request.result.createObjectStore(storeName);
          done(request).then(resolve, reject);
          // Seen in private windows and with a version change pending in another tab: an open
          // whose callbacks never fire would hold every event back.
          setTimeout(reject, openTimeoutMs);
        }))
          .then((idb) => {
            const transaction = idb.transaction(storeName, mode);
            op(transaction.objectStore(storeName));
            return done(transaction).then(() => true);
          })
          .catch(() => {
            // Only this page's events from now on: the stored ones wait for the next page load.
            if (!failed) records.clear();
            failed = true;
          });
  return {
    add: async (events) => {
      const key = events[0]!.id;
      await run('readwrite', (store) => store.put(pack(events), key));
      file(key, events);
    },
    read: async () => {
      const others: [IDBValidKey, IDBRequest<Packed>][] = [];
      const listed: IDBValidKey[] = [];
      const stored = await run('readonly', (store) => {
        const request = store.getAllKeys();
        request.onsuccess = () => {
          for (const key of request.result) listed.push(key), records.has(key) || others.push([key, store.get(key)]);
        };
      });
      if (stored) {
        for (const key of records.keys()) if (!listed.includes(key)) records.delete(key);
        for (const [key, { result }] of others) {
          const texts = result[1].split('\n');
          file(key, result[0].split(' ').map((id, n) => ({ id, json: texts[n]!, bytes: 0 })));
        }
      }
      return [...records.values()].flat().sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    // Deletes each record the events are in and writes the rest of its events as known under a
    // new key, without reading it: a record only ever shrinks, so at worst the rest names an
    // event another tab removed meanwhile, which is then sent again (the collector's dedup
    // absorbs the copy).
    remove: async (events) => {
      const ids = new Set(events.map((event) => event.id));
      const changes: [IDBValidKey, string, QueuedEvent[]][] = [];
      for (const key of new Set(events.map((event) => keys.get(event)))) {
        const known = records.get(key!);
        if (known) changes.push([key!, key + '.', known.filter((event) => !ids.has(event.id))]);
      }
      await run('readwrite', (store) => {
        for (const [key, next, rest] of changes) {
          store.delete(key);
          if (rest[0]) store.put(pack(rest), next);
        }
      });
      for (const [key, next, rest] of changes) {
        records.delete(key);
        if (rest[0]) file(next, rest);
      }
    },
  };
}
