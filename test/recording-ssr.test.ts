// The built @cairn/browser package under Node, as a server-side renderer loads it: no window,
// document, navigator, localStorage or indexedDB. Importing touches no browser global, and the
// helpers a component may call while rendering do not throw.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** The part of the package's API this test calls (the test project does not see its types). */
interface Sdk {
  createTracker(options: { writeKey: string; endpoint: string; onError?: (error: unknown) => void }): SdkTracker;
  withCommerce<T>(tracker: T, options?: { cartIdle?: number }): T & Record<string, (properties?: object) => void>;
  autoPage(tracker: SdkTracker): void;
  COMMERCE_EVENTS: string;
}
interface SdkTracker {
  track(event: string, properties?: object): void;
  page(): void;
  identify(userId: string): void;
  signedIn(userId: string, properties?: object): void;
  signedOut(): void;
  reset(): void;
  flush(): Promise<void>;
}

// A variable specifier: resolved at run time to the built package (dist/), as a user gets it.
const PACKAGE = '@cairn/browser';
const BROWSER_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'indexedDB', 'location', 'history', 'screen'];

afterEach(() => vi.unstubAllGlobals());

describe('@cairn/browser on Node (SSR)', () => {
  it('ESM and CJS entries import without a DOM and touch no browser global', async () => {
    const present = BROWSER_GLOBALS.filter((name) => name in globalThis && name !== 'navigator');
    expect(present).toEqual([]);
    const touched: string[] = [];
    // Node 20 has no `navigator`; any of these read during import would be recorded here.
    for (const name of BROWSER_GLOBALS) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get: () => void touched.push(name),
      });
    }
    try {
      const esm = (await import(PACKAGE)) as Sdk;
      const cjs = createRequire(import.meta.url)(PACKAGE) as Sdk;
      expect(Object.keys(esm).sort()).toEqual(Object.keys(cjs).sort());
      expect(esm.createTracker).toBeTypeOf('function');
    } finally {
      for (const name of BROWSER_GLOBALS) delete (globalThis as Record<string, unknown>)[name];
    }
    expect(touched).toEqual([]);
  });

  it('a tracker made while rendering on the server runs every helper without throwing, and sends nothing', async () => {
    const bodies: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const body = new TextDecoder().decode(init.body as Uint8Array); // the SDK sends UTF-8 bytes
      bodies.push(body);
      const count = JSON.parse(body).batch.length;
      return new Response(JSON.stringify({ accepted: count, duplicates: 0, rejected: [] }), { status: 200 });
    });
    const sdk = (await import(PACKAGE)) as Sdk;
    const errors: unknown[] = [];
    const tracker = sdk.withCommerce(sdk.createTracker({ writeKey: 'wk', endpoint: 'https://collect.test', onError: (e) => errors.push(e) }));
    expect(() => {
      sdk.autoPage(tracker);
      tracker.page();
      tracker.signedIn('user-1', { method: 'password' });
      for (const event of sdk.COMMERCE_EVENTS.split(',')) tracker.track(event, { product_id: 'p1' });
      tracker.productAdded!({ product_id: 'p1', price: 1 });
      tracker.orderCompleted!({ order_id: 'o1' });
      tracker.signedOut();
    }).not.toThrow();
    await tracker.flush();
    expect(errors).toEqual([]);
    // On the server the tracker records nothing and arms no timer (the page's tracker records).
    expect(bodies).toEqual([]);
  });
});
