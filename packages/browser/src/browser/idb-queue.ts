import { promisifyRequest } from 'idb-keyval';
import { createMemoryQueue } from '../core/memory-queue.js';
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
 * The durable queue, in IndexedDB in a store of our own (`cairn`/`events` by default). Each
 * add() is one transaction writing one record: the burst's events packed together, keyed by
 * the first one's id. In Chromium a put costs ~40 µs of main thread whatever its size, and
 * reading or deleting a record as much again, so a burst of 2,000 events written one record
 * each would cost 80 ms to store and as much to delete; packed it costs a few ms. Events come
 * back from read() oldest first by id (ULIDs sort by capture time). remove() deletes the
 * records whose events all go (the usual case: a drain sends everything) and rewrites the
 * others without them, in one transaction, so another tab's write never interleaves. This
 * page's own records are also kept in memory until their events are acknowledged.
 *
 * Where IndexedDB is missing or fails — some private modes, blocked storage, SSR, a write
 * over quota (`QuotaExceededError` aborts the transaction), an open that never settles — the
 * queue falls back to memory for the rest of the page's life and keeps working; records
 * already stored stay there for the next page load.
 *
 * @example
 * const queue = createIdbQueue();
 * await queue.add([{ id: '01H…', json: '{…}', bytes: 5 }]);
 * await queue.remove(await queue.read(100));
 */
export function createIdbQueue(dbName = 'cairn', storeName = 'events', openTimeoutMs = 5000): Queue {
  let db: Promise<IDBDatabase> | undefined;
  /** Runs `op` in a transaction; resolves with its requests' results once the transaction committed. */
  const run = (mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest[] | void) =>
    (db ||= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName);
      promisifyRequest(request).then(resolve, reject);
      // Seen in private windows and with a version change pending in another tab: an open
      // whose callbacks never fire would hold every event back.
      setTimeout(reject, openTimeoutMs);
    })).then((idb) => {
      const transaction = idb.transaction(storeName, mode);
      const requests = op(transaction.objectStore(storeName)) || [];
      return promisifyRequest(transaction).then(() => requests.map((request) => request.result));
    });
  // The record holding each event this page wrote or read: its key, and its events as known then.
  const records = new WeakMap<QueuedEvent, [IDBValidKey, QueuedEvent[]]>();
  const file = (key: IDBValidKey, events: QueuedEvent[]) => {
    const record: [IDBValidKey, QueuedEvent[]] = [key, events];
    events.forEach((event) => records.set(event, record));
    return events;
  };
  // The records this page wrote, by key: read() takes their events from here rather than
  // cloning them back out of IndexedDB (a drain mostly reads the burst just written). A record
  // never changes under its key (what is left of it gets a new one), so a record another tab
  // rewrote or deleted is simply no longer listed, and no stale copy is used.
  const own = new Map<IDBValidKey, QueuedEvent[]>();
  const memory = createMemoryQueue();
  let queue: Queue = {
    add: (events) =>
      run('readwrite', (store) => {
        store.put(pack(events), events[0]!.id);
        own.set(events[0]!.id, file(events[0]!.id, events));
      }) as Promise<never>,
    read: (limit) => {
      let listed: IDBValidKey[] = [];
      const others: [IDBValidKey, IDBRequest<Packed>][] = [];
      return run('readonly', (store) => {
        const keys = store.getAllKeys();
        keys.onsuccess = () => {
          for (const key of (listed = keys.result)) if (!own.has(key)) others.push([key, store.get(key)]);
        };
      }).then(() => {
        for (const key of own.keys()) if (!listed.includes(key)) own.delete(key);
        const read = others.map(([key, { result }]) => {
          const texts = result[1].split('\n');
          return file(key, result[0].split(' ').map((id, n) => ({ id, json: texts[n]!, bytes: 0 })));
        });
        return [...own.values(), ...read]
          .flat()
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .slice(0, limit);
      });
    },
    // Deletes each record the events are in and writes the rest of its events as known under a
    // new key, without reading it: a record only ever shrinks, so at worst the rest names an
    // event another tab removed meanwhile, which is then sent again (the collector's dedup
    // absorbs the copy).
    remove: (events) =>
      run('readwrite', (store) => {
        const ids = new Set(events.map((event) => event.id));
        for (const record of new Set(events.map((event) => records.get(event)))) {
          if (!record) continue;
          const [key, known] = record;
          const rest = known.filter((event) => !ids.has(event.id));
          store.delete(key);
          own.delete(key);
          if (rest[0]) {
            const next = key + '.';
            store.put(pack(rest), next);
            own.set(next, file(next, rest));
          }
        }
      }) as Promise<never>,
  };
  // IndexedDB failed: memory from now on, starting with the call that failed.
  const safe =
    <K extends keyof Queue>(method: K) =>
    (arg: never) =>
      (queue[method] as (arg: never) => Promise<never>)(arg).catch(() => ((queue = memory)[method] as (arg: never) => Promise<never>)(arg));
  return { add: safe('add'), read: safe('read'), remove: safe('remove') };
}
