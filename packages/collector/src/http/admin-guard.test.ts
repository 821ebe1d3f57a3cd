import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCollector, type TestCollector } from '../testing/collector-fixture.js';
import { createAdminAuth } from './admin-auth.js';
import { createAdminGuard } from './admin-guard.js';
import { toErrorResponse } from './http-error.js';
import type { RateLimit } from './rate-limits.js';

const TOKEN = 'a-token-long-enough-for-production-use';

/** /admin/ping behind the token and a guard keyed by the x-test-ip header, on a fake clock. */
function guardedApp(rateLimit: RateLimit = { requestsPerSecond: 0 }) {
  const clock = { now: 1_000_000 };
  const app = new Hono();
  app.use('/admin/*', createAdminAuth(TOKEN, createAdminGuard({ rateLimit, clientIp: (c) => c.req.header('x-test-ip'), now: () => clock.now })));
  app.get('/admin/ping', (c) => c.text('pong'));
  app.onError((error) => toErrorResponse(error, () => undefined));
  const get = async (token: string, ip = '198.51.100.1') => {
    const res = await app.request('/admin/ping', { headers: { authorization: `Bearer ${token}`, 'x-test-ip': ip } });
    return [res.status, res.headers.get('retry-after')] as const;
  };
  return { get, clock };
}

describe('admin guard', () => {
  it('lets an address try three wrong tokens, then makes it wait 1 s, 2 s, 4 s … even with the right one', async () => {
    const { get, clock } = guardedApp();
    for (let i = 0; i < 3; i++) expect(await get('wrong')).toEqual([401, null]);
    expect(await get('wrong')).toEqual([401, null]); // the 4th: locked for 1 s from now
    expect(await get(TOKEN)).toEqual([429, '1']);
    clock.now += 1_000;
    expect(await get('wrong')).toEqual([401, null]); // the 5th: 2 s
    expect(await get(TOKEN)).toEqual([429, '2']);
    clock.now += 2_000;
    expect(await get('wrong')).toEqual([401, null]); // the 6th: 4 s
    expect(await get('wrong')).toEqual([429, '4']);
    // Another address is not held back by this one's failures.
    expect(await get(TOKEN, '203.0.113.7')).toEqual([200, null]);
    clock.now += 4_000;
    expect(await get(TOKEN)).toEqual([200, null]);
    // The right token cleared the count: three wrong ones are free again.
    for (let i = 0; i < 3; i++) expect(await get('wrong')).toEqual([401, null]);
    expect(await get(TOKEN)).toEqual([200, null]);
  });

  it('caps the wait at 15 minutes', async () => {
    const { get, clock } = guardedApp();
    for (let i = 0; i < 20; i++) {
      await get('wrong');
      clock.now += 16 * 60_000;
    }
    await get('wrong');
    expect(await get(TOKEN)).toEqual([429, String(15 * 60)]);
  });

  it('rate-limits admin requests per address apart from ingest', async () => {
    const { get, clock } = guardedApp({ requestsPerSecond: 10, burst: 20 });
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await get(TOKEN))[0]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(await get(TOKEN)).toEqual([429, '1']);
    expect(await get(TOKEN, '203.0.113.7')).toEqual([200, null]);
    clock.now += 1_000;
    expect((await get(TOKEN))[0]).toBe(200);
  });
});

describe('createCollector', () => {
  let t: TestCollector;
  afterEach(async () => {
    await t.dispose();
  });

  it('guards /admin/* with the back-off and counts its 429s under scope admin', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    const stats = (token: string) => t.app.request('/admin/stats', { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 4; i++) expect((await stats('wrong')).status).toBe(401);
    const refused = await stats(TOKEN);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('wrong admin tokens') } });
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('cairn_rate_limited_total{scope="admin"} 1');
  });
});
