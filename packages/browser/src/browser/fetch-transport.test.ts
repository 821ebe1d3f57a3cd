import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchTransport } from './fetch-transport.js';

afterEach(() => vi.unstubAllGlobals());

describe('fetchTransport', () => {
  it('POSTs the body as a string, which fetch labels text/plain (a CORS simple request), and reads the answer', async () => {
    const calls: [string, RequestInit][] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return new Response('{"accepted":1,"duplicates":0,"rejected":[]}', { status: 503, headers: { 'retry-after': '7' } });
    });
    const response = await fetchTransport('https://collect.test/v1/batch', '{"batch":["é"]}', true);
    expect(response).toEqual({ status: 503, retryAfter: '7', body: { accepted: 1, duplicates: 0, rejected: [] } });
    const [url, init] = calls[0]!;
    expect(url).toBe('https://collect.test/v1/batch');
    expect(init).toMatchObject({ method: 'POST', keepalive: true, body: '{"batch":["é"]}' });
    expect(init.headers).toBeUndefined();
  });

  it('reads a body that is not JSON as none', async () => {
    vi.stubGlobal('fetch', async () => new Response('oops', { status: 502 }));
    expect(await fetchTransport('https://collect.test/v1/batch', '{}', false)).toEqual({ status: 502, retryAfter: null, body: undefined });
  });
});
