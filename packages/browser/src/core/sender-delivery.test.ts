// The delivery rules of issue #3 on the core: queue limits, offline pause, retry cap, 413 split.
import { describe, expect, it, vi } from 'vitest';
import { createUlid } from '../browser/ulid.js';
import { createFakeTransport, createTestDeps, options, queued, settle, readBody } from '../../test-support/test-kit.js';
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
    // The first attempt carries all 8 (no cap before a failure); after it fails, the backlog is capped.
    await clock.advance(1000);
    expect(names(net.calls[0]!.body.batch)).toHaveLength(8);
    await clock.advance(1000);
    expect((await queue.read()).length).toBe(5);
    const dropped = () => errors().filter((error) => error.code == 'events_dropped');
    expect(dropped()).toEqual([{ code: 'events_dropped', count: 3, status: 0 }]);
    for (let i = 8; i < 10; i++) tracker.track('E' + i);
    net.answers.length = 0;
    await Promise.all([tracker.flush(), clock.advance(60_000)]);
    expect(dropped()).toEqual([
      { code: 'events_dropped', count: 3, status: 0 },
      { code: 'events_dropped', count: 2, status: 0 },
    ]);
    // What is delivered is the last five tracked.
    expect(names(net.calls.at(-1)!.body.batch)).toEqual(['E5', 'E6', 'E7', 'E8', 'E9']);
  });

  it('keeps within maxQueueBytes once a send failed', async () => {
    const { deps, net, clock } = createTestDeps();
    await deps.queue.add(['a', 'b', 'c'].map((id) => queued('id-' + id, JSON.stringify({ event: id, pad: 'x'.repeat(80) }))));
    const onError = vi.fn();
    net.answers.push({ status: 503 });
    createTrackerCore({ ...options, maxQueueBytes: 250, onError }, deps);
    await clock.advance(1000);
    expect(names(net.sent())).toEqual(['a', 'b', 'c']);
    await clock.advance(1000);
    expect(names(net.calls[1]!.body.batch)).toEqual(['b', 'c']);
    expect(onError.mock.calls[1]?.[0]).toMatchObject({ code: 'events_dropped', count: 1 });
    expect(onError.mock.calls[1]?.[0].message).toMatch(/1 events dropped: queue over maxQueueEvents, maxQueueBytes or queueTtl/);
  });

  // Issue #11 case 6: the caps are for a backlog, not for one burst not drained yet.
  it('delivers a burst of 2,000 track() calls in one task in full, with the default options', async () => {
    const { tracker, net, clock, queue, errors } = setup();
    for (let i = 0; i < 2000; i++) tracker.track('Burst', { i });
    await clock.advance(10_000);
    expect(errors()).toEqual([]);
    const sent = net.sent().map((event) => (event.properties as { i: number }).i);
    expect(new Set(sent).size).toBe(2000);
    expect(await queue.read()).toEqual([]);
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

  // Issue #11 case 5: flush() settles within a bounded time while offline.
  it('settles flush() within `timeout` while offline, reporting flush_incomplete; the events stay queued', async () => {
    const { tracker, net, clock, setOnline, queue, errors } = setup({ timeout: 5000 });
    setOnline(false);
    tracker.track('A');
    let done = false;
    const flushed = tracker.flush().then(() => (done = true));
    await clock.advance(4000);
    expect(done).toBe(false);
    await clock.advance(2000);
    expect(done).toBe(true);
    await flushed;
    expect(errors()).toEqual([{ code: 'flush_incomplete', count: undefined, status: undefined }]);
    expect(net.calls).toHaveLength(0);
    expect(await queue.read()).toHaveLength(1);
    setOnline(true);
    await clock.advance(2000);
    expect(names(net.sent())).toEqual(['A']);
  });

  it('waits in flush() through retries that fit in `timeout`', async () => {
    const { tracker, net, clock, setOnline } = setup();
    setOnline(false);
    tracker.track('A');
    const flushed = tracker.flush();
    await clock.advance(3000);
    setOnline(true);
    net.answers.push({ status: 503 });
    await clock.advance(3000);
    await flushed;
    expect(names(net.sent())).toEqual(['A', 'A']);
  });
});

