import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector } from '../collector.js';
import type { Store } from '../store/store.js';
import { createRecordingLogger } from './collector-fixture.js';
import { parseCsv } from './parse-csv.js';
import { HISTORY_NOW, historyBatches, type HistoryPerson } from './people-history.js';

const TOKEN = 'admin-secret';
const MINUTE = 60_000;
const DAY = 86_400_000;
const at = (ago: number) => new Date(HISTORY_NOW - ago).toISOString();

/** "Abandoned cart and signed in from a phone in the last 7 days" (the example). */
export const ABANDONED_ON_PHONE = {
  all: [
    { did: 'Product Added', thenNot: 'Order Completed', after: 'PT1H', within: 'P7D' },
    { did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P7D' },
  ],
};

/**
 * People, segments and funnels over the seeded history (testing/people-history.ts), through
 * the HTTP API, for any store: run it from each store's test file with a factory opening a
 * fresh, empty store. The expected answers follow from how the history was built.
 */
export function describeAnalyticsContract(name: string, openEmpty: () => Promise<Store>): void {
  describe(`${name}: people, segments and funnels`, { timeout: 30_000 }, () => {
    let store: Store;
    let app: ReturnType<typeof createCollector>;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${TOKEN}` },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, text, json: response.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as Record<string, unknown>) : undefined, headers: response.headers };
    };
    const preview = async (definition: unknown) => (await call('POST', '/admin/api/segments/preview', definition)).json as { count: number; people: { userId: string | null; anonymousIds: string[]; traits: Record<string, unknown>; firstSeen: string; lastSeen: string }[]; warnings: { path: string; message: string }[] };
    const users = async (definition: unknown) => (await preview(definition)).people.map((person) => person.userId ?? person.anonymousIds.join('+')).sort();

    beforeAll(async () => {
      store = await openEmpty();
      for (const events of historyBatches()) await store.write({ events, quarantined: [] });
      app = createCollector({ sources: [{ name: 'default', writeKey: 'wk' }], store, adminToken: TOKEN, now: () => HISTORY_NOW,
        // Many admin calls in a row; the admin rate limit has tests of its own.
        adminRateLimit: { requestsPerSecond: 0, burst: 0 }, logger: createRecordingLogger().logger });
    }, 60_000);
    afterAll(async () => {
      await store?.close();
    });

    it('stitches people: the anonymous visit before sign-in (in an earlier batch or the same one) counts for the user', async () => {
      const result = await preview({ did: 'Product Added', within: 'P7D' });
      expect(result.count).toBe(7);
      expect(result.people.map((person) => person.userId ?? person.anonymousIds[0]).sort()).toEqual(['alice', 'anon-dave', 'bob', 'carol', 'erin', 'frank', 'gina']);
      const alice = result.people.find((person) => person.userId === 'alice');
      // Her first event was anonymous (Product Viewed, 3 days and 5 minutes ago); sign-in came in a later batch.
      expect(alice).toEqual({ userId: 'alice', anonymousIds: ['anon-alice'], traits: {}, firstSeen: at(3 * DAY + 5 * MINUTE), lastSeen: at(3 * DAY - 10 * MINUTE) });
      expect(result.people.find((person) => person.userId === 'frank')?.traits).toEqual({ plan: 'pro', email: 'frank@example.com' });
      expect(result.people.find((person) => person.userId === null)).toMatchObject({ anonymousIds: ['anon-dave'] });
    });

    it('answers "abandoned cart and signed in from a phone in the last 7 days"', async () => {
      expect(await users(ABANDONED_ON_PHONE)).toEqual(['alice', 'carol']);
      // carol ordered 3 hours after adding: abandoned for one hour, not for six.
      const sixHours = { all: [{ ...ABANDONED_ON_PHONE.all[0], after: 'PT6H' }, ABANDONED_ON_PHONE.all[1]] };
      expect(await users(sixHours)).toEqual(['alice']);
      // Without the phone condition: dave (never signed in) and erin too; frank's cart is 10 minutes old.
      expect(await users(ABANDONED_ON_PHONE.all[0])).toEqual(['alice', 'anon-dave', 'carol', 'erin']);
    });

    it('combines all / any / not with traits and comparisons', async () => {
      expect(await users({ all: [...ABANDONED_ON_PHONE.all, { not: { trait: 'plan', equals: 'pro' } }] })).toEqual(['alice', 'carol']);
      expect(await users({ any: [{ trait: 'plan', equals: 'pro' }, { trait: 'plan', in: ['free'] }] })).toEqual(['frank', 'gina']);
      expect(await users({ did: 'Product Added', where: { 'properties.price': { gte: 24 } }, within: 'P7D' })).toEqual(['alice', 'carol', 'gina']);
      expect(await users({ did: 'Product Added', where: { 'properties.price': { gt: 24 }, 'properties.currency': 'EUR' }, within: 'P7D' })).toEqual(['carol', 'gina']);
      expect(await users({ did: 'Product Added', where: { 'context.campaign.source': { contains: 'letter' } }, within: 'P7D' })).toEqual(['gina']);
      expect(await users({ did: 'Signed In', atLeast: 2, within: 'P30D' })).toEqual([]);
      expect(await users({ did: 'Signed In', within: 'P30D', where: { 'context.device.type': { in: ['tablet', 'desktop'] } } })).toEqual(['bob', 'gina']);
      expect(await users({ did: 'Signed In', from: new Date(HISTORY_NOW - 30 * DAY).toISOString(), to: new Date(HISTORY_NOW - 10 * DAY).toISOString() })).toEqual(['erin']);
      expect(await users({ not: { did: 'Product Added', within: 'P7D' } })).toEqual([]);
    });

    it('warns about event names never seen, and caps a condition without a window', async () => {
      const result = await preview({ any: [{ did: 'Prodcut Added', within: 'P7D' }, { did: 'Signed In' }] });
      expect(result.count).toBe(5); // frank identified but never sent Signed In
      expect(result.warnings).toEqual([
        { path: 'any[1]', message: 'no time window (within, or from/to): read over the last 90 days' },
        { path: 'events', message: 'no stored event is named "Prodcut Added" (a typo? names are case-sensitive)' },
      ]);
    });

    it('refuses a malformed definition with every fault named by its path', async () => {
      const response = await call('POST', '/admin/api/segments/preview', {
        all: [{ did: 'Signed In', within: '7 days', colour: 'red' }, { did: 'Product Added', where: { 'raw.price': 1, 'properties.price': { between: [1, 2] } } }, { trait: 5, equals: 'x' }],
      });
      expect(response.status).toBe(400);
      const error = (response.json as { error: { code: string; faults: { path: string }[] } }).error;
      expect(error.code).toBe('invalid_definition');
      expect(error.faults.map((fault) => fault.path)).toEqual(['all[0].colour', 'all[0].within', 'all[1].where["raw.price"]', 'all[1].where["properties.price"]', 'all[2].trait']);
      expect((await call('POST', '/admin/api/segments/preview', '{"did":')).status).toBe(400);
    });

    it('stores segments by name and exports their people as CSV and NDJSON', async () => {
      expect((await call('PUT', '/admin/api/segments/abandoned-on-phone', ABANDONED_ON_PHONE)).status).toBe(201);
      expect((await call('PUT', '/admin/api/segments/abandoned-on-phone', ABANDONED_ON_PHONE)).status).toBe(200);
      expect((await call('PUT', '/admin/api/segments/bad', { did: 1 })).status).toBe(400);
      expect((await call('GET', '/admin/api/segments')).json).toMatchObject({ segments: [{ name: 'abandoned-on-phone', definition: ABANDONED_ON_PHONE }] });
      const json = (await call('GET', '/admin/api/segments/abandoned-on-phone/people')).json as { count: number };
      expect(json.count).toBe(2);
      const csv = await call('GET', '/admin/api/segments/abandoned-on-phone/people?format=csv');
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const rows = parseCsv(csv.text);
      expect(rows[0]).toEqual(['user_id', 'anonymous_ids', 'first_seen', 'last_seen', 'traits']);
      expect(rows.slice(1).map((row) => [row[0], row[1], row[2]]).sort()).toEqual([
        ['alice', '["anon-alice"]', at(3 * DAY + 5 * MINUTE)],
        ['carol', '["anon-carol"]', at(DAY)],
      ]);
      const ndjson = await call('GET', '/admin/api/segments/abandoned-on-phone/people?format=ndjson');
      expect(ndjson.text.trim().split('\n').map((line) => (JSON.parse(line) as { userId: string }).userId).sort()).toEqual(['alice', 'carol']);
      expect((await call('GET', '/admin/api/segments/nope/people')).status).toBe(404);
      expect((await call('DELETE', '/admin/api/segments/abandoned-on-phone')).status).toBe(204);
      expect((await call('GET', '/admin/api/segments/abandoned-on-phone')).status).toBe(404);
    });

    it('answers a four-step funnel with conversions, medians and a breakdown by device', async () => {
      const response = await call('POST', '/admin/api/funnels/preview', {
        steps: [{ event: 'Product Viewed' }, { event: 'Product Added' }, { event: 'Signed In' }, { event: 'Order Completed' }],
        within: 'P1D',
        by: 'context.device.type',
      });
      expect(response.status).toBe(200);
      const result = response.json as { steps: unknown[]; breakdown: { value: string; steps: { people: number }[] }[] };
      expect(result.steps).toEqual([
        { event: 'Product Viewed', people: 3, conversion: 1, conversionFromFirst: 1, medianSeconds: null },
        { event: 'Product Added', people: 3, conversion: 1, conversionFromFirst: 1, medianSeconds: 600 },
        { event: 'Signed In', people: 3, conversion: 1, conversionFromFirst: 1, medianSeconds: 600 },
        { event: 'Order Completed', people: 2, conversion: 0.6667, conversionFromFirst: 0.6667, medianSeconds: 1350 },
      ]);
      const byDevice = Object.fromEntries(result.breakdown.map((group) => [group.value, group.steps.map((step) => step.people)]));
      expect(byDevice).toEqual({ mobile: [1, 1, 1, 0], desktop: [1, 1, 1, 1], tablet: [1, 1, 1, 1] });
      const filtered = await call('POST', '/admin/api/funnels/preview', {
        steps: [{ event: 'Product Added', where: { 'properties.price': { gte: 30 } } }, { event: 'Order Completed' }],
        within: 'PT2H',
      });
      // carol (30) ordered after 3 hours, gina (40) within 40 minutes.
      expect((filtered.json as { steps: { people: number }[] }).steps.map((step) => step.people)).toEqual([2, 1]);
      const bad = await call('POST', '/admin/api/funnels/preview', { steps: [{ event: 'A' }], within: 'P1M', by: 'device' });
      expect((bad.json as { error: { faults: { path: string }[] } }).error.faults.map((fault) => fault.path)).toEqual(['steps', 'within', 'by']);
    });

    it('erasure removes the person and their links', async () => {
      const ofAlice = async () =>
        (await store.readEvents({ limit: 100_000 })).filter((row) => row.userId === 'alice' || row.anonymousId === 'anon-alice').length;
      expect(await ofAlice()).toBeGreaterThan(0);
      // Through the admin route, by userId alone: her anonymous visit before sign-in goes too.
      const erased = await call('POST', '/admin/erase', { userId: 'alice' });
      expect(erased.status).toBe(200);
      expect(await ofAlice()).toBe(0);
      expect(await users(ABANDONED_ON_PHONE)).toEqual(['carol']);
      expect((await preview({ did: 'Product Added', within: 'P7D' })).people.some((person) => person.anonymousIds.includes('anon-alice'))).toBe(false);
      await store.erase({ anonymousId: 'anon-dave' });
      expect(await users(ABANDONED_ON_PHONE.all[0])).toEqual(['carol', 'erin']);
    });

    it('erasure follows alias chains: an old userId aliased to the erased one goes too, with its traits and links', async () => {
      // zed signed up as zed-old, was aliased to zed-mid, then to zed-new (alias previousId → userId).
      const zed = (name: string, userId: string, steps: HistoryPerson['batches'][number]): HistoryPerson => ({ name, anonymousId: `anon-${name}`, userId, device: 'desktop', batches: [steps] });
      const chain = historyBatches([
        zed('zed-old', 'zed-old', [{ ago: 30, type: 'identify', signedIn: true, traits: { email: 'zed@example.com' } }, { ago: 29, event: 'Zed Viewed', signedIn: true }]),
        zed('zed-mid', 'zed-mid', [{ ago: 20, type: 'alias', signedIn: true, previousId: 'zed-old' }]),
        zed('zed-new', 'zed-new', [{ ago: 10, type: 'alias', signedIn: true, previousId: 'zed-mid' }, { ago: 9, event: 'Zed Viewed', signedIn: true }]),
      ]);
      for (const events of chain) await store.write({ events, quarantined: [] });
      const ids = new Set(['zed-old', 'zed-mid', 'zed-new', 'anon-zed-old', 'anon-zed-mid', 'anon-zed-new']);
      const ofZed = async () => (await store.readEvents({ limit: 100_000 })).filter((row) => ids.has(row.userId ?? '') || ids.has(row.anonymousId ?? '')).length;
      expect(await ofZed()).toBe(5);
      expect((await preview({ trait: 'email', equals: 'zed@example.com' })).count).toBe(1);
      expect((await call('POST', '/admin/erase', { userId: 'zed-new' })).status).toBe(200);
      expect(await ofZed()).toBe(0);
      expect((await preview({ trait: 'email', equals: 'zed@example.com' })).count).toBe(0);
      expect((await preview({ did: 'Zed Viewed', within: 'P1D' })).count).toBe(0);
    });

    it('merges traits of later identify calls key by key, the same in one batch or several: a later value replaces, null included', async () => {
      const identify = (ago: number, traits: Record<string, unknown>) => ({ ago, type: 'identify' as const, signedIn: true, traits });
      const first = { plan: 'trial', address: { city: 'Paris', street: '1 rue Cler' }, email: 'tess@example.com' };
      const later = { address: { city: 'Lyon' }, email: null };
      const apart: HistoryPerson = { name: 'tess', anonymousId: 'anon-tess', userId: 'tess', device: 'desktop', batches: [[identify(20, first)], [identify(10, later)]] };
      const together: HistoryPerson = { name: 'tom', anonymousId: 'anon-tom', userId: 'tom', device: 'desktop', batches: [[identify(20, first), identify(10, later)]] };
      for (const events of historyBatches([apart, together])) await store.write({ events, quarantined: [] });
      const traits = Object.fromEntries((await preview({ trait: 'plan', equals: 'trial' })).people.map((person) => [person.userId, person.traits]));
      const merged = { plan: 'trial', address: { city: 'Lyon' }, email: null };
      expect(traits).toEqual({ tess: merged, tom: merged });
      expect(await users({ all: [{ trait: 'plan', equals: 'trial' }, { trait: 'email', exists: true }] })).toEqual(['tess', 'tom']);
    });

    it('is behind the admin token', async () => {
      expect((await app.request('/admin/api/segments/preview', { method: 'POST', body: '{}' })).status).toBe(401);
      const open = createCollector({ sources: [{ name: 'default', writeKey: 'wk' }], store, logger: createRecordingLogger().logger });
      expect((await open.request('/admin/api/segments/preview', { method: 'POST', body: '{}' })).status).toBe(404);
    });
  });
}
