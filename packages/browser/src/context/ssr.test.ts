// @vitest-environment node
// Server-side rendering: no window, document, navigator, localStorage or indexedDB.
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => vi.unstubAllGlobals());

describe('context and commerce under SSR', () => {
  it('every helper runs on the server without throwing', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    vi.stubGlobal('indexedDB', undefined);
    const bodies: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(init.body as string);
      return new Response('{"accepted":9,"duplicates":0,"rejected":[]}', { status: 200 });
    });
    const sdk = await import('../index.js');
    const errors: unknown[] = [];
    const tracker = sdk.withCommerce(sdk.createTracker({ writeKey: 'wk', endpoint: 'https://collect.test', onError: (e) => errors.push(e) }));
    sdk.autoPage(tracker);
    tracker.signedIn('u1', { method: 'password' });
    for (const event of sdk.COMMERCE_EVENTS.split(',')) tracker.track(event, { product_id: 'p1', order_id: 'o1' });
    tracker.productAdded({ product_id: 'p2' });
    tracker.signedOut();
    await tracker.flush();
    expect(errors).toEqual([]);
    // The server's tracker records nothing: the page's own tracker does (issue #11 case 12).
    expect(bodies).toEqual([]);
  });
});
