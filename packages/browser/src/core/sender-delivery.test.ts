// The delivery rules of issue #3 on the core: queue limits, offline pause, retry cap, 413 split.
import { describe, expect, it, vi } from 'vitest';
import { createUlid } from '../browser/ulid.js';
import { createFakeTransport, createTestDeps, options, queued, settle, readBody } from './test-kit.js';
import { createTrackerCore } from './tracker.js';
import type { Transport, TrackerDeps, TrackerOptions } from './types.js';

const DAY = 864e5;

function setup(extra: Partial<TrackerOptions> = {}, overrides: Partial<TrackerDeps> = {}) {
  const env = createTestDeps(overrides);
  const times: number[] = [];
  const inner = env.deps.transport;
  env.deps.transport = (url, body, keepalive) => {
    times.push(env.clock.now() - t0);
    return inner(url, body, keepalive);
  };
  let network = true;
  let backOnline = () => {};
  env.deps.online = () => network;
  env.deps.onOnline = (callback) => (backOnline = callback);
  const onError = vi.fn();
  const t0 = env.clock.now();
  const tracker = createTrackerCore({ ...options, ...extra, onError }, env.deps);
  const setOnline = (value: boolean) => {
    network = value;
    if (value) backOnline();
  };
  const errors = () => onError.mock.calls.map(([error]) => ({ code: error.code, count: error.count, status: error.status }));
  return { ...env, tracker, onError, errors, at: times, setOnline };
}

const names = (events: { event?: string }[]) => events.map((event) => event.event);

describe('queue limits', () => {
  it('keeps the newest maxQueueEvents through an outage and reports every dropped event', async () => {
    const { tracker, net, clock, queue, errors } = setup({ maxQueueEvents: 5, retryDelay: 100 });
    for (let i = 0; i < 20; i++) net.answers.push({ status: 503 });
    for (let i = 0; i < 8; i++) tracker.track('E' + i);
    await clock.advance(1000);
    expect((await queue.read()).length).toBe(5);
    expect(errors()).toEqual([{ code: 'events_dropped', count: 3, status: undefined }]);
    for (let i = 8; i < 10; i++) tracker.track('E' + i);
    net.answers.length = 0;
    await Promise.all([tracker.flush(), clock.advance(60_000)]);
    expect(errors()).toEqual([
      { code: 'events_dropped', count: 3, status: undefined },
      { code: 'events_dropped', count: 2, status: undefined },
    ]);
    // Every attempt was of the then newest five; what is delivered is the last five tracked.
    expect(names(net.calls.at(-1)!.body.batch)).toEqual(['E5', 'E6', 'E7', 'E8', 'E9']);
  });

  it('keeps within maxQueueBytes', async () => {
    const { deps, net, clock } = createTestDeps();
    await deps.queue.add(['a', 'b', 'c'].map((id) => queued('id-' + id, JSON.stringify({ event: id, pad: 'x'.repeat(80) }))));
    const onError = vi.fn();
    createTrackerCore({ ...options, maxQueueBytes: 250, onError }, deps);
    await clock.advance(1000);
    expect(names(net.sent())).toEqual(['b', 'c']);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'events_dropped', count: 1 });
    expect(onError.mock.calls[0]?.[0].message).toBe('queue limits');
  });

  it('drops events left queued past queueTtl, unsent, and reports them', async () => {
    const env = createTestDeps();
    const ids = createUlid(env.clock.now, (bytes) => bytes.fill(7));
    const old = (daysAgo: number, event: string) => {
      const id = createUlid(() => env.clock.now() - daysAgo * DAY)();
      return queued(id, JSON.stringify({ messageId: id, event }));
    };
    await env.queue.add([old(9, 'Nine days'), old(8, 'Eight days'), old(6, 'Six days')]);
    const onError = vi.fn();
    const tracker = createTrackerCore({ ...options, onError }, { ...env.deps, ids });
    tracker.track('Now');
    await tracker.flush();
    expect(names(env.net.sent())).toEqual(['Six days', 'Now']);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'events_dropped', count: 2 });
  });
});

describe('offline', () => {
  it('pauses while offline without spending attempts, and resumes on `online`', async () => {
    const { tracker, net, clock, at, setOnline, queue } = setup();
    net.answers.push(new TypeError('Failed to fetch'));
    tracker.track('A');
    await clock.advance(1000); // attempt 1 fails: backoff 0.5 × 1 s
    setOnline(false);
    await clock.advance(120_000);
    expect(at).toEqual([1000]);
    tracker.track('B');
    await clock.advance(60_000);
    expect(at).toEqual([1000]);
    expect(await queue.read()).toHaveLength(2);
    net.answers.push({ status: 503 });
    setOnline(true);
    await clock.advance(0);
    expect(at).toEqual([1000, 181_000]); // at once on `online`
    await clock.advance(60_000);
    // Still the 2nd backoff (0.5 × 2 s) after three minutes offline: no attempt was spent.
    expect(at).toEqual([1000, 181_000, 182_000]);
    expect(names(net.sent().slice(-2))).toEqual(['A', 'B']);
    expect(await queue.read()).toEqual([]);
  });

  it('does not count a request that failed because the device went offline', async () => {
    const env = setup({ retryDelay: 1000 });
    const { tracker, clock, at, setOnline } = env;
    env.deps.transport = async () => {
      at.push(clock.now());
      setOnline(false);
      throw new TypeError('Failed to fetch');
    };
    tracker.track('A');
    await clock.advance(1000);
    expect(at).toHaveLength(1);
    env.deps.transport = env.net.transport;
    setOnline(true);
    await clock.advance(0);
    expect(env.net.calls).toHaveLength(1); // resumed at once: no backoff was started
  });

  it('keeps flush() waiting while offline, and resolves once delivered', async () => {
    const { tracker, net, clock, setOnline } = setup();
    setOnline(false);
    tracker.track('A');
    let done = false;
    const flushed = tracker.flush().then(() => (done = true));
    await clock.advance(30_000);
    expect(done).toBe(false);
    expect(net.calls).toHaveLength(0);
    setOnline(true);
    await clock.advance(2000);
    await flushed;
    expect(names(net.sent())).toEqual(['A']);
  });
});

