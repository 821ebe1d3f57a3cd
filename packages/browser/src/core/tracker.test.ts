import type { WireEvent } from '@cairn/protocol';
import { describe, expect, it, vi } from 'vitest';
import { CairnError } from './cairn-error.js';
import { createTestDeps, options } from '../../test-support/test-kit.js';
import { createTrackerCore } from './tracker.js';
import type { TrackerDeps } from './types.js';

function setup(overrides: Partial<TrackerDeps> = {}) {
  const env = createTestDeps({
    context: () => ({ page: { path: '/pricing' }, locale: 'en-GB' }),
    ...overrides,
  });
  const onError = vi.fn();
  const tracker = createTrackerCore({ ...options, onError }, env.deps);
  const events = async () => {
    await tracker.flush();
    return env.net.sent() as WireEvent[];
  };
  return { ...env, tracker, onError, events };
}

describe('createTrackerCore events', () => {
  it('builds a track event with ids, timestamp, identity and context', async () => {
    const { tracker, events, clock } = setup();
    tracker.track('Product Added', { sku: 'RC-1', price: 18 });
    const [event] = await events();
    expect(event).toEqual({
      type: 'track',
      messageId: 'id-000001',
      timestamp: new Date(clock.now()).toISOString(),
      anonymousId: 'id-000002', // made on first use, then kept
      event: 'Product Added',
      properties: { sku: 'RC-1', price: 18 },
      context: {
        page: { path: '/pricing' },
        locale: 'en-GB',
        library: { name: '@cairn/browser', version: '0.0.0-dev' },
      },
    });
  });

  it('builds page and identify events, with Segment-style optional arguments', async () => {
    const { tracker, events } = setup();
    tracker.page('Pricing', { plan: 'pro' });
    tracker.page({ section: 'faq' });
    tracker.identify('user-42', { email: 'a@example.com' });
    tracker.identify({ plan: 'team' });
    const sent = await events();
    expect(sent.map(({ type, name, properties, traits, userId }) => ({ type, name, properties, traits, userId }))).toEqual([
      { type: 'page', name: 'Pricing', properties: { plan: 'pro' } },
      { type: 'page', properties: { section: 'faq' } },
      { type: 'identify', userId: 'user-42', traits: { email: 'a@example.com' } },
      { type: 'identify', userId: 'user-42', traits: { plan: 'team' } },
    ]);
  });

  it('applies per-call options: timestamp and extra context', async () => {
    const { tracker, events } = setup();
    tracker.track('Signed In', {}, { timestamp: '2024-06-01T10:00:00.000Z', context: { locale: 'fr-FR', app: 'pos' } });
    const [event] = await events();
    expect(event?.timestamp).toBe('2024-06-01T10:00:00.000Z');
    expect(event?.context).toMatchObject({ locale: 'fr-FR', app: 'pos', page: { path: '/pricing' } });
  });

  it('keeps the anonymousId across trackers on the same storage; identify stores the userId', async () => {
    const first = setup();
    first.tracker.identify('user-7');
    const second = setup({ storage: first.deps.storage });
    second.tracker.track('Reloaded');
    const [event] = await second.events();
    expect(event?.anonymousId).toBe(first.tracker.user().anonymousId);
    expect(event?.userId).toBe('user-7');
  });

  it('reset() forgets the user: a new anonymousId and no userId', async () => {
    const { tracker, events } = setup();
    tracker.identify('user-7');
    const before = tracker.user().anonymousId;
    tracker.reset();
    tracker.track('Anonymous Again');
    const sent = await events();
    const last = sent[sent.length - 1];
    expect(last?.anonymousId).not.toBe(before);
    expect(last?.userId).toBeUndefined();
    expect(tracker.user().userId).toBeUndefined();
  });
});

describe('createTrackerCore serialization', () => {
  it('takes the properties as they were at the call', async () => {
    const { tracker, events } = setup();
    const properties = { step: 1, cart: { items: ['a'] } };
    tracker.track('Step', properties);
    properties.step = 2;
    properties.cart.items.push('b');
    tracker.track('Step', properties);
    expect((await events()).map((event) => event.properties)).toEqual([
      { step: 1, cart: { items: ['a'] } },
      { step: 2, cart: { items: ['a', 'b'] } },
    ]);
  });

  it('merges a call’s context over the automatic one without repeating a key in the JSON', async () => {
    const { tracker, deps, clock } = setup();
    tracker.track('A', {}, { context: { locale: 'fr-FR' } });
    tracker.track('B', {}, { context: { app: 'pos' } });
    tracker.track('C');
    await clock.advance(100);
    const [a, b, c] = (await deps.queue.read()).map((event) => event.json);
    expect(a!.match(/"locale"/g)).toHaveLength(1);
    expect(JSON.parse(a!).context).toEqual({ page: { path: '/pricing' }, locale: 'fr-FR', library: expect.any(Object) });
    expect(JSON.parse(b!).context).toEqual({ page: { path: '/pricing' }, locale: 'en-GB', library: expect.any(Object), app: 'pos' });
    expect(JSON.parse(c!).context).toEqual({ page: { path: '/pricing' }, locale: 'en-GB', library: expect.any(Object) });
  });
});

describe('createTrackerCore never throws', () => {
  it('reports bad input through onError and keeps working', async () => {
    const { tracker, onError, events } = setup();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => {
      tracker.track(undefined as unknown as string);
      tracker.track('', {});
      tracker.track('Circular', circular);
      tracker.track('BigInt', { n: 10n });
      tracker.track('Bad Time', {}, { timestamp: 'not a date' });
      tracker.push('nope' as never);
      tracker.push(['noSuchMethod', 0]);
    }).not.toThrow();
    tracker.track('Fine');
    expect(onError).toHaveBeenCalledTimes(7);
    for (const [error] of onError.mock.calls) {
      expect(error).toBeInstanceOf(CairnError);
      expect(error.code).toBe('invalid_event');
    }
    expect((await events()).map((event) => event.event)).toEqual(['Fine']);
  });

  it('survives an onError that throws', () => {
    const { deps } = createTestDeps();
    const tracker = createTrackerCore({ ...options, onError: () => { throw new Error('boom'); } }, deps);
    expect(() => tracker.track(42 as unknown as string)).not.toThrow();
  });

  it('drops an event over MAX_EVENT_BYTES with event_too_large, never queued', async () => {
    const { tracker, onError, events, queue } = setup();
    tracker.track('Huge', { blob: 'é'.repeat(17 * 1024) }); // 34 KiB of UTF-8, 17 K characters
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'event_too_large' }));
    expect(await queue.read()).toEqual([]);
    expect(await events()).toEqual([]);
  });
});

describe('createTrackerCore stub replay', () => {
  it('push() runs entries in order, stamped with their call times', async () => {
    const { tracker, events } = setup();
    const t0 = Date.UTC(2024, 11, 24, 18, 0, 0);
    tracker.push(['identify', t0, 'user-1']);
    tracker.push(['track', t0 + 5, 'Clicked', { button: 'buy' }]);
    tracker.push(['page', t0 + 9]);
    tracker.track('Live');
    const sent = await events();
    expect(sent.map((event) => [event.type, event.timestamp])).toEqual([
      ['identify', '2024-12-24T18:00:00.000Z'],
      ['track', '2024-12-24T18:00:00.005Z'],
      ['page', '2024-12-24T18:00:00.009Z'],
      ['track', '2025-01-01T00:00:00.000Z'], // the fake clock's now: the override ended
    ]);
    expect(sent[1]).toMatchObject({ event: 'Clicked', properties: { button: 'buy' }, userId: 'user-1' });
  });
});
