import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from '../collector.js';
import { CollectorError } from '../collector-error.js';
import { createTestCollector, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const SHOP = 'https://shop.example.com';
const sources = [
  { name: 'shop', writeKey: 'k-shop', allowedOrigins: ['https://Shop.Example.com/'] },
  { name: 'blog', writeKey: 'k-blog', allowedOrigins: ['https://blog.example.com'] },
];
const preflight = (origin?: string) =>
  t.app.request('/v1/batch', {
    method: 'OPTIONS',
    headers: {
      ...(origin ? { origin } : {}),
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS preflight', () => {
  it('answers 204 with the allowed methods and headers for a listed origin', async () => {
    t = createTestCollector({ sources });
    const res = await preflight(SHOP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const allowed = res.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'content-encoding']));
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('refuses an origin no source lists, without CORS headers', async () => {
    t = createTestCollector({ sources });
    const res = await preflight('https://evil.example.net');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reflects any origin when a source has no origin list', async () => {
    t = createTestCollector();
    const res = await preflight('https://anywhere.example.org');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://anywhere.example.org');
  });

  it('answers an OPTIONS without Origin (not a browser preflight)', async () => {
    t = createTestCollector();
    const res = await preflight();
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS on requests', () => {
  const batch = (writeKey: string) => ({ writeKey, batch: [{ type: 'page', messageId: `p-${writeKey}` }] });

  it('reflects an allowed origin on the answer, with Vary and Retry-After exposed', async () => {
    t = createTestCollector({ sources });
    const res = await t.post('/v1/batch', batch('k-shop'), { headers: { origin: SHOP } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it("answers 403 to an origin its source does not list, even if another source lists it", async () => {
    t = createTestCollector({ sources });
    const res = await t.post('/v1/batch', batch('k-blog'), { headers: { origin: SHOP } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(t.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });

  it('lets requests without Origin (server libraries) through whatever the list', async () => {
    t = createTestCollector({ sources });
    const res = await t.post('/v1/batch', batch('k-blog'));
    expect(res.status).toBe(200);
  });

  it('puts CORS headers on error answers so the page can read the status', async () => {
    t = createTestCollector({ sources });
    const bad = await t.post('/v1/batch', 'not json', { headers: { origin: SHOP } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe(SHOP);
    const unknown = await t.post('/v1/batch', batch('nope'), { headers: { origin: SHOP } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('rejects a configured origin that is not a URL', () => {
    t = createTestCollector();
    const bad = [{ name: 'x', writeKey: 'k', allowedOrigins: ['shop.example.com'] }];
    expect(() => createCollector({ sources: bad, store: t.store })).toThrow(CollectorError);
  });
});

describe("CORS for Segment's and RudderStack's browser libraries", () => {
  // What Chromium sends before each library's request (read from the libraries' sources and
  // seen in the end-to-end tests): RudderStack's XHR queue, a retried one, Segment's fetch.
  const RUDDERSTACK = 'anonymousid,authorization,content-type,sentat';
  const RUDDERSTACK_RETRY = `${RUDDERSTACK},rsa-recovered,rsa-retry-attempt,rsa-retry-reason,rsa-since-first-attempt,rsa-since-last-attempt`;
  const SEGMENT = 'authorization,content-type,x-retry-count';
  const preflightOf = (path: string, origin: string, headers: string) =>
    t.app.request(path, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
    });
  const allowedHeaders = (res: Response) => new Set(res.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/));

  it.each([
    ['/v1/track', RUDDERSTACK],
    ['/v1/batch', RUDDERSTACK_RETRY],
    ['/beacon/v1/batch?writeKey=k-shop', 'content-type'],
    ['/v1/t', SEGMENT],
    ['/v1/b', SEGMENT],
  ])('allows every header of the preflight to %s for a listed origin, cached for 2 hours', async (path, headers) => {
    t = createTestCollector({ sources });
    const res = await preflightOf(path, SHOP, headers);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    for (const header of headers.split(',')) expect(allowedHeaders(res)).toContain(header);
    expect(res.headers.get('access-control-max-age')).toBe('7200');
    // sendBeacon's credentials mode: without this a JSON-typed beacon's preflight fails.
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it.each(['/v1/track', '/v1/t', '/beacon/v1/batch?writeKey=k-shop'])('refuses the preflight to %s from an origin no source lists', async (path) => {
    t = createTestCollector({ sources });
    const res = await preflightOf(path, 'https://evil.example.net', RUDDERSTACK);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows no header a library does not send', async () => {
    t = createTestCollector({ sources });
    const res = await preflightOf('/v1/track', SHOP, 'x-made-up');
    expect(allowedHeaders(res)).not.toContain('x-made-up');
  });
});