describe('retry cap', () => {
  it('drops a batch once it waited maxRetryTime on retries, reports it, and lets flush() resolve', async () => {
    const { tracker, net, clock, queue, errors, at } = setup({ maxRetryTime: 10_000 });
    for (let i = 0; i < 20; i++) net.answers.push({ status: 503 });
    tracker.track('A');
    tracker.track('B');
    const flushed = tracker.flush();
    await clock.advance(60_000);
    await flushed;
    // random() = 0.5: waits of 0.5, 1, 2, 4 s (7.5 s in all); the next 8 s would pass 10 s.
    expect(at).toEqual([0, 500, 1500, 3500, 7500]);
    expect(await queue.read()).toEqual([]);
    expect(errors()).toEqual([{ code: 'send_failed', count: 2, status: 503 }]);
    // The next batch starts with a fresh budget.
    net.answers.length = 0;
    tracker.track('C');
    await tracker.flush();
    expect(names(net.calls.at(-1)!.body.batch)).toEqual(['C']);
  });

  it('gives up at once on a Retry-After beyond the cap, reporting status 0 for a network error too', async () => {
    const { tracker, net, errors } = setup({ maxRetryTime: 5000 });
    net.answers.push({ status: 429, retryAfter: '60' });
    tracker.track('A');
    await tracker.flush();
    expect(net.calls).toHaveLength(1);
    expect(errors()).toEqual([{ code: 'send_failed', count: 1, status: 429 }]);
    const zero = setup({ maxRetryTime: 0 });
    zero.net.answers.push(new TypeError('Failed to fetch'));
    zero.tracker.track('B');
    await zero.tracker.flush();
    expect(zero.errors()).toEqual([{ code: 'send_failed', count: 1, status: 0 }]);
  });
});

describe('413', () => {
  it('splits the batch until it fits, delivering every event once', async () => {
    const collector = createFakeTransport();
    const statuses: number[] = [];
    // A collector whose request limit is three events' worth.
    const transport: Transport = async (url, body, keepalive) => {
      const fits = readBody(body).batch.length <= 3;
      statuses.push(fits ? 200 : 413);
      return fits ? collector.transport(url, body, keepalive) : { status: 413 };
    };
    const { tracker, errors } = setup({ flushAt: 100 }, { transport });
    for (let i = 0; i < 10; i++) tracker.track('E' + i);
    await tracker.flush();
    expect(statuses).toEqual([413, 413, 200, 200, 200, 200, 200]); // 10 → 5 → 2 per request
    expect(names(collector.sent())).toEqual([...Array(10).keys()].map((i) => 'E' + i));
    expect(errors()).toEqual([]);
  });
});

describe('page exit', () => {
  it('sends only what came after the previous exit send', async () => {
    const env = createTestDeps();
    let exit = () => {};
    env.deps.onPageExit = (callback) => (exit = callback);
    const tracker = createTrackerCore({ ...options, flushInterval: 60_000, onError: () => {} }, env.deps);
    env.net.answers.push(new TypeError('aborted'));
    tracker.track('A');
    tracker.track('B');
    exit(); // visibilitychange → hidden: the send fails, A and B stay queued
    tracker.track('C');
    exit(); // back and hidden again
    exit(); // pagehide: nothing new
    await settle();
    expect(env.net.calls.map((call) => [call.keepalive, names(call.body.batch)])).toEqual([
      [true, ['A', 'B']],
      [true, ['C']],
    ]);
    expect((await env.queue.read()).length).toBe(2);
  });
});

describe('without a cross-tab lock (no Web Locks API)', () => {
  function tab(shared?: { queue: TrackerDeps['queue']; clock: ReturnType<typeof createTestDeps>['clock'] }) {
    const env = createTestDeps(shared ? { queue: shared.queue, clock: shared.clock } : {});
    const clock = shared ? shared.clock : env.clock;
    const deps = { ...env.deps, lock: undefined, ids: createUlid(clock.now) };
    return { ...env, clock, deps, tracker: createTrackerCore({ ...options, onError: () => {} }, deps) };
  }

  it('each tab sends the events it wrote, never another live tab’s', async () => {
    const a = tab();
    const b = tab(a);
    for (let i = 0; i < 3; i++) {
      a.tracker.track('A' + i);
      b.tracker.track('B' + i);
      await a.clock.advance(400);
    }
    await a.clock.advance(5000);
    expect(names(a.net.sent())).toEqual(['A0', 'A1', 'A2']);
    expect(names(b.net.sent())).toEqual(['B0', 'B1', 'B2']);
    expect(await a.queue.read()).toEqual([]);
  });

  it('takes over events another tab left unsent once they are 30 s old', async () => {
    const env = tab();
    const left = (ageMs: number, event: string) => {
      const id = createUlid(() => env.clock.now() - ageMs)();
      return queued(id, JSON.stringify({ messageId: id, event }));
    };
    await env.queue.add([left(40_000, 'Old'), left(10_000, 'Young')]);
    await env.clock.advance(1000);
    expect(names(env.net.sent())).toEqual(['Old']);
    await env.clock.advance(30_000);
    expect(names(env.net.sent())).toEqual(['Old', 'Young']);
  });
});
