// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => vi.unstubAllGlobals());

describe('@cairn/browser under SSR (Node, no window)', () => {
  it('imports without touching browser globals', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const sdk = await import('./index.js');
    expect(sdk.createTracker).toBeTypeOf('function');
  });

  it('a tracker created on the server keeps working in memory', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const bodies: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      bodies.push(new TextDecoder().decode(init.body as Uint8Array));
      return new Response('{"accepted":1,"duplicates":0,"rejected":[]}', { status: 200 });
    });
    const { createTracker } = await import('./index.js');
    const tracker = createTracker({ writeKey: 'wk', endpoint: 'https://collect.test' });
    tracker.track('Rendered');
    await tracker.flush();
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0]!).batch[0]).toMatchObject({ event: 'Rendered', context: { library: { name: '@cairn/browser' } } });
  });
});
