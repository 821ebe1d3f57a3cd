import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '../collector.js';
import type { Store } from '../store/store.js';
import { createRecordingLogger } from './collector-fixture.js';
import { CONTEXT_HISTORY } from './context-history.js';
import { HISTORY_NOW, historyBatches } from './people-history.js';
import { row } from './store-rows.js';

const TOKEN = 'admin-secret';
type Steps = { event: string; people: number; medianSeconds: number | null }[];
type Faults = { error: { code: string; faults: { path: string; message: string }[] } };

/**
 * The query semantics of segments and funnels that must be the same on every store: context
 * conditions (page path, consent, campaign, click-id platform), type-strict comparisons,
 * numeric strings, the population of a `not`, paging, repeated funnel steps and strict dates.
 * Over HISTORY and CONTEXT_HISTORY (testing/context-history.ts states the answers), through
 * the HTTP API; run it from each store's test file with a factory opening a fresh, empty store.
 */
export function describeAnalyticsQueryContract(name: string, openEmpty: () => Promise<Store>): void {
  describe(`${name}: segment and funnel query semantics`, { timeout: 30_000 }, () => {
    let store: Store;
    let app: ReturnType<typeof createCollector>;
    const call = async (path: string, body: unknown) => {
      const response = await app.request(path, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    type Preview = { count: number; people: { userId: string | null; anonymousIds: string[] }[]; warnings: { path: string; message: string }[] };
    const preview = async (definition: unknown, query = '') => (await call(`/admin/api/segments/preview${query}`, definition)).json as unknown as Preview;
    const who = (people: Preview['people']) => people.map((person) => person.userId ?? person.anonymousIds.join('+'));
    const users = async (definition: unknown) => {
      const result = await preview(definition);
      expect(result.count, JSON.stringify(definition)).toBe(result.people.length);
      return who(result.people).sort();
    };
    const deals = (where: Record<string, unknown>, window: Record<string, unknown> = { within: 'P7D' }) => users({ did: 'Deal Viewed', where, ...window });
    const funnel = async (definition: unknown) => (await call('/admin/api/funnels/preview', definition)).json as { steps: Steps; breakdown?: { value: string | null; steps: Steps }[]; warnings: unknown[] };
    const byValue = (result: Awaited<ReturnType<typeof funnel>>) => Object.fromEntries((result.breakdown ?? []).map((group) => [String(group.value), group.steps.map((step) => step.people)]));
    const faultPaths = async (path: string, body: unknown) => {
      const response = await call(path, body);
      expect(response.status).toBe(400);
      return (response.json as unknown as Faults).error.faults;
    };

    beforeAll(async () => {
      store = await openEmpty();
      for (const events of [...historyBatches(), ...historyBatches(CONTEXT_HISTORY)]) await store.write({ events, quarantined: [] });
      app = createCollector({ sources: [{ name: 'default', writeKey: 'wk' }], store, adminToken: TOKEN, now: () => HISTORY_NOW,
        adminRateLimit: { requestsPerSecond: 0, burst: 0 }, logger: createRecordingLogger().logger });
    }, 60_000);
    afterAll(async () => {
      await store?.close();
    });

    it('filters on the context: page path, consent granted, campaign medium and name', async () => {
      expect(await deals({ 'context.page.path': '/deals/boots' })).toEqual(['anon-ivy']);
      expect(await deals({ 'context.page.path': { contains: '/deals' } })).toEqual(['anon-ivy', 'henry']);
      expect(await deals({ 'context.consent.categoryPreferences.marketing': true })).toEqual(['henry']);
      expect(await deals({ 'context.consent.categoryPreferences.marketing': false })).toEqual(['anon-ivy']);
      expect(await deals({ 'context.campaign.medium': 'cpc' })).toEqual(['henry']);
      expect(await deals({ 'context.campaign.name': 'winter-sale', 'context.campaign.source': { in: ['google', 'facebook'] } })).toEqual(['anon-ivy', 'henry']);
    });

    it('filters on the click-id platform (a virtual path over gclid, fbclid, msclkid …)', async () => {
      expect(await deals({ 'context.campaign.clickIdPlatform': 'google' })).toEqual(['henry']);
      expect(await deals({ 'context.campaign.clickIdPlatform': 'meta' })).toEqual(['anon-ivy']);
      expect(await deals({ 'context.campaign.clickIdPlatform': { in: ['meta', 'microsoft'] } }, { from: '2026-05-01' })).toEqual(['anon-ivy', 'anon-kim']);
      expect(await deals({ 'context.campaign.clickIdPlatform': { exists: true } })).toEqual(['anon-ivy', 'henry']);
      expect(await users({ did: 'Product Added', where: { 'context.campaign.clickIdPlatform': { exists: true } }, within: 'P7D' })).toEqual([]);
      expect(await users({ did: 'Product Added', where: { 'context.campaign.clickIdPlatform': { exists: false } }, within: 'P7D' })).toHaveLength(7);
      const faults = await faultPaths('/admin/api/segments/preview', { did: 'Deal Viewed', where: { 'context.campaign.clickIdPlatform': 'gogle' } });
      expect(faults).toEqual([{ path: 'where["context.campaign.clickIdPlatform"]', message: expect.stringContaining('google, linkedin, meta, microsoft') }]);
    });

    it('compares type-strictly: true is not 1, "30" is not 30', async () => {
      expect(await deals({ 'properties.flag': 1 })).toEqual(['anon-ivy']);
      expect(await deals({ 'properties.flag': true })).toEqual(['henry']);
      expect(await deals({ 'properties.flag': { in: [true] } })).toEqual(['henry']);
      expect(await deals({ 'properties.flag': { in: [1] } })).toEqual(['anon-ivy']);
      expect(await deals({ 'properties.flag': { in: [1, true] } })).toEqual(['anon-ivy', 'henry']);
      expect(await deals({ 'properties.price': 30 })).toEqual([]);
      expect(await deals({ 'properties.price': '30' })).toEqual(['henry']);
      expect(await deals({ 'properties.price': { in: [25, '30'] } })).toEqual(['anon-ivy', 'henry']);
    });

    it('takes ne as "not equal", type-strict, absent keys included', async () => {
      expect(await deals({ 'properties.flag': { ne: 1 } })).toEqual(['henry']);
      expect(await deals({ 'properties.flag': { ne: true } })).toEqual(['anon-ivy']);
      expect(await deals({ 'context.campaign.medium': { ne: 'cpc' } })).toEqual(['anon-ivy']);
      expect(await deals({ 'properties.nowhere': { ne: 'x' } })).toEqual(['anon-ivy', 'henry']);
      expect(await deals({ 'properties.nowhere': { ne: 'x' }, 'properties.flag': { exists: true } })).toEqual(['anon-ivy', 'henry']);
      expect(await faultPaths('/admin/api/segments/preview', { did: 'Deal Viewed', where: { 'properties.flag': { ne: [1] } } })).toEqual([
        { path: 'where["properties.flag"].ne', message: expect.stringContaining('must be a string') },
      ]);
    });

    it('compares a number with numeric strings as numbers; a string operand compares text', async () => {
      expect(await deals({ 'properties.price': { gt: 20 } })).toEqual(['anon-ivy', 'henry']);
      expect(await deals({ 'properties.price': { gt: 26 } })).toEqual(['henry']);
      expect(await deals({ 'properties.price': { lte: 25 } })).toEqual(['anon-ivy']);
      expect(await deals({ 'properties.price': { gte: 30 } })).toEqual(['henry']);
      expect(await deals({ 'properties.price': { gt: '20' } })).toEqual(['henry']);
    });

    it('reads a not among the people seen in the definition\'s window, and counts beyond the page', async () => {
      // kim was seen 200 days ago only: not among "did not add to cart in the last 7 days".
      expect(await users({ not: { did: 'Product Added', within: 'P7D' } })).toEqual(['anon-ivy', 'henry']);
      // Traits only: the people seen in the last 90 days.
      const notPro = await preview({ not: { trait: 'plan', equals: 'pro' } });
      expect(who(notPro.people).sort()).toEqual(['alice', 'anon-dave', 'anon-ivy', 'bob', 'carol', 'erin', 'gina', 'henry']);
      const page = await preview({ not: { trait: 'plan', equals: 'pro' } }, '?limit=3&offset=1');
      expect(page.count).toBe(8);
      expect(who(page.people)).toEqual(who(notPro.people).slice(1, 4));
      const past = await preview({ not: { trait: 'plan', equals: 'pro' } }, '?limit=3&offset=50');
      expect([past.count, past.people.length]).toEqual([8, 0]);
    });

    it('takes between two dates: a date alone is UTC midnight, to is exclusive', async () => {
      expect(await deals({}, { from: '2026-12-04', to: '2026-12-05' })).toEqual(['henry']);
      expect(await deals({}, { from: '2026-12-05' })).toEqual(['anon-ivy']);
      expect(await deals({}, { from: '2026-05-01', to: '2026-06-01T00:00:00+02:00' })).toEqual(['anon-kim']);
      expect(await users({ did: 'Deal Viewed', atLeast: 2, within: 'P7D' })).toEqual(['henry']);
    });

    it('refuses dates that are not ISO 8601 with a zone, and a funnel window past 400 days', async () => {
      const faults = await faultPaths('/admin/api/segments/preview', {
        any: [{ did: 'A', from: '2026-02-30' }, { did: 'A', from: '2026-12-01 (anything)' }, { did: 'A', from: '2026-12-01T09:00:00' }, { did: 'A', from: '2026-12-01T09:00:00+01:00' }],
      });
      expect(faults.map((fault) => fault.path)).toEqual(['any[0].from', 'any[1].from', 'any[2].from']);
      const funnelFaults = await faultPaths('/admin/api/funnels/preview', { steps: [{ event: 'A' }, { event: 'B' }], within: 'P100000D', to: '2026-13-01' });
      expect(funnelFaults.map((fault) => fault.path)).toEqual(['within', 'to']);
      expect(funnelFaults[0]?.message).toContain('P400D');
    });

    it('reads a number in a path as an array position (from the end when negative), or as an object key', async () => {
      const time = new Date(HISTORY_NOW - 3_600_000).toISOString();
      const listed = (id: string, properties: Record<string, unknown>) =>
        row(id, { event: 'List Viewed', anonymousId: `anon-${id}`, timestamp: time, originalTimestamp: time, raw: JSON.stringify({ type: 'track', event: 'List Viewed', messageId: id, properties }) });
      await store.write({ events: [listed('list-1', { products: [{ sku: 'A1' }, { sku: 'B2' }], tags: ['x', 'y'] }), listed('list-2', { products: { 0: { sku: 'A1' } }, tags: { '-1': 'y' } })], quarantined: [] });
      const lists = (where: Record<string, unknown>) => users({ did: 'List Viewed', where, within: 'P1D' });
      expect(await lists({ 'properties.products.0.sku': 'A1' })).toEqual(['anon-list-1', 'anon-list-2']);
      expect(await lists({ 'properties.products.1.sku': 'B2' })).toEqual(['anon-list-1']);
      expect(await lists({ 'properties.tags.-1': 'y' })).toEqual(['anon-list-1', 'anon-list-2']);
      expect(await lists({ 'properties.tags.2': { exists: true } })).toEqual([]);
      expect(byValue(await funnel({ steps: [{ event: 'List Viewed' }, { event: 'Deal Claimed' }], within: 'P1D', by: 'properties.tags.0' }))).toEqual({ x: [1, 0], null: [1, 0] });
    });

    it('answers 400, never 500, for text no store can hold and times past year 9999', async () => {
      const text = await faultPaths('/admin/api/segments/preview', {
        any: [
          { did: 'Deal Viewed\u0000', within: 'P7D' },
          { did: 'Deal Viewed', where: { 'properties.plan': '\ud800' }, within: 'P7D' },
          { did: 'Deal Viewed', where: { 'properties.plan': { in: ['ok', 'a\u0000b'] } }, within: 'P7D' },
          { did: 'Deal Viewed', where: { 'properties.plan': { gt: '\udc00' } }, within: 'P7D' },
          { trait: 'plan', ne: '\u0000' },
        ],
      });
      expect(text.map((fault) => fault.path)).toEqual(['any[0].did', 'any[1].where["properties.plan"]', 'any[2].where["properties.plan"].in[1]', 'any[3].where["properties.plan"].gt', 'any[4].ne']);
      const step = await faultPaths('/admin/api/funnels/preview', { steps: [{ event: 'Deal Viewed\u0000' }, { event: 'Deal Claimed' }], within: 'P1D' });
      expect(step.map((fault) => fault.path)).toEqual(['steps[0].event']);
      const after = await faultPaths('/admin/api/segments/preview', { did: 'Product Added', thenNot: 'Order Completed', after: 'P999999999D', within: 'P7D' });
      expect(after.map((fault) => [fault.path, fault.message])).toEqual([['after', expect.stringContaining('P400D')]]);
      const late = await faultPaths('/admin/api/segments/preview', { did: 'Deal Viewed', from: '2026-12-01', to: '9999-12-31T23:59:59-01:00' });
      expect(late.map((fault) => fault.path)).toEqual(['to']);
      // The range's last day plus the window runs past year 9999: read up to its end (PostgreSQL refused `+010000-…`).
      const far = await call('/admin/api/funnels/preview', { steps: [{ event: 'Deal Viewed' }, { event: 'Deal Claimed' }], within: 'P400D', from: '9999-12-01', to: '9999-12-31' });
      expect(far.status).toBe(200);
      expect((far.json as { steps: Steps }).steps.map((one) => one.people)).toEqual([0, 0]);
    });

    it('never counts one event for two funnel steps; distinct events at the same time count', async () => {
      const twice = await funnel({ steps: [{ event: 'Deal Viewed' }, { event: 'Deal Viewed' }], within: 'P1D' });
      // henry viewed twice in the same millisecond; ivy once.
      expect(twice.steps.map((step) => [step.people, step.medianSeconds])).toEqual([[2, null], [1, 0]]);
      const thrice = await funnel({ steps: [{ event: 'Deal Viewed' }, { event: 'Deal Viewed' }, { event: 'Deal Viewed' }], within: 'P1D' });
      expect(thrice.steps.map((step) => step.people)).toEqual([2, 1, 0]);
      const added = await funnel({ steps: [{ event: 'Product Added' }, { event: 'Product Added' }], within: 'P7D' });
      expect(added.steps.map((step) => step.people)).toEqual([7, 0]);
    });

    it('warns once about a step name never seen, however many steps use it', async () => {
      const unseen = await funnel({ steps: [{ event: 'Nope' }, { event: 'Nope' }], within: 'P1D' });
      expect(unseen.warnings).toEqual([{ path: 'events', message: expect.stringContaining('"Nope"') }]);
    });

    it('breaks a funnel down by a boolean as true / false, apart from the number 1 (types are strict)', async () => {
      const steps = [{ event: 'Deal Viewed' }, { event: 'Deal Claimed' }];
      // henry's flag is true, ivy's the number 1; consent: henry granted marketing, ivy denied it.
      expect(byValue(await funnel({ steps, within: 'P1D', by: 'properties.flag' }))).toEqual({ true: [1, 1], 1: [1, 0] });
      expect(byValue(await funnel({ steps, within: 'P1D', by: 'context.consent.categoryPreferences.marketing' }))).toEqual({ true: [1, 1], false: [1, 0] });
    });

    it('breaks a funnel down by campaign source or click-id platform, and filters a step on the platform', async () => {
      const steps = [{ event: 'Deal Viewed' }, { event: 'Deal Claimed' }];
      expect(byValue(await funnel({ steps, within: 'P1D', by: 'context.campaign.source' }))).toEqual({ google: [1, 1], facebook: [1, 0] });
      expect(byValue(await funnel({ steps, within: 'P1D', by: 'context.campaign.clickIdPlatform' }))).toEqual({ google: [1, 1], meta: [1, 0] });
      const meta = await funnel({ steps: [{ event: 'Deal Viewed', where: { 'context.campaign.clickIdPlatform': 'meta' } }, { event: 'Deal Claimed' }], within: 'P1D' });
      expect(meta.steps.map((step) => step.people)).toEqual([1, 0]);
      // A repeated name after another step: henry's second view is at the same time as his first, before his claim.
      const back = await funnel({
        steps: [{ event: 'Deal Viewed', where: { 'context.campaign.clickIdPlatform': { in: ['google', 'meta'] } } }, { event: 'Deal Viewed' }, { event: 'Deal Claimed' }, { event: 'Deal Viewed' }],
        within: 'P1D', by: 'context.campaign.clickIdPlatform',
      });
      expect(byValue(back)).toEqual({ google: [1, 1, 1, 0], meta: [1, 0, 0, 0] });
    });
  });
}
