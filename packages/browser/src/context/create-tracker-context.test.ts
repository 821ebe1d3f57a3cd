// createTracker() wiring: every event carries the page, device, session and campaign.
import type { WireEvent } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubCollectorFetch } from '../../test-support/test-kit.js';
import { withCommerce } from '../commerce/with-commerce.js';
import { createTracker } from '../create-tracker.js';

let sent: WireEvent[];

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  sent = stubCollectorFetch().events;
});

afterEach(() => vi.unstubAllGlobals());

describe('createTracker context', () => {
  it('stamps page, device, screen, timezone, session and the landing campaign on later pages', async () => {
    history.replaceState({}, '', '/landing?utm_source=newsletter&utm_campaign=spring&gclid=Cj0K');
    const tracker = createTracker({ writeKey: 'wk', endpoint: 'https://collect.test', onError: () => {} });
    tracker.page();
    history.replaceState({}, '', '/products');
    tracker.track('Product Viewed', { product_id: 'p1' });
    // A second page load of the same site: the session and campaign come from localStorage.
    const reloaded = createTracker({ writeKey: 'wk', endpoint: 'https://collect.test', onError: () => {} });
    reloaded.track('Clicked');
    await tracker.flush();
    await reloaded.flush();

    expect(sent).toHaveLength(3);
    const [landing, later, afterReload] = sent as [WireEvent, WireEvent, WireEvent];
    expect(landing.context).toMatchObject({
      page: { path: '/landing', search: '?utm_source=newsletter&utm_campaign=spring&gclid=Cj0K' },
      device: { type: expect.stringMatching(/^(mobile|tablet|desktop)$/) },
      screen: { width: expect.any(Number), innerWidth: expect.any(Number) },
      timezone: expect.any(String),
      locale: navigator.language,
      campaign: { source: 'newsletter', name: 'spring', gclid: 'Cj0K' },
      sessionId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      library: { name: '@cairn/browser' },
    });
    for (const event of [later, afterReload]) {
      expect(event.context?.page?.path).toBe('/products');
      expect(event.context?.sessionId).toBe(landing.context?.sessionId);
      expect(event.context?.campaign).toEqual(landing.context?.campaign);
    }
  });

  it('sessionTimeout ends the session', async () => {
    vi.useFakeTimers({ now: Date.UTC(2025, 0, 1), toFake: ['Date'] });
    try {
      const tracker = createTracker({ writeKey: 'wk', endpoint: 'https://collect.test', sessionTimeout: 60_000 });
      tracker.track('A');
      vi.setSystemTime(Date.UTC(2025, 0, 1, 0, 0, 59));
      tracker.track('B');
      vi.setSystemTime(Date.UTC(2025, 0, 1, 0, 2, 0));
      tracker.track('C');
      await tracker.flush();
    } finally {
      vi.useRealTimers();
    }
    const [a, b, c] = sent.map((event) => event.context?.sessionId);
    expect(a).toBe(b);
    expect(c).not.toBe(b);
  });

  it('withCommerce() adds the helpers to the browser tracker and checks its option', async () => {
    const tracker = withCommerce(createTracker({ writeKey: 'wk', endpoint: 'https://collect.test' }), { cartIdle: 60_000 });
    tracker.productAdded({ product_id: 'p1', price: 5 });
    await tracker.flush();
    expect(sent.map((event) => event.event)).toEqual(['Product Added']);
    expect(JSON.parse(localStorage.getItem('cairn:cart')!)).toMatchObject({ lines: { p1: { price: 5, quantity: 1 } } });
    expect(() => withCommerce(tracker, { cartIdle: -1 })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});
