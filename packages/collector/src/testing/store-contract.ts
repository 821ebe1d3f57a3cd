import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow, Store } from '../store/store.js';
import { describeQuarantineContract } from './store-contract-quarantine.js';
import { bad, row } from './store-rows.js';

/**
 * The behaviour every Store must share (SQLite, PostgreSQL): run it from each store's test
 * file with a factory that opens a fresh, empty store. Only the public interface is used, so
 * a store passing it can back the collector.
 */
export function describeStoreContract(name: string, openEmpty: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openEmpty();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores each (source, messageId) once and reports resends as duplicates', async () => {
      const first = await store.write({ events: [row('a'), row('b')], quarantined: [] });
      expect(first).toEqual({ inserted: ['a', 'b'], duplicates: [] });
      const again = await store.write({ events: [row('b'), row('c'), row('c')], quarantined: [] });
      expect(again).toEqual({ inserted: ['c'], duplicates: ['b', 'c'] });
      // The same messageId under another source is another event.
      const other = await store.write({ events: [row('a', { source: 'shop' })], quarantined: [] });
      expect(other).toEqual({ inserted: ['a'], duplicates: [] });
    });

    it('keeps quarantined rows readable in id order, filtered by source and paged', async () => {
      await store.write({
        events: [],
        quarantined: [bad('q1'), bad('q2', { source: 'shop' }), bad('q3')],
      });
      const all = await store.readQuarantine({ limit: 10 });
      expect(all.map((r) => r.messageId)).toEqual(['q1', 'q2', 'q3']);
      expect(all[0]).toMatchObject({ source: 'default', code: 'invalid_event', reason: 'bad type', raw: '{"userId":"u-q1"}' });
      const firstId = all[0]?.id ?? 0;
      expect((await store.readQuarantine({ limit: 10, afterId: firstId })).map((r) => r.messageId)).toEqual(['q2', 'q3']);
      expect((await store.readQuarantine({ limit: 1 })).map((r) => r.messageId)).toEqual(['q1']);
      expect((await store.readQuarantine({ limit: 10, source: 'shop' })).map((r) => r.messageId)).toEqual(['q2']);
    });

    it('replays: inserts fixed events, deletes their quarantine rows, and dedup still holds', async () => {
      await store.write({ events: [row('kept')], quarantined: [bad('q1'), bad('q2')] });
      const [q1, q2] = await store.readQuarantine({ limit: 10 });
      const result = await store.replay({ events: [row('q1'), row('kept')], resolvedIds: [q1?.id ?? -1] });
      expect(result).toEqual({ inserted: ['q1'], duplicates: ['kept'] });
      expect((await store.readQuarantine({ limit: 10 })).map((r) => r.id)).toEqual([q2?.id]);
    });

    it('erases every event and quarantine row of a user or anonymous id, and no one else’s', async () => {
      await store.write({
        events: [row('1', { userId: 'u1' }), row('2', { anonymousId: 'anon-9' }), row('3', { userId: 'u2' })],
        quarantined: [bad('q1', { raw: '{"userId":"u1"}' }), bad('q2', { raw: 'not json' })],
      });
      expect(await store.erase({ userId: 'u1' })).toEqual({ events: 1, quarantine: 1 });
      expect(await store.erase({ anonymousId: 'anon-9' })).toEqual({ events: 1, quarantine: 0 });
      expect(await store.erase({ userId: 'nobody' })).toEqual({ events: 0, quarantine: 0 });
      const rest = await store.write({ events: [row('3', { userId: 'u2' })], quarantined: [] });
      expect(rest.duplicates).toEqual(['3']); // u2's row is still there
      await expect(store.erase({})).rejects.toThrow();
    });

    it('deletes events received before the retention cutoff only', async () => {
      await store.write({
        events: [
          row('old', { receivedAt: '2024-01-01T00:00:00.000Z' }),
          row('new', { receivedAt: '2024-03-01T00:00:00.000Z' }),
        ],
        quarantined: [],
      });
      expect(await store.deleteOlderThan('2024-02-01T00:00:00.000Z')).toBe(1);
      const again = await store.write({ events: [row('new'), row('old')], quarantined: [] });
      expect(again).toEqual({ inserted: ['old'], duplicates: ['new'] });
    });

    it('reads events for an export in (source, timestamp, messageId) pages, filtered by time and source', async () => {
      await store.write({
        events: [
          row('b2', { timestamp: '2024-06-02T00:00:00.000Z' }),
          row('a1', { timestamp: '2024-06-01T00:00:00.000Z' }),
          row('c1', { timestamp: '2024-06-01T00:00:00.000Z' }),
          row('s1', { source: 'shop', timestamp: '2024-05-01T00:00:00.000Z', normalized: '{"n":1}' }),
        ],
        quarantined: [],
      });
      const ids = (rows: EventRow[]) => rows.map((r) => `${r.source}/${r.messageId}`);
      const all = await store.readEvents({ limit: 10 });
      expect(ids(all)).toEqual(['default/a1', 'default/c1', 'default/b2', 'shop/s1']);
      expect(all[3]).toEqual(row('s1', { source: 'shop', timestamp: '2024-05-01T00:00:00.000Z', normalized: '{"n":1}' }));
      const first = await store.readEvents({ limit: 2 });
      const last = first[1] as EventRow;
      const next = await store.readEvents({ limit: 2, after: last });
      expect(ids([...first, ...next])).toEqual(ids(all));
      expect(ids(await store.readEvents({ limit: 10, source: 'default', after: last }))).toEqual(['default/b2']);
      expect(ids(await store.readEvents({ limit: 10, source: 'shop' }))).toEqual(['shop/s1']);
      const june1 = { from: '2024-06-01T00:00:00.000Z', to: '2024-06-02T00:00:00.000Z' };
      expect(ids(await store.readEvents({ limit: 10, ...june1 }))).toEqual(['default/a1', 'default/c1']);
      expect(ids(await store.readEvents({ limit: 10, ...june1, source: 'shop' }))).toEqual([]);
    });

    it('counts events per source, type and name, and quarantine per source and code', async () => {
      await store.write({
        events: [row('1'), row('2'), row('3', { type: 'page', event: null, name: 'Home' }), row('4', { source: 'shop' })],
        quarantined: [bad('q1'), bad('q2'), bad('q3', { code: 'event_too_large' }), bad('q4', { source: null })],
      });
      expect(await store.stats()).toEqual({
        events: [
          { source: 'default', type: 'page', event: null, count: 1 },
          { source: 'default', type: 'track', event: 'Product Added', count: 2 },
          { source: 'shop', type: 'track', event: 'Product Added', count: 1 },
        ],
        quarantine: expect.arrayContaining([
          { source: 'default', code: 'event_too_large', count: 1 },
          { source: 'default', code: 'invalid_event', count: 2 },
          { source: null, code: 'invalid_event', count: 1 },
        ]),
      });
      expect((await store.stats()).quarantine).toHaveLength(3);
    });

    it('answers ping while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
  describeQuarantineContract(name, openEmpty);
}
