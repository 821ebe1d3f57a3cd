import type { WireEvent } from '@cairn/protocol';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdbQueue } from '../browser/idb-queue.js';
import { createTestDeps, options, queued } from '../../test-support/test-kit.js';
import { createTrackerCore } from '../core/tracker.js';
import type { TrackerDeps, TrackerOptions } from '../core/types.js';

function setup(extra: Partial<TrackerOptions> = {}, overrides: Partial<TrackerDeps> = {}) {
  const env = createTestDeps(overrides);
  const onError = vi.fn();
  const tracker = createTrackerCore(
    { ...options, consent: 'required', eventCategories: { 'Ad Clicked': 'marketing', 'Consent Updated': 'necessary' }, ...extra, onError },
    env.deps,
  );
  const sent = async () => {
    await tracker.flush();
    return env.net.sent() as WireEvent[];
  };
  return { ...env, tracker, onError, sent };
}

const names = (events: WireEvent[]) => events.map((event) => event.event ?? event.type);

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('consent in the tracker', () => {
  it('required: holds events, stores no identifier, then sends the granted ones stamped with the grant', async () => {
    const { tracker, sent, clock, deps, queue } = setup();
    tracker.identify('user-1');
    tracker.track('Product Viewed');
    tracker.track('Ad Clicked');
    tracker.track('Consent Updated');
    await clock.advance(5000);
    expect(names(await sent())).toEqual(['Consent Updated']);
    expect(await queue.read()).toEqual([]);
    for (const key of ['cairn:aid', 'cairn:uid', 'cairn:session']) expect(deps.storage.get(key)).toBeUndefined();

    tracker.setConsent({ analytics: true });
    const events = await sent();
    expect(names(events)).toEqual(['Consent Updated', 'identify', 'Product Viewed']);
    expect(events[1]?.context?.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
    expect(events[1]?.userId).toBe('user-1');
    // The ids the held events carried are the ones now kept.
    expect(deps.storage.get('cairn:aid')).toBe(events[1]?.anonymousId);
    expect(deps.storage.get('cairn:uid')).toBe('user-1');
    // The marketing event still waits for its own decision.
    tracker.setConsent({ marketing: true });
    expect(names(await sent()).slice(3)).toEqual(['Ad Clicked']);
  });

  it('a denial purges what is queued but unsent, from memory and IndexedDB, and the identifiers', async () => {
    const queue = createIdbQueue('consent-purge');
    const { tracker, net, clock, deps } = setup({}, { queue });
    tracker.setConsent({ analytics: true, marketing: true });
    for (let i = 0; i < 5; i++) net.answers.push(new Error('offline'));
    tracker.track('Product Viewed');
    tracker.track('Ad Clicked');
    await clock.advance(1000);
    await vi.waitFor(async () => expect(net.calls.length).toBe(1));
    expect(await queue.read()).toHaveLength(2);
    expect(deps.storage.get('cairn:aid')).toBeTruthy();

    tracker.setConsent({ analytics: false });
    await vi.waitFor(async () => expect((await queue.read()).map((event) => JSON.parse(event.json).event)).toEqual(['Ad Clicked']));
    expect(deps.storage.get('cairn:aid')).toBeUndefined();
    const before = net.calls.length;
    tracker.track('Product Viewed');
    tracker.track('Consent Updated');
    for (let i = 0; i < 20 && (await queue.read()).length; i++) await clock.advance(60_000);
    // Retried until delivered: the marketing event and the necessary one, never analytics.
    const after = net.calls.slice(before).flatMap((call) => call.body.batch) as WireEvent[];
    expect(new Set(names(after))).toEqual(new Set(['Ad Clicked', 'Consent Updated']));
    expect(await queue.read()).toEqual([]);
  });

  it('optional (default): no stamp until consent is in play; GPC then denies marketing until granted', async () => {
    const { tracker, sent } = setup({ consent: undefined });
    tracker.track('Product Viewed');
    tracker.setConsent({ marketing: false }, 'gpc');
    tracker.track('Ad Clicked');
    tracker.track('Product Viewed');
    tracker.setConsent({ marketing: true });
    tracker.track('Ad Clicked');
    const events = await sent();
    expect(names(events)).toEqual(['Product Viewed', 'Product Viewed', 'Ad Clicked']);
    expect(events[0]?.context?.consent).toBeUndefined();
    expect(events[1]?.context?.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: false } });
    expect(events[2]?.context?.consent).toEqual({ categoryPreferences: { necessary: true, analytics: true, marketing: true } });
  });

  it('remembers decisions for the next page, tells listeners, and answers getConsent', async () => {
    const first = setup();
    const listener = vi.fn();
    first.tracker.onConsentChange(listener);
    first.tracker.setConsent({ analytics: true });
    expect(listener).toHaveBeenCalledWith({ necessary: true, analytics: true, marketing: false }, 'api');
    const next = setup({}, { storage: first.deps.storage });
    expect(next.tracker.getConsent()).toEqual({ necessary: true, analytics: true, marketing: false });
    next.tracker.track('Product Viewed');
    expect(names(await next.sent())).toEqual(['Product Viewed']);
  });

  it('takes setConsent and onConsentChange through the stub queue, in order', async () => {
    const { tracker, sent } = setup();
    const listener = vi.fn();
    tracker.push(['onConsentChange', 1, listener]);
    tracker.push(['track', 2, 'Product Viewed']);
    tracker.push(['setConsent', 3, { analytics: true }]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(names(await sent())).toEqual(['Product Viewed']);
  });

  it('holds at most maxQueueEvents undecided events, reporting the loss', () => {
    const { tracker, onError } = setup({ maxQueueEvents: 2 });
    for (let i = 0; i < 3; i++) tracker.track('Product Viewed');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'events_dropped', count: 1 }));
  });
});

