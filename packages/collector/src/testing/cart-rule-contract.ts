import { MAX_EVENT_BYTES, cartAbandonedMessageId } from '@cairn/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCartAbandonment, type CartAbandonment } from '../carts/cart-abandonment-rule.js';
import { createCollector } from '../collector.js';
import { utf8Length } from '../json/utf8-length.js';
import { watchErasures } from '../store/erasure-watch.js';
import type { Store } from '../store/store.js';
import { createRecordingLogger } from './collector-fixture.js';
import { HISTORY_NOW, historyBatches } from './people-history.js';
import { row } from './store-rows.js';

/**
 * The collector's abandoned-cart rule over the seeded history, for any store: which carts it
 * reports (known by construction, see people-history.ts), what it stores, and that a cart is
 * never reported twice, whether the rule or the SDK reports it first.
 */
export function describeCartRuleContract(name: string, openEmpty: () => Promise<Store>): void {
  describe(`${name}: the abandoned-cart rule`, { timeout: 30_000 }, () => {
    let store: Store;
    let rule: CartAbandonment;
    let app: ReturnType<typeof createCollector>;
    let now = HISTORY_NOW;
    beforeAll(async () => {
      store = await openEmpty();
      for (const events of historyBatches()) await store.write({ events, quarantined: [] });
      const { logger } = createRecordingLogger();
      rule = startCartAbandonment({ store, logger, idleMs: 30 * 60_000, intervalMs: 3_600_000, now: () => now });
      app = createCollector({ sources: [{ name: 'default', writeKey: 'wk' }], store, adminToken: 't', now: () => now, logger });
    }, 60_000);
    afterAll(async () => {
      rule?.stop();
      await store?.close();
    });
    const abandoned = async () => {
      const response = await app.request('/admin/api/segments/preview', { method: 'POST', headers: { authorization: 'Bearer t' }, body: JSON.stringify({ did: 'Cart Abandoned', within: 'P30D' }) });
      return ((await response.json()) as { people: { userId: string | null; anonymousIds: string[] }[] }).people.map((person) => person.userId ?? person.anonymousIds[0]).sort();
    };

    it('reports each idle cart with products once, with its products, value and currency', async () => {
      // alice, dave, erin: idle carts; bob, carol, gina ordered; frank's cart is 10 minutes old.
      expect(await rule.runOnce()).toEqual({ reported: 3, duplicates: 0 });
      expect(await abandoned()).toEqual(['alice', 'anon-dave', 'erin']);
      const [row] = await store.readEvents({ limit: 100 }).then((rows) => rows.filter((event) => event.messageId === cartAbandonedMessageId('c-alice')));
      expect(row).toMatchObject({ event: 'Cart Abandoned', userId: 'alice', anonymousId: 'anon-alice', timestamp: new Date(HISTORY_NOW - 3 * 86_400_000 + 30 * 60_000).toISOString() });
      expect(JSON.parse(row?.raw ?? '{}')).toMatchObject({
        properties: { cart_id: 'c-alice', products: [{ product_id: 'p-c-alice', price: 24, quantity: 1, currency: 'EUR' }], value: 24, currency: 'EUR', detected_by: 'collector' },
      });
      expect(await rule.runOnce()).toEqual({ reported: 0, duplicates: 0 });
    });

    it('reports a cart the SDK reports later only once (the SDK copy is a duplicate)', async () => {
      // alice comes back: her SDK reports the same cart, with its own ULID messageId.
      const response = await app.request('/v1/batch', {
        method: 'POST',
        body: JSON.stringify({
          writeKey: 'wk',
          batch: [{ type: 'track', event: 'Cart Abandoned', messageId: '01JSDKCARTABANDONED0000001', anonymousId: 'anon-alice', userId: 'alice', timestamp: new Date(now).toISOString(), properties: { cart_id: 'c-alice', products: [], value: 24, currency: 'EUR' } }],
        }),
      });
      expect(await response.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    });

    it('stores the SDK report first and the rule adds nothing for that cart', async () => {
      now = HISTORY_NOW + 60 * 60_000; // frank's cart is now 70 minutes idle
      const sdk = await app.request('/v1/batch', {
        method: 'POST',
        body: JSON.stringify({
          writeKey: 'wk',
          batch: [{ type: 'track', event: 'Cart Abandoned', messageId: '01JSDKCARTABANDONED0000002', anonymousId: 'anon-frank', userId: 'frank', timestamp: new Date(now).toISOString(), properties: { cart_id: 'c-frank', value: 18 } }],
        }),
      });
      expect(await sdk.json()).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(await rule.runOnce()).toEqual({ reported: 0, duplicates: 0 });
      expect((await store.readEvents({ limit: 500 })).filter((event) => event.event === 'Cart Abandoned').map((event) => event.userId ?? event.anonymousId).sort()).toEqual(['alice', 'anon-dave', 'erin', 'frank']);
    });
  });
  describe(`${name}: the abandoned-cart rule on a huge cart`, { timeout: 60_000 }, () => {
    it('keeps its report within the size of any ingested event: the lines that fit, the value of all, how many were left out', async () => {
      const store = await openEmpty();
      try {
        // 300 lines of ~24 KB each (every one a valid event): all of them would be a 7 MB event.
        const time = new Date(HISTORY_NOW - 3_600_000).toISOString();
        const lines = Array.from({ length: 300 }, (_, i) => {
          const properties = { cart_id: 'c-huge', product_id: `p${i}`, price: 2, a: 'x'.repeat(8000), b: 'y'.repeat(8000), c: 'z'.repeat(8000) };
          return row(`huge-${i}`, { anonymousId: 'anon-huge', timestamp: time, originalTimestamp: time, raw: JSON.stringify({ type: 'track', event: 'Product Added', messageId: `huge-${i}`, properties }) });
        });
        for (let i = 0; i < lines.length; i += 50) await store.write({ events: lines.slice(i, i + 50), quarantined: [] });
        const rule = startCartAbandonment({ store, logger: createRecordingLogger().logger, idleMs: 30 * 60_000, intervalMs: 3_600_000, now: () => HISTORY_NOW });
        rule.stop();
        expect(await rule.runOnce()).toEqual({ reported: 1, duplicates: 0 });
        const [report] = (await store.readEvents({ limit: 1000 })).filter((event) => event.event === 'Cart Abandoned');
        expect(utf8Length(report?.raw ?? '')).toBeLessThanOrEqual(MAX_EVENT_BYTES);
        const properties = (JSON.parse(report?.raw ?? '{}') as { properties: { products: unknown[]; value: number; products_omitted?: number } }).properties;
        expect(properties.products.length).toBeGreaterThan(0);
        expect(properties.products.length + (properties.products_omitted ?? 0)).toBe(300);
        expect(properties.value).toBe(600);
      } finally {
        await store.close();
      }
    });
  });
  describe(`${name}: the abandoned-cart rule beside an erasure`, { timeout: 60_000 }, () => {
    it('writes nothing from a scan an erasure ran beside (the erased cart never comes back), and reports the rest next run', async () => {
      const watched = watchErasures(await openEmpty());
      const store = watched.store;
      try {
        for (const events of historyBatches()) await store.write({ events, quarantined: [] });
        const { logger, records } = createRecordingLogger();
        // alice is erased while the rule is reading the cart events (after the scan read hers).
        const scanning: Store = {
          ...store,
          findAbandonedCarts: async (query) => {
            const due = await store.findAbandonedCarts!(query);
            await store.erase({ userId: 'alice', anonymousId: 'anon-alice' });
            return due;
          },
        };
        const rule = startCartAbandonment({ store: scanning, erasures: watched.erasures, logger, idleMs: 30 * 60_000, intervalMs: 3_600_000, now: () => HISTORY_NOW });
        rule.stop();
        expect(await rule.runOnce()).toEqual({ reported: 0, duplicates: 0 });
        expect(records.some((record) => record.msg.startsWith('cart abandonment skipped'))).toBe(true);
        const next = startCartAbandonment({ store, erasures: watched.erasures, logger, idleMs: 30 * 60_000, intervalMs: 3_600_000, now: () => HISTORY_NOW });
        next.stop();
        expect(await next.runOnce()).toEqual({ reported: 2, duplicates: 0 });
        const reports = (await store.readEvents({ limit: 500 })).filter((event) => event.event === 'Cart Abandoned');
        expect(reports.map((event) => event.userId ?? event.anonymousId).sort()).toEqual(['anon-dave', 'erin']);
      } finally {
        await store.close();
      }
    });
  });
  describe(`${name}: the abandoned-cart rule past one chunk of events`, { timeout: 60_000 }, () => {
    it('reports every idle cart however many cart events there are (the newest ones too)', async () => {
      const store = await openEmpty();
      try {
        for (const events of historyBatches()) await store.write({ events, quarantined: [] });
        // 40 more idle carts, the newest cart events of the week (1 to 40 hours ago), each
        // after an older cart that was ordered: 80 rows, many times the chunk size below.
        const bulk = Array.from({ length: 40 }, (_, i) => {
          const at = (hours: number) => new Date(HISTORY_NOW - hours * 3_600_000).toISOString();
          const event = (id: string, event: string, time: string, properties: Record<string, unknown>) =>
            row(id, { event, anonymousId: `anon-bulk-${i}`, timestamp: time, originalTimestamp: time, raw: JSON.stringify({ type: 'track', event, messageId: id, properties }) });
          return [
            event(`bulk-old-${i}`, 'Product Added', at(100 + i), { cart_id: `c-old-${i}`, product_id: 'p1', price: 5 }),
            event(`bulk-order-${i}`, 'Order Completed', at(99 + i), { cart_id: `c-old-${i}` }),
            event(`bulk-new-${i}`, 'Product Added', at(1 + i), { cart_id: `c-bulk-${i}`, product_id: 'p2', price: 7 }),
          ];
        }).flat();
        await store.write({ events: bulk, quarantined: [] });
        const { logger } = createRecordingLogger();
        const rule = startCartAbandonment({ store, logger, idleMs: 30 * 60_000, intervalMs: 3_600_000, chunkRows: 7, now: () => HISTORY_NOW });
        rule.stop();
        // alice, dave and erin of the history, and the 40 newest carts.
        expect(await rule.runOnce()).toEqual({ reported: 43, duplicates: 0 });
        const reported = (await store.readEvents({ limit: 1000 })).filter((event) => event.event === 'Cart Abandoned').map((event) => event.messageId);
        for (let i = 0; i < 40; i++) expect(reported).toContain(cartAbandonedMessageId(`c-bulk-${i}`));
        expect(await rule.runOnce()).toEqual({ reported: 0, duplicates: 0 });
      } finally {
        await store.close();
      }
    });
  });
}
