import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleReads } from '../console/console-reads.js';
import type { EventRow, Store } from '../store/store.js';

/** A fresh store and the console's reads on the same database. */
export interface ConsoleReadsRig {
  store: Store;
  reads: ConsoleReads;
  dispose(): Promise<void>;
}

const event = (n: number, extra: Partial<EventRow> & { context?: unknown } = {}): EventRow => {
  const { context, ...columns } = extra;
  const row: EventRow = {
    source: 'web',
    messageId: `m${n}`,
    type: 'track',
    event: 'Product Added',
    name: null,
    anonymousId: `a${n % 3}`,
    userId: n % 2 === 0 ? `u${n % 4}` : null,
    timestamp: `2024-06-01T1${n % 3}:30:00.000Z`,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: `2024-06-01T12:00:0${n}.000Z`,
    raw: '',
    ...columns,
  };
  row.raw = JSON.stringify({ type: row.type, event: row.event, messageId: row.messageId, context: context ?? { device: { type: n % 2 === 0 ? 'mobile' : 'desktop' } } });
  return row;
};

/**
 * What the console's reads answer on every store (SQLite, PostgreSQL), from rows written through
 * the store (its overview rollups included): run it from each store's test with a fresh rig.
 */
export function describeConsoleReadsContract(name: string, open: () => Promise<ConsoleReadsRig>): void {
  describe(`${name}: console reads`, () => {
    let rig: ConsoleReadsRig;
    beforeEach(async () => {
      rig = await open();
    });
    afterEach(async () => {
      await rig.dispose();
    });

    it('pages events newest first by receive time, filters them, tails them and opens one', async () => {
      await rig.store.write({ events: [0, 1, 2, 3, 4, 5].map((n) => event(n, n === 5 ? { source: 'app', type: 'page', event: null, name: 'Home' } : {})), quarantined: [] });
      const all = await rig.reads.listEvents({ filters: {}, limit: 10 });
      expect(all.map((e) => e.messageId)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1', 'm0']);
      expect(all[1]).toEqual({
        source: 'web', messageId: 'm4', type: 'track', event: 'Product Added', name: null, userId: 'u0', anonymousId: 'a1',
        timestamp: '2024-06-01T11:30:00.000Z', receivedAt: '2024-06-01T12:00:04.000Z', device: 'mobile',
      });
      const page = await rig.reads.listEvents({ filters: {}, limit: 2, before: { receivedAt: '2024-06-01T12:00:04.000Z', source: 'web', messageId: 'm4' } });
      expect(page.map((e) => e.messageId)).toEqual(['m3', 'm2']);
      expect((await rig.reads.listEvents({ filters: { source: 'app' }, limit: 10 })).map((e) => e.messageId)).toEqual(['m5']);
      expect((await rig.reads.listEvents({ filters: { device: 'desktop', type: 'track' }, limit: 10 })).map((e) => e.messageId)).toEqual(['m3', 'm1']);
      expect((await rig.reads.listEvents({ filters: { userId: 'u2' }, limit: 10 })).map((e) => e.messageId)).toEqual(['m2']);
      expect((await rig.reads.listEvents({ filters: { anonymousId: 'a0', event: 'Product Added' }, limit: 10 })).map((e) => e.messageId)).toEqual(['m3', 'm0']);
      const since = await rig.reads.eventsSince({ after: { receivedAt: '2024-06-01T12:00:03.000Z', source: 'web', messageId: 'm3' }, limit: 10 });
      expect(since.map((e) => e.messageId)).toEqual(['m4', 'm5']);
      expect(await rig.reads.getEvent({ source: 'web', messageId: 'm1' })).toMatchObject({ messageId: 'm1', raw: expect.stringContaining('"m1"'), normalized: null });
      expect(await rig.reads.getEvent({ source: 'app', messageId: 'm1' })).toBeUndefined();
    });

    it('answers the overview from the rollups written with the events; resends count as duplicates only', async () => {
      const campaign = { device: { type: 'tablet' }, campaign: { source: 'news', medium: 'email', name: 'june', msclkid: 'x' }, consent: { categoryPreferences: { analytics: true, marketing: false } } };
      const rows = [event(0), event(1), event(2, { context: campaign }), event(3, { source: 'app', context: campaign })];
      await rig.store.write({ events: rows, quarantined: [] });
      await rig.store.write({ events: rows.slice(0, 2), quarantined: [{ source: 'web', messageId: 'q', receivedAt: '2024-06-01T12:00:09.000Z', code: 'invalid_event', reason: 'r', raw: '{}' }] });
      const parts = await rig.reads.overview({ from: '2024-06-01T00:00:00.000Z', to: '2024-06-02T00:00:00.000Z' });
      expect(parts).toEqual({
        hours: [{ hour: '2024-06-01T10', events: 2 }, { hour: '2024-06-01T11', events: 1 }, { hour: '2024-06-01T12', events: 1 }],
        top: [{ type: 'track', label: 'Product Added', events: 4 }],
        devices: [{ device: 'tablet', events: 2 }, { device: 'desktop', events: 1 }, { device: 'mobile', events: 1 }],
        campaigns: [{ utmSource: 'news', utmMedium: 'email', utmCampaign: 'june', adPlatform: 'microsoft', events: 2 }],
        consent: [{ category: 'analytics', granted: 2, denied: 0 }, { category: 'marketing', granted: 0, denied: 2 }],
        users: 2,
        anonymousIds: 3,
        accepted: 4,
        duplicates: 2,
        rejected: 1,
      });
      const web = await rig.reads.overview({ from: '2024-06-01T11:00:00.000Z', to: '2024-06-01T13:00:00.000Z', source: 'web' });
      expect(web).toMatchObject({ hours: [{ hour: '2024-06-01T11', events: 1 }, { hour: '2024-06-01T12', events: 1 }], users: 2, accepted: 3, duplicates: 2, rejected: 1 });
      const empty = await rig.reads.overview({ from: '2024-07-01T00:00:00.000Z', to: '2024-07-02T00:00:00.000Z' });
      expect(empty).toMatchObject({ hours: [], top: [], users: 0, accepted: 0, duplicates: 0, rejected: 0 });
    });

    it('counts people exactly over ranges across months, each id once', async () => {
      const seen = (n: number, userId: string, timestamp: string, source = 'web') =>
        event(n, { userId, anonymousId: `anon-${userId}`, timestamp, source, receivedAt: '2024-06-10T00:00:00.000Z' });
      await rig.store.write({
        events: [
          seen(0, 'x', '2024-05-31T23:00:00.000Z'),
          seen(1, 'x', '2024-06-01T01:00:00.000Z'),
          seen(2, 'x', '2024-06-01T02:00:00.000Z', 'app'),
          seen(3, 'y', '2024-06-05T12:00:00.000Z'),
          seen(4, 'z', '2024-05-02T12:00:00.000Z'),
        ],
        quarantined: [],
      });
      const people = async (from: string, to: string, source?: string) => {
        const parts = await rig.reads.overview({ from, to, ...(source ? { source } : {}) });
        return [parts.users, parts.anonymousIds];
      };
      expect(await people('2024-05-31T00:00:00.000Z', '2024-06-02T00:00:00.000Z')).toEqual([1, 1]);
      expect(await people('2024-05-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z')).toEqual([3, 3]);
      expect(await people('2024-06-02T00:00:00.000Z', '2024-06-05T00:00:00.000Z')).toEqual([0, 0]);
      expect(await people('2024-06-03T00:00:00.000Z', '2024-06-06T00:00:00.000Z')).toEqual([1, 1]);
      expect(await people('2024-05-02T00:00:00.000Z', '2024-05-03T00:00:00.000Z')).toEqual([1, 1]);
      expect(await people('2024-06-01T00:00:00.000Z', '2024-06-02T00:00:00.000Z', 'app')).toEqual([1, 1]);
    });

    it('counts, lists and opens the quarantine', async () => {
      const q = (messageId: string, code: string, source = 'web') => ({ source, messageId, receivedAt: '2024-06-01T12:00:00.000Z', code, reason: `bad ${messageId}`, raw: '{}' });
      await rig.store.write({ events: [], quarantined: [q('q1', 'plan_violation'), q('q2', 'invalid_event'), q('q3', 'plan_violation', 'app')] });
      expect(await rig.reads.quarantineCounts({})).toEqual([{ code: 'plan_violation', count: 2 }, { code: 'invalid_event', count: 1 }]);
      expect(await rig.reads.quarantineCounts({ source: 'app' })).toEqual([{ code: 'plan_violation', count: 1 }]);
      const list = await rig.reads.listQuarantine({ limit: 10 });
      expect(list.map((r) => r.messageId)).toEqual(['q3', 'q2', 'q1']);
      expect((await rig.reads.listQuarantine({ limit: 10, code: 'plan_violation', before: list[0]?.id })).map((r) => r.messageId)).toEqual(['q1']);
      expect(await rig.reads.getQuarantine({ id: list[2]?.id ?? 0 })).toMatchObject({ messageId: 'q1', reason: 'bad q1' });
      expect(await rig.reads.getQuarantine({ id: 999_999 })).toBeUndefined();
      expect(await rig.store.deleteQuarantine([list[0]?.id ?? 0, 999_999])).toBe(1);
      expect((await rig.store.readQuarantine({ limit: 10, code: 'plan_violation' })).map((r) => r.messageId)).toEqual(['q1']);
      expect((await rig.store.readQuarantine({ limit: 10, ids: [list[1]?.id ?? 0] })).map((r) => r.messageId)).toEqual(['q2']);
    });
  });
}
