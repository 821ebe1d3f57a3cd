import type { WireEvent } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdbQueue } from '../browser/idb-queue.js';
import { createMemoryStorage } from '../core/memory-storage.js';
import { createCounterIds, createTestDeps, options } from '../../test-support/test-kit.js';
import { createTrackerCore } from '../core/tracker.js';
import type { KeyValueStorage } from '../core/types.js';
import { holdIn } from './hold-in.js';

const CATEGORIES = { 'Ad Clicked': 'marketing', 'Consent Updated': 'necessary' };

/** One page load of a site in required mode whose undecided events wait in IndexedDB. */
function page(name: string, storage: KeyValueStorage, extra: object = {}) {
  const env = createTestDeps({ storage, ids: createCounterIds(name + '-') });
  const onError = vi.fn();
  const tracker = createTrackerCore(
    {
      ...options,
      consent: 'required',
      eventCategories: CATEGORIES,
      holdUndecided: holdIn(createIdbQueue('cairn-undecided')),
      onError,
      ...extra,
    },
    env.deps,
  );
  const sent = async () => {
    await tracker.flush();
    return env.net.sent() as WireEvent[];
  };
  return { ...env, tracker, onError, sent };
}

const held = () => createIdbQueue('cairn-undecided').read();
const names = (events: WireEvent[]) => events.map((event) => event.event ?? event.type);

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('holdIn (holdUndecided option)', () => {
  it('keeps undecided events across a page load; the grant on the next page sends them under its id', async () => {
    const storage = createMemoryStorage();
    const first = page('a', storage);
    first.tracker.page('Landing', {}, { context: { campaign: { source: 'google', gclid: 'Cj0K' } } });
    first.tracker.track('Product Viewed', { sku: 'RC-1' });
    first.tracker.track('Consent Updated');
    await first.clock.advance(5000);
    expect(names(await first.sent())).toEqual(['Consent Updated']);
    await vi.waitFor(async () => expect(await held()).toHaveLength(2));
    // Nothing identifying in localStorage; the held events are all that is kept.
    for (const key of ['cairn:aid', 'cairn:uid', 'cairn:session']) expect(storage.get(key)).toBeUndefined();

    const second = page('b', storage);
    second.tracker.setConsent({ analytics: true });
    await second.clock.advance(100);
    const events = await second.sent();
    expect(names(events)).toEqual(['page', 'Product Viewed']);
    expect(events[0]?.context?.campaign).toEqual({ source: 'google', gclid: 'Cj0K' });
    expect(events[0]?.name).toBe('Landing');
    for (const event of events) {
      expect(event.messageId.startsWith('a-')).toBe(true);
      expect(event.context?.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
      // One visitor: the id this page keeps now that analytics is granted.
      expect(event.anonymousId).toBe(storage.get('cairn:aid'));
    }
    await vi.waitFor(async () => expect(await held()).toEqual([]));
  });

  it('a page loading after the decision settles what earlier pages held; a denial deletes them', async () => {
    const storage = createMemoryStorage();
    const first = page('a', storage);
    first.tracker.track('Product Viewed');
    first.tracker.track('Ad Clicked');
    await vi.waitFor(async () => expect(await held()).toHaveLength(2));
    // The decision is made elsewhere (another tab, a CMP) and stored; the next page finds it.
    storage.set('cairn:consent', JSON.stringify({ analytics: false, marketing: true }));
    const second = page('b', storage);
    await second.clock.advance(100);
    expect(names(await second.sent())).toEqual(['Ad Clicked']);
    await vi.waitFor(async () => expect(await held()).toEqual([]));
  });

  it('holds no more than the queue limits allow, reporting the oldest it drops', async () => {
    const storage = createMemoryStorage();
    const first = page('a', storage, { maxQueueEvents: 3 });
    for (let n = 0; n < 5; n++) first.tracker.track('Product Viewed', { n });
    await vi.waitFor(async () => expect(await held()).toHaveLength(5));
    const second = page('b', storage, { maxQueueEvents: 3 });
    second.tracker.setConsent({ analytics: true });
    await second.clock.advance(100);
    expect((await second.sent()).map((event) => event.properties?.n)).toEqual([2, 3, 4]);
    expect(second.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'events_dropped', count: 2 }));
  });
});
