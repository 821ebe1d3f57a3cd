import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@cairn/protocol';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const SHOP = 'https://shop.example.com';
let id = 0;
const batch = (writeKey = TEST_WRITE_KEY) => ({ writeKey, batch: [{ type: 'page', messageId: `m-${id++}` }] });
const from = (ip: string, extra: Record<string, string> = {}) => ({ headers: { 'x-test-ip': ip, ...extra } });
// The Node entry reads the socket; here the address comes from a test header.
const clientIp = (c: { req: { header(name: string): string | undefined } }) => c.req.header('x-test-ip');

describe('per-IP rate limit', () => {
  it('answers 429 + Retry-After past the burst, per address, before reading the body', async () => {
    t = createTestCollector({ rateLimit: { requestsPerSecond: 1, burst: 2 }, clientIp });
    expect((await t.post('/v1/batch', batch(), from('1.1.1.1'))).status).toBe(200);
    expect((await t.post('/v1/batch', batch(), from('1.1.1.1'))).status).toBe(200);
    const limited = await t.post('/v1/batch', 'not even JSON', from('1.1.1.1', { origin: SHOP }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(((await limited.json()) as ErrorBody).error.code).toBe('rate_limited');
    // The page can read the 429 and its Retry-After (CORS headers are on it).
    expect(limited.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(limited.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect((await t.post('/v1/batch', batch(), from('2.2.2.2'))).status).toBe(200);
  });

  it('does not count preflights or health checks', async () => {
    t = createTestCollector({ rateLimit: { requestsPerSecond: 1, burst: 1 }, clientIp });
    for (let i = 0; i < 5; i++) {
      const preflight = await t.app.request('/v1/batch', { method: 'OPTIONS', headers: { origin: SHOP, 'x-test-ip': '1.1.1.1', 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect((await t.app.request('/healthz', from('1.1.1.1'))).status).toBe(200);
    }
    expect((await t.post('/v1/batch', batch(), from('1.1.1.1'))).status).toBe(200);
  });

  it('is off without a rate or with 0', async () => {
    t = createTestCollector({ rateLimit: { requestsPerSecond: 0 }, clientIp });
    for (let i = 0; i < 20; i++) expect((await t.post('/v1/batch', batch(), from('1.1.1.1'))).status).toBe(200);
  });
});

describe('per-source rate limit', () => {
  const sources = [
    { name: 'shop', writeKey: 'k-shop', rateLimit: 1 },
    { name: 'blog', writeKey: 'k-blog' },
  ];

  it('limits a source across addresses, a source without a limit is free', async () => {
    t = createTestCollector({ sources, clientIp });
    // Burst 2 × rate: two requests pass, whatever address they come from.
    expect((await t.post('/v1/batch', batch('k-shop'), from('1.1.1.1'))).status).toBe(200);
    expect((await t.post('/v1/batch', batch('k-shop'), from('2.2.2.2'))).status).toBe(200);
    const limited = await t.post('/v1/batch', batch('k-shop'), from('3.3.3.3'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(((await limited.json()) as ErrorBody).error.message).toContain('source shop');
    for (let i = 0; i < 5; i++) expect((await t.post('/v1/batch', batch('k-blog'), from('1.1.1.1'))).status).toBe(200);
    expect(t.rows("SELECT count(*) AS n FROM events WHERE source = 'shop'")).toEqual([{ n: 2 }]);
  });

  it('applies the default per-source rate to sources without their own', async () => {
    t = createTestCollector({ sources, sourceRateLimit: 1 });
    for (let i = 0; i < 2; i++) expect((await t.post('/v1/batch', batch('k-blog'))).status).toBe(200);
    expect((await t.post('/v1/batch', batch('k-blog'))).status).toBe(429);
  });

  it('counts a refused request by scope in /metrics', async () => {
    t = createTestCollector({ sources, rateLimit: { requestsPerSecond: 1, burst: 1 }, clientIp });
    await t.post('/v1/batch', batch('k-blog'), from('1.1.1.1'));
    await t.post('/v1/batch', batch('k-blog'), from('1.1.1.1'));
    await t.post('/v1/batch', batch('k-shop'), from('2.2.2.2'));
    await t.post('/v1/batch', batch('k-shop'), from('3.3.3.3'));
    await t.post('/v1/batch', batch('k-shop'), from('4.4.4.4'));
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toContain('cairn_rate_limited_total{scope="ip"} 1');
    expect(text).toContain('cairn_rate_limited_total{scope="source"} 1');
    expect(text).toContain('cairn_ingest_requests_total{outcome="rate_limited",source="shop"} 1');
  });
});
