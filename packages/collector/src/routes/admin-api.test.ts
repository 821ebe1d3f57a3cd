import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { loadTrackingPlanHolder } from '../node/load-tracking-plan.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';

const TOKEN = 'admin-secret-token-0123456789';
const ASSETS = new Map([
  ['index.html', { body: new TextEncoder().encode('<!doctype html><title>console</title>'), type: 'text/html; charset=utf-8' }],
  ['sign-in.html', { body: new TextEncoder().encode('<!doctype html><form></form>'), type: 'text/html; charset=utf-8' }],
]);
let t: TestCollector | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const bearer = (path: string, init: RequestInit = {}) =>
  (t as TestCollector).app.request(path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string>) } });

const ev = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Product Added',
  messageId,
  anonymousId: 'anon-1',
  timestamp: '2024-06-01T12:00:00.000Z',
  ...extra,
});

async function signIn(url = 'http://localhost/console/sign-in'): Promise<{ cookie: string; setCookie: string; csrf: string }> {
  const c = t as TestCollector;
  const res = await c.app.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}` });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/console');
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] as string;
  const session = await c.app.request('/admin/api/session', { headers: { cookie } });
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return { cookie, setCookie, csrf: csrfToken };
}

describe('the console and /admin/api without an admin token', () => {
  it('answer 404 like /admin', async () => {
    t = createTestCollector({ consoleOptions: { assets: ASSETS } });
    for (const path of ['/console', '/console/sign-in', '/admin/api/events', '/admin/api/overview', '/admin/api/events/stream']) {
      expect((await t.app.request(path)).status, path).toBe(404);
    }
  });
});

describe('sign-in, session cookie and CSRF', () => {
  it('refuses the API without a token or a session, and a wrong token at sign-in', async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS } });
    expect((await t.app.request('/admin/api/events')).status).toBe(401);
    expect((await t.app.request('/admin/api/events', { headers: { cookie: 'cairn_console=1.forged.sig' } })).status).toBe(401);
    const page = await t.app.request('/console');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/sign-in');
    const wrong = await t.app.request('/console/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=nope' });
    expect(wrong.headers.get('location')).toBe('/console/sign-in?failed=1');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const crossSite = await t.app.request('http://localhost/console/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', host: 'localhost' },
      body: `token=${TOKEN}`,
    });
    expect(crossSite.status).toBe(403);
  });

  it('backs sign-in off after wrong tokens as /admin does, with the ingest limit off (--rate-limit 0)', async () => {
    const metrics = createMetrics();
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS }, rateLimit: { requestsPerSecond: 0 }, clientIp: () => '198.51.100.7', metrics });
    const attempt = (token: string) =>
      (t as TestCollector).app.request('/console/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    // Three wrong tokens are free; the fourth locks the address out for 1 s.
    for (let i = 0; i < 4; i++) expect((await attempt('guess')).headers.get('location')).toBe('/console/sign-in?failed=1');
    const locked = await attempt('guess');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('1');
    // The back-off is the address's, wherever the token is compared: not even the right token
    // is looked at meanwhile, at sign-in or at /admin.
    expect((await attempt(TOKEN)).status).toBe(429);
    expect((await bearer('/admin/stats')).status).toBe(429);
    expect(metrics.render()).toContain('cairn_rate_limited_total{scope="admin"} 3');
  });

  it("sends a browser's throttled sign-in back to the sign-in page with the wait, not a JSON 429", async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS }, rateLimit: { requestsPerSecond: 0 }, clientIp: () => '198.51.100.8' });
    const attempt = (token: string) =>
      (t as TestCollector).app.request('/console/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml' },
        body: `token=${token}`,
      });
    for (let i = 0; i < 4; i++) await attempt('guess');
    const throttled = await attempt(TOKEN);
    expect(throttled.status).toBe(303);
    expect(throttled.headers.get('location')).toMatch(/^\/console\/sign-in\?wait=[1-9]\d*$/);
    expect(throttled.headers.get('set-cookie')).toBeNull();
  });

  it('counts wrong tokens at /admin against sign-in too, and keeps other addresses out of it', async () => {
    let ip = '198.51.100.7';
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS }, rateLimit: { requestsPerSecond: 0 }, clientIp: () => ip });
    for (let i = 0; i < 4; i++) {
      expect((await t.app.request('/admin/stats', { headers: { authorization: 'Bearer guess' } })).status).toBe(401);
    }
    const signIn = () =>
      (t as TestCollector).app.request('/console/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}` });
    expect((await signIn()).status).toBe(429);
    ip = '203.0.113.9';
    expect((await signIn()).headers.get('location')).toBe('/console');
  });

  it('rate-limits sign-in with the admin rate limit', async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS }, rateLimit: { requestsPerSecond: 0 }, adminRateLimit: { requestsPerSecond: 1, burst: 2 }, clientIp: () => '198.51.100.7' });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await t.app.request('/console/sign-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${TOKEN}` })).status);
    }
    expect(statuses).toEqual([303, 303, 429]);
  });

  it('sets an HttpOnly, SameSite=Strict cookie with an expiry (Secure on HTTPS), serves the console with a strict CSP', async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS } });
    const { cookie, setCookie } = await signIn();
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Max-Age=43200/);
    expect(setCookie).toMatch(/Expires=/);
    expect(setCookie).not.toMatch(/Secure/);
    expect((await signIn('https://localhost/console/sign-in')).setCookie).toMatch(/Secure/);
    const page = await t.app.request('/console', { headers: { cookie } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect((await t.app.request('/admin/api/events', { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a state-changing request with the session but without or with a wrong CSRF token', async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS } });
    const { cookie, csrf } = await signIn();
    const replay = (headers: Record<string, string>) =>
      (t as TestCollector).app.request('/admin/api/quarantine/replay', { method: 'POST', headers: { cookie, ...headers }, body: '{"code":"plan_violation"}' });
    const missing = await replay({});
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: 'csrf_failed' } });
    expect((await replay({ 'x-csrf-token': `${csrf}x` })).status).toBe(403);
    expect((await replay({ 'x-csrf-token': csrf })).status).toBe(200);
  });

  it('signs out: the cookie no longer opens anything', async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { assets: ASSETS } });
    const { cookie, csrf } = await signIn();
    expect((await t.app.request('/console/sign-out', { method: 'POST', headers: { cookie } })).status).toBe(403);
    const out = await t.app.request('/console/sign-out', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}` });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await t.app.request('/admin/api/events', { headers: { cookie } })).status).toBe(401);
  });
});

describe('GET /admin/api/events', () => {
  it('pages newest first with filters, and opens one event with what the pipeline did', async () => {
    let clock = Date.parse('2024-06-01T12:00:10.000Z');
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: {}, now: () => clock });
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      const device = i % 2 === 0 ? 'mobile' : 'desktop';
      const res = await t.post('/v1/batch', {
        writeKey: TEST_WRITE_KEY,
        sentAt: '2024-06-01T12:00:05.000Z',
        batch: [ev(`m${i}`, { userId: i === 4 ? 'u-4' : undefined, context: { device: { type: device }, ip: '203.0.113.77', consent: { categoryPreferences: { analytics: true } } } })],
      });
      expect(res.status).toBe(200);
    }
    const page1 = (await (await bearer('/admin/api/events?limit=2')).json()) as { events: { messageId: string; device: string }[]; next: string };
    expect(page1.events.map((e) => e.messageId)).toEqual(['m4', 'm3']);
    const page2 = (await (await bearer(`/admin/api/events?limit=2&before=${page1.next}`)).json()) as typeof page1;
    expect(page2.events.map((e) => e.messageId)).toEqual(['m2', 'm1']);
    const mobile = (await (await bearer('/admin/api/events?device=mobile')).json()) as typeof page1;
    expect(mobile.events.map((e) => e.messageId)).toEqual(['m4', 'm2', 'm0']);
    const byUser = (await (await bearer('/admin/api/events?userId=u-4')).json()) as typeof page1;
    expect(byUser.events.map((e) => e.messageId)).toEqual(['m4']);
    expect((await bearer('/admin/api/events?limit=0')).status).toBe(400);
    expect((await bearer('/admin/api/events?before=garbage')).status).toBe(400);

    const detail = (await (await bearer('/admin/api/events/default/m0')).json()) as { raw: unknown; normalized: unknown; pipeline: { step: string; summary: string }[] };
    // The privacy stage truncates the address before anything is stored, raw included.
    expect(detail.raw).toMatchObject({ messageId: 'm0', context: { ip: '203.0.113.0' } });
    expect(detail.normalized).toBeNull();
    const steps = Object.fromEntries(detail.pipeline.map((step) => [step.step, step.summary]));
    expect(steps.clock_skew).toMatch(/\+6\.000 s/);
    expect(steps.ip).toMatch(/truncated to 203\.0\.113\.0/);
    expect(steps.consent).toMatch(/analytics granted/);
    expect((await bearer('/admin/api/events/default/nope')).status).toBe(404);
  });

  it('streams newly stored events as Server-Sent Events, filtered', async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: { livePollMs: 20 }, now: () => Date.now() });
    const res = await bearer('/admin/api/events/stream?event=Signed%20In');
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 5000;
      while (!pattern.test(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await readUntil(/event: ready/);
    const now = new Date().toISOString();
    await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [ev('skip', { timestamp: now }), ev('live-1', { event: 'Signed In', timestamp: now })] });
    await readUntil(/live-1/);
    await reader.cancel();
    expect(text).toMatch(/event: event\ndata: \{[^\n]*"messageId":"live-1"/);
    expect(text).not.toContain('"skip"');
  });
});

describe('GET /admin/api/overview', () => {
  it('answers the known numbers of seeded events; a resend adds no rollup row', async () => {
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: {} });
    const batch = [
      ev('o1', { userId: 'u1', context: { device: { type: 'mobile' }, campaign: { source: 'newsletter', medium: 'email', name: 'summer' }, consent: { categoryPreferences: { analytics: true, marketing: false } } } }),
      ev('o2', { userId: 'u2', timestamp: '2024-06-01T13:10:00.000Z', context: { device: { type: 'desktop' }, campaign: { source: 'google', gclid: 'Cj0' }, consent: { categoryPreferences: { analytics: true, marketing: true } } } }),
      { type: 'page', name: 'Home', messageId: 'o3', anonymousId: 'anon-2', timestamp: '2024-06-01T13:20:00.000Z', context: { device: { type: 'mobile' } } },
      { type: 'track', messageId: 'bad' },
    ];
    const first = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch });
    expect(await first.json()).toMatchObject({ accepted: 3, duplicates: 0 });
    const rowCounts = () => ['overview_hourly', 'overview_received', 'overview_campaigns', 'overview_consent', 'overview_people'].map((table) => (t as TestCollector).rows(`SELECT count(*) AS n FROM ${table}`)[0]?.n);
    // On SQLite the rollups count stored events after the commits (a fold from a rowid cursor);
    // a retention run folds everything first (and with this cutoff deletes nothing).
    const folded = async () => {
      await (t as TestCollector).store.deleteOlderThan('2000-01-01T00:00:00.000Z');
      return rowCounts();
    };
    const before = await folded();
    expect(before).toEqual([3, 1, 2, 4, 4]);
    expect(await (await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: batch.slice(0, 2) })).json()).toMatchObject({ duplicates: 2 });
    expect(await folded()).toEqual(before);

    const res = await bearer('/admin/api/overview?from=2024-06-01T00:00:00Z&to=2024-06-02T00:00:00Z');
    expect(res.status).toBe(200);
    const o = (await res.json()) as Record<string, unknown>;
    expect(o).toMatchObject({
      range: { bucket: 'hour' },
      topEvents: [{ type: 'track', label: 'Product Added', events: 2 }, { type: 'page', label: 'Home', events: 1 }],
      people: { users: 2, anonymousIds: 2 },
      devices: [{ device: 'mobile', events: 2 }, { device: 'desktop', events: 1 }],
      campaigns: expect.arrayContaining([
        { utmSource: 'google', utmMedium: '', utmCampaign: '', adPlatform: 'google', events: 1 },
        { utmSource: 'newsletter', utmMedium: 'email', utmCampaign: 'summer', adPlatform: '', events: 1 },
      ]),
      consent: [
        { category: 'analytics', granted: 2, denied: 0, grantRate: 1 },
        { category: 'marketing', granted: 1, denied: 1, grantRate: 0.5 },
      ],
      quality: { accepted: 3, duplicates: 2, rejected: 1, duplicateRate: 2 / 6, rejectedRate: 1 / 6 },
    });
    const series = o.eventsOverTime as { start: string; events: number }[];
    expect(series).toHaveLength(24);
    expect(series.find((b) => b.start === '2024-06-01T12:00:00.000Z')?.events).toBe(1);
    expect(series.find((b) => b.start === '2024-06-01T13:00:00.000Z')?.events).toBe(2);
    const other = (await (await bearer('/admin/api/overview?from=2024-06-01&to=2024-06-02&source=other')).json()) as { quality: { accepted: number } };
    expect(other.quality.accepted).toBe(0);
    expect((await bearer('/admin/api/overview?from=2024-06-02&to=2024-06-01')).status).toBe(400);
  });
});

describe('the quarantine under /admin/api', () => {
  it('counts by code, lists, opens, replays selected through the current plan, deletes; each action counted on /metrics', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-plan-'));
    const path = join(dir, 'plan.json');
    writeFileSync(path, JSON.stringify(shopPlan({ mode: 'quarantine' })));
    t = createTestCollector({ adminToken: TOKEN, consoleOptions: {}, plan: await loadTrackingPlanHolder(path) });
    const wish = (id: string) => ({ type: 'track', event: 'Wishlist Shared', messageId: id, anonymousId: 'a1', timestamp: '2024-06-01T12:00:00Z' });
    await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [wish('w1'), wish('w2'), wish('w3'), { type: 'track', messageId: 'x' }] });
    const summary = (await (await bearer('/admin/api/quarantine/summary')).json()) as { total: number; codes: { code: string; count: number }[] };
    expect(summary).toEqual({ total: 4, codes: [{ code: 'plan_violation', count: 3 }, { code: 'invalid_event', count: 1 }] });
    const list = (await (await bearer('/admin/api/quarantine?code=plan_violation')).json()) as { rows: { id: number; messageId: string; reason: string }[] };
    expect(list.rows.map((r) => r.messageId)).toEqual(['w3', 'w2', 'w1']);
    const [w3, w2, w1] = list.rows as unknown as [{ id: number }, { id: number }, { id: number }];
    expect(await (await bearer(`/admin/api/quarantine/${w1.id}`)).json()).toMatchObject({ messageId: 'w1', code: 'plan_violation' });

    const fixed = shopPlan({ mode: 'quarantine' });
    fixed.events = { ...fixed.events, 'Wishlist Shared': { category: 'marketing' } };
    writeFileSync(path, JSON.stringify(fixed));
    expect((await bearer('/admin/plan/reload', { method: 'POST' })).status).toBe(200);
    const replayed = await bearer('/admin/api/quarantine/replay', { method: 'POST', body: JSON.stringify({ ids: [w1.id] }) });
    expect(await replayed.json()).toEqual({ replayed: 1, duplicates: 0, stillFailing: 0 });
    expect(t.rows("SELECT message_id FROM events WHERE message_id LIKE 'w%'")).toEqual([{ message_id: 'w1' }]);
    expect(await (await bearer('/admin/api/quarantine/delete', { method: 'POST', body: JSON.stringify({ ids: [w2.id] }) })).json()).toEqual({ deleted: 1 });
    expect(await (await bearer('/admin/api/quarantine/replay', { method: 'POST', body: JSON.stringify({ code: 'plan_violation' }) })).json()).toEqual({ replayed: 1, duplicates: 0, stillFailing: 0 });
    expect(t.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);
    expect(await (await bearer('/admin/api/quarantine/delete', { method: 'POST', body: JSON.stringify({ code: 'invalid_event' }) })).json()).toEqual({ deleted: 1 });
    expect(await (await bearer('/admin/api/quarantine/summary')).json()).toEqual({ total: 0, codes: [] });
    expect((await bearer(`/admin/api/quarantine/${w3.id}`)).status).toBe(404);
    expect((await bearer('/admin/api/quarantine/replay', { method: 'POST', body: '{}' })).status).toBe(400);

    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(/cairn_console_actions_total\{action="replay_selected"\} 1/);
    expect(metrics).toMatch(/cairn_console_actions_total\{action="replay_code"\} 1/);
    expect(metrics).toMatch(/cairn_console_actions_total\{action="delete_selected"\} 1/);
    expect(metrics).toMatch(/cairn_quarantine_deleted_total 2/);
    expect(t.logs.filter((l) => l.msg === 'quarantine action').map((l) => l.fields.action)).toEqual(['replay_selected', 'delete_selected', 'replay_code', 'delete_code']);
  });
});
