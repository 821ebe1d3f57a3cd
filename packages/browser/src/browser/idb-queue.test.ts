import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDeps, options, settle } from '../../test-support/test-kit.js';
import { createTrackerCore } from '../core/tracker.js';
import { createIdbQueue } from './idb-queue.js';

let n = 0;
const freshName = () => `cairn-test-${++n}`;
const record = (id: string) => {
  const json = JSON.stringify({ type: 'track', messageId: id });
  return { id, json, bytes: json.length };
};

/** The store's records as [key, ids of the events in it]. */
function records(name: string) {
  return new Promise<[IDBValidKey, string[]][]>((resolve) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => {
      const store = open.result.transaction('events').objectStore('events');
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => {
        open.result.close();
        resolve(keys.result.map((key, i) => [key, values.result[i].map((event: { id: string }) => event.id)]));
      };
    };
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('createIdbQueue', () => {
  it('returns records in key order and removes by id', async () => {
    const queue = createIdbQueue(freshName());
    await queue.add([record('01B'), record('01A')]);
    await queue.add([record('01C')]);
    expect((await queue.read()).map((event) => event.id)).toEqual(['01A', '01B', '01C']);
    expect((await queue.read()).slice(0, 2)).toEqual([record('01A'), record('01B')]);
    await queue.remove((await queue.read()).filter((event) => event.id != '01B'));
    // What is left is read back from IndexedDB as it is now.
    expect(await queue.read()).toEqual([record('01B')]);
  });

  it('stores a write as one record; what is left of a record after a removal gets a new key', async () => {
    const name = freshName();
    const queue = createIdbQueue(name);
    const burst = ['01A', '01B', '01C', '01D'].map(record);
    await queue.add(burst);
    expect(await records(name)).toEqual([['01A', ['01A', '01B', '01C', '01D']]]);
    await queue.remove(burst.slice(0, 2)); // the objects it was given: no read needed
    expect(await records(name)).toEqual([['01A.', ['01C', '01D']]]);
    // Another page load removes what it read, across records.
    await queue.add([record('01E')]);
    const later = createIdbQueue(name);
    await later.remove((await later.read()).filter((event) => event.id != '01D'));
    expect(await records(name)).toEqual([['01A..', ['01D']]]);
    await later.remove(await later.read());
    expect(await records(name)).toEqual([]);
  });

  it('reads its own records from memory, and never a copy another page has changed since', async () => {
    const name = freshName();
    const page = createIdbQueue(name);
    await page.add(['01A', '01B', '01C'].map(record));
    const get = vi.spyOn(IDBObjectStore.prototype, 'get');
    expect((await page.read()).map((event) => event.id)).toEqual(['01A', '01B', '01C']);
    expect(get).not.toHaveBeenCalled();
    const other = createIdbQueue(name);
    await other.remove((await other.read()).slice(0, 1));
    expect((await page.read()).map((event) => event.id)).toEqual(['01B', '01C']);
    await other.remove(await other.read());
    expect(await page.read()).toEqual([]);
  });

  it('is durable: another connection (a later page load) sees the records', async () => {
    const name = freshName();
    await createIdbQueue(name).add([record('01A')]);
    expect(await createIdbQueue(name).read()).toEqual([record('01A')]);
  });

  it('uses a database of its own (cairn/events), not a shared default one', async () => {
    await createIdbQueue().add([record('01A')]);
    const databases = await indexedDB.databases();
    expect(databases.map((db) => db.name)).toContain('cairn');
  });

  // Issue #11 case 10: two tabs, each with the record in memory, remove different events of it
  // at once (one acknowledges, the other purges): neither removal is undone by the other.
  it('never undoes another tab’s removal by rewriting a record from a stale copy', async () => {
    const name = freshName();
    const burst = ['01A', '01B', '01C', '01D'].map(record);
    const tabA = createIdbQueue(name);
    await tabA.add(burst);
    const tabB = createIdbQueue(name);
    const seenByB = await tabB.read();
    await tabA.read();
    await Promise.all([tabA.remove([burst[0]!]), tabB.remove([seenByB[1]!])]);
    expect((await records(name)).flatMap(([, ids]) => ids).sort()).toEqual(['01C', '01D']);
    // And a third removal after both, from A's now stale knowledge, still finds the rest.
    await tabA.remove([burst[2]!]);
    expect((await records(name)).flatMap(([, ids]) => ids)).toEqual(['01D']);
    expect((await createIdbQueue(name).read()).map((event) => event.id)).toEqual(['01D']);
  });

  it('falls back to memory when indexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const queue = createIdbQueue(freshName());
    await queue.add([record('01B'), record('01C')]);
    await queue.remove((await queue.read()).slice(0, 1));
    expect(await queue.read()).toEqual([record('01C')]);
  });

  it('falls back to memory when opening the database fails (private mode)', async () => {
    vi.stubGlobal('indexedDB', {
      open() {
        const request: { error?: Error; onerror?: () => void } = { error: new Error('InvalidStateError') };
        setTimeout(() => request.onerror?.(), 0);
        return request;
      },
    });
    const queue = createIdbQueue(freshName());
    await queue.add([record('01A')]);
    expect(await queue.read()).toEqual([record('01A')]);
  });

  it('falls back to memory when an open never settles', async () => {
    vi.stubGlobal('indexedDB', { open: () => ({}) });
    const queue = createIdbQueue(freshName(), 'events', 20);
    await queue.add([record('01A')]);
    expect(await queue.read()).toEqual([record('01A')]);
  });

  it('falls back to memory on QuotaExceededError, keeping the events of the failed write', async () => {
    const queue = createIdbQueue(freshName());
    await queue.add([record('01A')]);
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await queue.add([record('01B'), record('01C')]);
    put.mockRestore();
    await queue.add([record('01D')]);
    // 01A stays in IndexedDB for the next page load; this page goes on in memory.
    expect(await queue.read()).toEqual([record('01B'), record('01C'), record('01D')]);
  });
});

describe('createIdbQueue under the tracker', () => {
  function setup() {
    const env = createTestDeps({ queue: createIdbQueue(freshName()) });
    const tracker = createTrackerCore({ ...options, flushInterval: 60_000, flushAt: 1000 }, env.deps);
    return { ...env, tracker };
  }

  it('writes a burst of track() calls in one IndexedDB transaction', async () => {
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const { tracker, queue, ...env } = setup();
    for (let i = 0; i < 100; i++) tracker.track('Burst', { i });
    await env.clock.advance(100);
    await settle(10);
    const writes = transaction.mock.calls.filter(([, mode]) => mode == 'readwrite');
    expect(writes).toHaveLength(1);
    const stored = await queue.read();
    expect(stored).toHaveLength(100);
    expect(stored.map((event) => JSON.parse(event.json).properties.i)).toEqual([...Array(100).keys()]);
  });

  it('keeps delivering after a QuotaExceededError, and reports nothing lost', async () => {
    const onError = vi.fn();
    const env = createTestDeps({ queue: createIdbQueue(freshName()) });
    const tracker = createTrackerCore({ ...options, onError }, env.deps);
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    for (let i = 0; i < 5; i++) tracker.track('E', { i });
    await tracker.flush();
    expect(env.net.sent().map((event) => (event.properties as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    expect(onError).not.toHaveBeenCalled();
  });

  it('deletes records only after a 2xx', async () => {
    const { tracker, queue, net, clock } = setup();
    net.answers.push({ status: 503 }, new TypeError('offline'));
    tracker.track('A');
    const flushed = tracker.flush();
    await clock.advance(600); // 1st attempt failed, backoff 500 ms, 2nd attempt failed
    expect(net.calls).toHaveLength(2);
    expect(await queue.read()).toHaveLength(1);
    await clock.advance(5000);
    await flushed;
    expect(net.calls).toHaveLength(3);
    expect(await queue.read()).toEqual([]);
  });
});
