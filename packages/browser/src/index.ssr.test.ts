// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => vi.unstubAllGlobals());

describe('@cairn/browser under SSR (Node, no window)', () => {
  it('imports without touching browser globals', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const sdk = await import('./index.js');
    expect(sdk.createTracker).toBeTypeOf('function');
  });

  // Issue #11 case 12: a tracker created on the server arms no timer and sends nothing.
  it('a tracker created on the server arms no timer, sends nothing, and flush() resolves at once', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const { createTracker, CairnError } = await import('./index.js');
    const errors: unknown[] = [];
    const tracker = createTracker({ writeKey: 'wk', endpoint: 'https://collect.test', onError: (error) => errors.push(error) });
    tracker.track('Rendered');
    tracker.identify('u1');
    tracker.setConsent({ analytics: true });
    await tracker.flush();
    expect(timers).not.toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
    expect(tracker.getConsent()).toEqual({});
    // Bad options are still reported at once, as in a browser.
    expect(() => createTracker({ writeKey: '', endpoint: 'https://collect.test' })).toThrow(CairnError);
    timers.mockRestore();
  });
});