describe('consent and identity at the edges (issue #11)', () => {
  // Case 8: the consent stamp is the SDK's.
  it('a caller’s context.consent never replaces the stamp', async () => {
    const { tracker, sent } = setup({ consent: 'optional' });
    tracker.setConsent({ marketing: false });
    const forged = { categoryPreferences: { analytics: true, marketing: true } };
    tracker.track('Product Viewed', {}, { context: { consent: forged, campaign: { source: 'x' } } });
    const [event] = await sent();
    expect(event!.context).toMatchObject({ campaign: { source: 'x' }, consent: { categoryPreferences: { analytics: true, marketing: false } } });
  });

  it('nor adds one where consent is not in play', async () => {
    const { tracker, sent } = setup({ consent: 'optional' });
    tracker.track('Product Viewed', {}, { context: { consent: { categoryPreferences: { marketing: true } } } });
    const [event] = await sent();
    expect(event!.context).not.toHaveProperty('consent');
  });

  // Case 7, across tabs: the queue is shared, and a tab that has not heard of the decision yet
  // may still write an event of the denied category after this tab purged and drained.
  it('a denied event another tab wrote after the purge is deleted by the next drain, never sent', async () => {
    const { tracker, sent, queue } = setup({ consent: 'optional' });
    tracker.setConsent({ analytics: false });
    tracker.track('Ad Clicked');
    expect(names(await sent())).toEqual(['Ad Clicked']); // this tab drained after the decision
    const late = { type: 'track', event: 'Product Viewed', messageId: 'id-000000', anonymousId: 'a' };
    await queue.add([queued('id-000000', JSON.stringify(late))]);
    tracker.track('Ad Clicked');
    expect(names(await sent())).toEqual(['Ad Clicked', 'Ad Clicked']);
    expect(await queue.read()).toEqual([]);
  });

  // Case 9: held events keep their person.
  it('events held before signedOut() go out under the identity they were captured with', async () => {
    const { tracker, sent } = setup();
    tracker.identify('user-1');
    tracker.track('Product Viewed');
    const before = tracker.user();
    tracker.signedOut();
    const after = tracker.user();
    expect(after.anonymousId).not.toBe(before.anonymousId);
    tracker.track('Home Viewed');
    tracker.setConsent({ analytics: true });
    const events = await sent();
    const who = Object.fromEntries(events.map((event) => [names([event])[0], [event.anonymousId, event.userId]]));
    expect(who['Product Viewed']).toEqual([before.anonymousId, 'user-1']);
    expect(who['Signed Out']).toEqual([before.anonymousId, 'user-1']);
    expect(who['Home Viewed']).toEqual([tracker.user().anonymousId, undefined]);
    // Never the next visitor's anonymousId with the previous userId.
    expect(events.filter((event) => event.userId == 'user-1' && event.anonymousId != before.anonymousId)).toEqual([]);
  });
});