describe('failures keep the events', () => {
  it('reports a failed drain and tries again', async () => {
    const { tracker, net, clock, queue, errors } = setup();
    const read = queue.read;
    queue.read = async () => {
      queue.read = read;
      throw new Error('IndexedDB broke');
    };
    tracker.track('A');
    await clock.advance(1000);
    expect(errors()).toEqual([{ code: 'internal', count: undefined, status: undefined }]);
    await clock.advance(5000);
    expect(names(net.sent())).toEqual(['A']);
  });

  it('reports status 0 for a network error and keeps the events', async () => {
    const { tracker, net, clock, queue, errors } = setup();
    net.answers.push(new TypeError('Failed to fetch'));
    tracker.track('A');
    await clock.advance(1000);
    expect(errors()).toEqual([{ code: 'send_failed', count: 1, status: 0 }]);
    expect(await queue.read()).toHaveLength(1);
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
  // Issue #11 case 4: the marker moves only after a 2xx.
  it('resends on a later exit what a failed exit send carried, and never what one got acknowledged', async () => {
    const env = createTestDeps();
    let exit = () => {};
    env.deps.onPageExit = (callback) => (exit = callback);
    const tracker = createTrackerCore({ ...options, flushInterval: 60_000, onError: () => {} }, env.deps);
    env.net.answers.push(new TypeError('aborted'));
    tracker.track('A');
    tracker.track('B');
    exit(); // visibilitychange → hidden: the send fails, A and B stay queued
    exit(); // pagehide while that send is in flight: nothing new to send
    await settle();
    exit(); // its failure is not a second chance within the same second (an unload may reject it)
    await env.clock.advance(1000);
    tracker.track('C');
    exit(); // back and hidden again: A and B again, with C
    await env.clock.advance(1000);
    exit(); // hidden again: all acknowledged, nothing to resend
    await env.clock.advance(1000);
    expect(env.net.calls.map((call) => [call.keepalive, names(call.body.batch)])).toEqual([
      [true, ['A', 'B']],
      [true, ['A', 'B', 'C']],
    ]);
    expect(await env.queue.read()).toEqual([]);
  });

  it('keeps two exit sends in flight together within the keepalive budget', async () => {
    const env = createTestDeps();
    let exit = () => {};
    env.deps.onPageExit = (callback) => (exit = callback);
    const pending: (() => void)[] = [];
    const inner = env.deps.transport;
    // Keepalive sends never answered while the test looks: both are in flight together.
    env.deps.transport = (url, body, keepalive) => (keepalive ? new Promise((resolve) => pending.push(() => resolve(inner(url, body, keepalive)))) : inner(url, body, keepalive));
    const tracker = createTrackerCore({ ...options, flushInterval: 60_000, onError: () => {} }, env.deps);
    for (let i = 0; i < 40; i++) tracker.track('Big', { i, pad: 'x'.repeat(1000) });
    exit();
    for (let i = 40; i < 80; i++) tracker.track('Big', { i, pad: 'x'.repeat(1000) });
    exit();
    await settle();
    const sizes = env.net.calls.map((call) => call.bytes);
    expect(sizes.length).toBe(0); // not answered yet: the fake transport records on answer
    pending.forEach((answer) => answer());
    await settle();
    const total = env.net.calls.reduce((sum, call) => sum + call.bytes, 0);
    expect(env.net.calls).toHaveLength(2);
    expect(total).toBeLessThanOrEqual(65_536);
  });
});

describe('without a cross-tab lock (no Web Locks API)', () => {
  function tab(shared?: { queue: TrackerDeps['queue']; clock: ReturnType<typeof createTestDeps>['clock'] }) {
    const env = createTestDeps(shared ? { queue: shared.queue, clock: shared.clock } : {});
    const clock = shared ? shared.clock : env.clock;
    const deps = { ...env.deps, lock: undefined, ids: createUlid(clock.now) };
    return { ...env, clock, deps, tracker: createTrackerCore({ ...options, onError: () => {} }, deps) };
  }

  it('each tab sends the shared queue, whoever wrote the events; every event goes out, the queue empties', async () => {
    const a = tab();
    const b = tab(a);
    for (let i = 0; i < 3; i++) {
      a.tracker.track('A' + i);
      b.tracker.track('B' + i);
      await a.clock.advance(400);
    }
    await a.clock.advance(5000);
    // Uncoordinated: an event may go out from both tabs (the collector's dedup stores it once),
    // but none is missed, and the events of one tab also go out through the other.
    const sent = [...names(a.net.sent()), ...names(b.net.sent())];
    expect([...new Set(sent)].sort()).toEqual(['A0', 'A1', 'A2', 'B0', 'B1', 'B2']);
    expect(names(a.net.sent()).some((name) => name?.startsWith('B')) || names(b.net.sent()).some((name) => name?.startsWith('A'))).toBe(true);
    expect(await a.queue.read()).toEqual([]);
  });

  it('sends events another tab left unsent at once', async () => {
    const env = tab();
    const id = createUlid(env.clock.now)();
    await env.queue.add([queued(id, JSON.stringify({ messageId: id, event: 'Left' }))]);
    await env.clock.advance(1000);
    expect(names(env.net.sent())).toEqual(['Left']);
  });
});

describe('no silent loss at page exit (issue #11 cases 1 and 5)', () => {
  it('stashes events IndexedDB has not confirmed, synchronously, and the next page load sends them', async () => {
    const env = createTestDeps();
    let exit = () => {};
    env.deps.onPageExit = (callback) => (exit = callback);
    // The write never commits (the page goes first), and the keepalive send fails.
    env.deps.queue = { ...env.deps.queue, add: () => new Promise(() => {}) };
    env.net.answers.push(new TypeError('offline'));
    const tracker = createTrackerCore({ ...options, onError: () => {} }, env.deps);
    tracker.track('A');
    tracker.track('B');
    exit();
    const stash = (env.deps.storage.keys?.() || []).filter((key) => key.startsWith('cairn:stash:'));
    expect(stash).toHaveLength(1);
    // The next page load, same storage, a queue that works.
    const next = createTestDeps({ storage: env.deps.storage });
    createTrackerCore({ ...options, onError: () => {} }, next.deps);
    await next.clock.advance(2000);
    expect(names(next.net.sent())).toEqual(['A', 'B']);
    expect((next.deps.storage.keys?.() || []).filter((key) => key.startsWith('cairn:stash:'))).toEqual([]);
  });

  it('reports events only in memory when the page goes: no IndexedDB and no localStorage', async () => {
    const env = createTestDeps();
    let exit = () => {};
    env.deps.onPageExit = (callback) => (exit = callback);
    env.deps.storage = { get: () => undefined, set: () => undefined };
    const onError = vi.fn();
    const tracker = createTrackerCore({ ...options, onError }, env.deps);
    tracker.track('A');
    tracker.track('B');
    exit();
    expect(onError.mock.calls.map(([error]) => [error.code, error.count])).toEqual([['events_unsaved', 2]]);
  });

  it('reports events held in memory for an undecided consent when the page goes', async () => {
    const env = createTestDeps();
    let exit = () => {};
    env.deps.onPageExit = (callback) => (exit = callback);
    const onError = vi.fn();
    const tracker = createTrackerCore({ ...options, consent: 'required', onError }, env.deps);
    tracker.track('A');
    tracker.track('B');
    tracker.track('C');
    exit();
    expect(onError.mock.calls.map(([error]) => [error.code, error.count])).toEqual([['events_unsaved', 3]]);
  });
});

describe('the stash follows what IndexedDB confirmed', () => {
  it('stashes nothing at exit once a write confirmed, even if consent changed while it was in flight', async () => {
    const env = createTestDeps();
    let exit = () => {};
    env.deps.onPageExit = (callback) => (exit = callback);
    let confirm = () => {};
    const add = env.deps.queue.add;
    env.deps.queue = {
      ...env.deps.queue,
      add: (events) => new Promise((resolve) => (confirm = () => resolve(add(events).then(() => true)))),
    };
    const tracker = createTrackerCore({ ...options, flushInterval: 60_000, onError: () => {} }, env.deps);
    tracker.track('A');
    await env.clock.advance(100); // the burst's write starts
    tracker.setConsent({ marketing: false }); // a purge while it is in flight
    confirm();
    await settle();
    env.net.answers.push(new TypeError('offline'));
    exit();
    expect((env.deps.storage.keys?.() || []).filter((key) => key.startsWith('cairn:stash:'))).toEqual([]);
  });
});
