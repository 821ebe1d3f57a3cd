import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchTransport } from './fetch-transport.js';

afterEach(() => vi.unstubAllGlobals());

describe('fetchTransport', () => {
  it('POSTs the UTF-8 body as text/plain (a CORS simple request) and reads the answer', async () => {
    const calls: [string, RequestInit][] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return new Response('{"accepted":1,"duplicates":0,"rejected":[]}', { status: 503, headers: { 'retry-after': '7' } });
    });
    const response = await fetchTransport('https://collect.test/v1/batch', new TextEncoder().encode('{"batch":["é"]}'), true);
    expect(response).toEqual({ status: 503, retryAfter: '7', body: { accepted: 1, duplicates: 0, rejected: [] } });
    const [url, init] = calls[0]!;
    expect(url).toBe('https://collect.test/v1/batch');
    expect(init).toMatchObject({ method: 'POST', keepalive: true, headers: { 'content-type': 'text/plain' } });
    expect(new TextDecoder().decode(init.body as Uint8Array)).toBe('{"batch":["é"]}');
  });

  it('reads a body that is not JSON as none', async () => {
    vi.stubGlobal('fetch', async () => new Response('oops', { status: 502 }));
    expect(await fetchTransport('https://collect.test/v1/batch', new TextEncoder().encode('{}'), false)).toEqual({ status: 502, retryAfter: null, body: undefined });
  });
});
