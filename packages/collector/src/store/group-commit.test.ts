import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { collectorMetrics } from '../metrics/collector-metrics.js';
import { createMetrics } from '../metrics/metrics.js';
import { describeStoreContract } from '../testing/store-contract.js';
import { createGroupCommitStore, WriterBusyError } from './group-commit.js';
import { createSqliteStore } from './sqlite-store.js';
import type { EventRow, Store, WriteBatch } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'cairn-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshSqlite = () => createSqliteStore({ path: join(dir, `g${counter++}.db`) });

describeStoreContract('group-commit over SQLite', async () => createGroupCommitStore(freshSqlite(), { maxQueuedEvents: 10_000 }));

/** The real SQLite store, counting its writes and optionally holding them until released. */
function observed(inner: Store) {
  const writes: WriteBatch[] = [];
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const store: Store = {
    ...inner,
    write: async (batch) => {
      writes.push(batch);
      if (gate) await gate;
      return inner.write(batch);
    },
  };
  return {
    store,
    writes,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open();
    },
  };
}

const row = (messageId: string, extra: Partial<EventRow> = {}): EventRow => ({
  source: 'default',
  messageId,
  type: 'track',
  event: 'E',
  name: null,
  anonymousId: 'a',
  userId: null,
  timestamp: '2024-06-01T12:00:00.000Z',
  originalTimestamp: null,
  sentAt: null,
  receivedAt: '2024-06-01T12:00:01.000Z',
  raw: '{}',
  ...extra,
});
const batch = (...events: EventRow[]): WriteBatch => ({ events, quarantined: [] });

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('createGroupCommitStore', () => {
  it('commits concurrent writes in one transaction and answers each with its own result', async () => {
    const spy = observed(freshSqlite());
    const metrics = collectorMetrics(createMetrics());
    store = createGroupCommitStore(spy.store, { maxQueuedEvents: 1000, metrics });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store!.write(batch(row(`r${i}-a`), row(`r${i}-b`), row(`r${i}-a`)))),
    );
    expect(spy.writes).toHaveLength(1);
    expect(spy.writes[0]?.events).toHaveLength(20);
    results.forEach((result, i) => expect(result).toEqual({ inserted: [`r${i}-a`, `r${i}-b`], duplicates: [`r${i}-a`] }));
  });

  it('gives one inserted and one duplicate for the same messageId sent in two concurrent requests', async () => {
    const spy = observed(freshSqlite());
    store = createGroupCommitStore(spy.store, { maxQueuedEvents: 1000 });
    const [first, second] = await Promise.all([store.write(batch(row('same'), row('x'))), store.write(batch(row('same')))]);
    expect(spy.writes).toHaveLength(1);
    expect(first).toEqual({ inserted: ['same', 'x'], duplicates: [] });
    expect(second).toEqual({ inserted: [], duplicates: ['same'] });
  });

  it('keeps results exact when one messageId comes from two sources, one already stored', async () => {
    const spy = observed(freshSqlite());
    store = createGroupCommitStore(spy.store, { maxQueuedEvents: 1000 });
    await store.write(batch(row('id', { source: 'shop' })));
    const [fromDefault, fromShop, fromBlog] = await Promise.all([
      store.write(batch(row('id'))),
      store.write(batch(row('id', { source: 'shop' }))),
      store.write(batch(row('id', { source: 'blog' }))),
    ]);
    expect(fromDefault).toEqual({ inserted: ['id'], duplicates: [] });
    expect(fromShop).toEqual({ inserted: [], duplicates: ['id'] });
    expect(fromBlog).toEqual({ inserted: ['id'], duplicates: [] });
    // One commit for the first write, then one per repetition of the id across sources.
    expect(spy.writes.map((w) => w.events.length)).toEqual([1, 1, 1, 1]);
  });

  it('merges writes that arrive while a commit runs into the next commit', async () => {
    const spy = observed(freshSqlite());
    store = createGroupCommitStore(spy.store, { maxQueuedEvents: 1000 });
    spy.hold();
    const first = store.write(batch(row('a')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(spy.writes).toHaveLength(1);
    const later = [store.write(batch(row('b'))), store.write(batch(row('c'))), store.write(batch(row('d')))];
    spy.release();
    await Promise.all([first, ...later]);
    expect(spy.writes.map((w) => w.events.map((e) => e.messageId))).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('refuses writes with WriterBusyError once the queue is full, and reports not ready', async () => {
    const spy = observed(freshSqlite());
    const metrics = createMetrics();
    store = createGroupCommitStore(spy.store, { maxQueuedEvents: 10, metrics: collectorMetrics(metrics) });
    spy.hold();
    const inCommit = store.write(batch(...Array.from({ length: 5 }, (_, i) => row(`c${i}`))));
    await new Promise((resolve) => setImmediate(resolve));
    const queued = [store.write(batch(...Array.from({ length: 9 }, (_, i) => row(`q${i}`))))];
    await expect(store.ping()).rejects.toBeInstanceOf(WriterBusyError);
    const refused = store.write(batch(row('over-1'), row('over-2')));
    await expect(refused).rejects.toBeInstanceOf(WriterBusyError);
    expect(metrics.render()).toContain('cairn_writes_refused_total 1');
    expect(metrics.render()).toContain('cairn_write_queue_events 9');
    spy.release();
    await Promise.all([inCommit, ...queued]);
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.write(batch(row('over-1')))).toEqual({ inserted: ['over-1'], duplicates: [] });
  });

  it('admits one batch larger than the bound when the queue is empty', async () => {
    store = createGroupCommitStore(freshSqlite(), { maxQueuedEvents: 2 });
    const result = await store.write(batch(row('1'), row('2'), row('3')));
    expect(result.inserted).toHaveLength(3);
  });

  it("fails only the request with a bad row when a merged commit fails", async () => {
    store = createGroupCommitStore(freshSqlite(), { maxQueuedEvents: 1000 });
    const bad = row('bad', { type: null as unknown as string });
    const [good, poisoned] = await Promise.allSettled([store.write(batch(row('good'))), store.write(batch(bad))]);
    expect(good).toEqual({ status: 'fulfilled', value: { inserted: ['good'], duplicates: [] } });
    expect(poisoned.status).toBe('rejected');
  });

  it('after a later pass of a merged commit fails, answers the first pass’s rows as stored and writes its quarantine once', async () => {
    const spy = observed(freshSqlite());
    store = createGroupCommitStore(spy.store, { maxQueuedEvents: 1000 });
    const rejected = { source: 'default', messageId: null, receivedAt: '2024-06-01T12:00:01.000Z', code: 'invalid_event', reason: 'bad', raw: '[0]' };
    // 'id' from two sources: the shop's copy goes to a second pass, and it is a bad row.
    const [good, withQuarantine, poisoned] = await Promise.allSettled([
      store.write(batch(row('id'), row('other'))),
      store.write({ events: [row('mine')], quarantined: [rejected] }),
      store.write(batch(row('id', { source: 'shop', type: null as unknown as string }))),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: { inserted: ['id', 'other'], duplicates: [] } });
    expect(withQuarantine).toEqual({ status: 'fulfilled', value: { inserted: ['mine'], duplicates: [] } });
    expect(poisoned.status).toBe('rejected');
    expect(spy.writes.flatMap((w) => w.quarantined)).toEqual([rejected]);
    expect(spy.writes.map((w) => w.events.map((e) => `${e.source}/${e.messageId}`))).toEqual([
      ['default/id', 'default/other', 'default/mine'],
      ['shop/id'], // the failing pass
      ['shop/id'], // its request retried alone; the others had nothing left to write
    ]);
  });

  it('commits what is queued before closing, and refuses writes after', async () => {
    const path = join(dir, `close-${counter++}.db`);
    const inner = createSqliteStore({ path });
    const wrapped = observed(inner);
    store = createGroupCommitStore(wrapped.store, { maxQueuedEvents: 1000 });
    wrapped.hold();
    const pending = [store.write(batch(row('x'))), store.write(batch(row('y')))];
    const closed = store.close();
    await expect(store.write(batch(row('z')))).rejects.toThrow(/closing/);
    wrapped.release();
    await Promise.all(pending);
    await closed;
    const reopened = createSqliteStore({ path });
    expect((await reopened.readEvents({ limit: 10 })).map((r) => r.messageId)).toEqual(['x', 'y']);
    await reopened.close();
    store = undefined;
  });
});
