import { KEEPALIVE_BUDGET_BYTES, MAX_REQUEST_BYTES } from '@cairn/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createFakeTransport, createTestDeps, options, queued, settle, readBody } from '../../test-support/test-kit.js';
import { createTrackerCore } from './tracker.js';
import type { TrackerDeps, TrackerOptions, TransportResponse } from './types.js';

function setup(extra: Partial<TrackerOptions> = {}, overrides: Partial<TrackerDeps> = {}) {
  const env = createTestDeps(overrides);
  const times: number[] = [];
  const transport = env.deps.transport;
  env.deps.transport = (url, body, keepalive) => {
    times.push(env.clock.now());
    return transport(url, body, keepalive);
  };
  let exit = () => {};
  env.deps.onPageExit = (callback) => (exit = callback);
  const onError = vi.fn();
  const tracker = createTrackerCore({ ...options, flushInterval: 1000, ...extra, onError }, env.deps);
  const t0 = env.clock.now();
  /** ms since start of each request. */
  const at = () => times.map((time) => time - t0);
  return { ...env, tracker, onError, at, exit: () => exit() };
}

const ids = (batch: { messageId: string }[]) => batch.map((event) => event.messageId);

describe('sender batching', () => {
  it('writes a burst of calls to the queue in one add()', async () => {
    const { tracker, queue, clock } = setup();
    const add = vi.spyOn(queue, 'add');
    for (let i = 0; i < 50; i++) tracker.track('Burst', { i });
    await clock.advance(100);
    expect(add).toHaveBeenCalledTimes(1);
    expect(add.mock.calls[0]?.[0]).toHaveLength(50);
  });

  it('writes the events of 100 ms in one add(), across tasks', async () => {
    const { tracker, queue, clock } = setup({ flushInterval: 60_000 });
    const add = vi.spyOn(queue, 'add');
    tracker.track('Clicked');
    await clock.advance(40);
    tracker.track('Opened');
    await clock.advance(59);
    expect(add).not.toHaveBeenCalled();
    await clock.advance(1);
    expect(add.mock.calls.map(([events]) => events.length)).toEqual([2]);
    tracker.track('Closed');
    await clock.advance(100);
    expect(add.mock.calls.map(([events]) => events.length)).toEqual([2, 1]);
  });

  it('writes at once when the page may be going away', async () => {
    const { tracker, queue, exit } = setup({ flushInterval: 60_000 });
    const add = vi.spyOn(queue, 'add');
    tracker.track('Clicked Checkout');
    exit();
    await settle();
    expect(add).toHaveBeenCalledTimes(1);
  });

  it('sends once flushAt events are waiting, without waiting for the interval', async () => {
    const { tracker, net, clock } = setup({ flushAt: 3, flushInterval: 60_000 });
    tracker.track('A');
    tracker.track('B');
    await clock.advance(0);
    expect(net.calls).toHaveLength(0);
    tracker.track('C');
    await clock.advance(0);
    expect(net.calls).toHaveLength(1);
    expect(net.calls[0]).toMatchObject({ url: 'https://collect.test/v1/batch', keepalive: false });
    expect(net.calls[0]?.body.batch.map((event) => event.event)).toEqual(['A', 'B', 'C']);
    expect(net.calls[0]?.body).toMatchObject({ writeKey: 'wk_test', sentAt: new Date(clock.now()).toISOString() });
  });

  it('sends within flushInterval of the first waiting event', async () => {
    const { tracker, net, clock } = setup({ flushInterval: 1000 });
    tracker.track('A');
    await clock.advance(600);
    tracker.track('B'); // does not push the send back
    await clock.advance(399);
    expect(net.calls).toHaveLength(0);
    await clock.advance(1);
    expect(net.sent().map((event) => event.event)).toEqual(['A', 'B']);
    await clock.advance(10_000);
    expect(net.calls).toHaveLength(1);
  });

  it('sends events left in the queue by an earlier page load', async () => {
    const { deps, net, clock } = createTestDeps();
    await deps.queue.add([queued('id-000000', '{"type":"track","messageId":"id-000000","event":"Old"}')]);
    createTrackerCore(options, deps);
    await clock.advance(1000);
    expect(net.sent()).toEqual([{ type: 'track', messageId: 'id-000000', event: 'Old' }]);
  });

  it('splits a large backlog into requests within MAX_REQUEST_BYTES', async () => {
    const { tracker, net, queue } = setup({ flushAt: 1000 });
    const blob = 'x'.repeat(20 * 1024);
    for (let i = 0; i < 60; i++) tracker.track('Big', { i, blob }); // ~1.2 MB in all
    await tracker.flush();
    expect(net.calls.length).toBeGreaterThanOrEqual(3);
    for (const call of net.calls) expect(JSON.stringify(call.body).length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(net.sent().map((event) => (event.properties as { i: number }).i)).toEqual([...Array(60).keys()]);
    expect(await queue.read()).toEqual([]);
  });
});

describe('sender flush()', () => {
  it('resolves at once when nothing is queued', async () => {
    const { tracker, net } = setup();
    await tracker.flush();
    expect(net.calls).toHaveLength(0);
  });

  it('resolves only once the collector has acknowledged, then the queue is empty', async () => {
    let answer!: (response: TransportResponse) => void;
    const { tracker, queue } = setup({}, { transport: () => new Promise((resolve) => (answer = resolve)) });
    tracker.track('A');
    let done = false;
    const flushed = tracker.flush().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    expect(await queue.read()).toHaveLength(1);
    answer({ status: 200, body: { accepted: 1, duplicates: 0, rejected: [] } });
    await flushed;
    expect(await queue.read()).toEqual([]);
  });

  it('waits through retries (Retry-After) and resends the same messageIds', async () => {
    const { tracker, net, clock, at } = setup();
    net.answers.push({ status: 503, retryAfter: '2' }, new TypeError('Failed to fetch'));
    tracker.track('A');
    tracker.track('B');
    let done = false;
    const flushed = tracker.flush().then(() => (done = true));
    await clock.advance(1999);
    expect(net.calls).toHaveLength(1);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(net.calls).toHaveLength(2); // network error this time: backoff again
    await clock.advance(5000);
    await flushed;
    expect(at()).toEqual([0, 2000, 3000]); // random() = 0.5: the 2nd backoff is 0.5 × 2000 ms
    const [first, second, third] = net.calls.map((call) => ids(call.body.batch));
    expect(first).toHaveLength(2);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });

  it('does not wait for events tracked after the call', async () => {
    const { tracker, net, clock } = setup({ flushInterval: 60_000 });
    tracker.track('Before');
    await clock.advance(0);
    const flushed = tracker.flush();
    tracker.track('After');
    await flushed;
    expect(net.sent().map((event) => event.event)).toContain('Before');
  });
});

describe('sender retries', () => {
  it('backs off exponentially with jitter on 5xx, 408, 429 and network errors', async () => {
    const { tracker, net, clock, at, onError } = setup();
    net.answers.push({ status: 500 }, { status: 408 }, { status: 429 }, new TypeError('offline'));
    tracker.track('A');
    await clock.advance(60_000);
    // First send at the 1 s interval; then 0.5 × 1, 2, 4, 8 s.
    expect(at()).toEqual([1000, 1500, 2500, 4500, 8500]);
    expect(new Set(net.calls.map((call) => ids(call.body.batch)[0])).size).toBe(1);
    // Each failed attempt is reported with its status (0: a network error); none lost.
    expect(onError.mock.calls.map(([error]) => [error.code, error.status, error.count])).toEqual([
      ['send_failed', 500, 1],
      ['send_failed', 408, 1],
      ['send_failed', 429, 1],
      ['send_failed', 0, 1],
    ]);
  });

  it('honours Retry-After over a shorter backoff, as seconds or as an HTTP date', async () => {
    const { tracker, net, clock, at } = setup();
    const date = new Date(clock.now() + 1000 + 30_000).toUTCString();
    net.answers.push({ status: 429, retryAfter: '10' }, { status: 503, retryAfter: date });
    tracker.track('A');
    await clock.advance(60_000);
    expect(at()).toEqual([1000, 11_000, 31_000]);
  });

  it('does not let new events jump a backoff', async () => {
    const { tracker, net, clock, at } = setup({ flushAt: 1 });
    net.answers.push({ status: 503, retryAfter: '5' });
    tracker.track('A');
    await clock.advance(100);
    tracker.track('B');
    tracker.track('C');
    await clock.advance(10_000);
    expect(at()).toEqual([0, 5000]);
    expect(net.calls[1]?.body.batch).toHaveLength(3);
  });

  // Issue #11 case 2: one response must not empty the queue.
  it.each([400, 401, 403, 404])('keeps the whole queue on a final %i, backs off, reports, and delivers once the collector takes it', async (status) => {
    const { tracker, net, clock, queue, onError, at } = setup({ flushAt: 1000 });
    // A bad deploy: every request answered `status` for a while (900 events, two batches' worth).
    for (let i = 0; i < 12; i++) net.answers.push({ status });
    for (let i = 0; i < 900; i++) tracker.track('A', { i });
    await clock.advance(10 * 60_000);
    expect(net.calls).toHaveLength(14); // 12 refused, then 500 + 400 events
    // Backoff: capped at 60 s, never two requests within the jittered delay.
    const gaps = at().slice(1).map((time, n) => time - at()[n]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60_000);
    expect(onError.mock.calls.slice(0, 12).every(([error]) => error.code == 'send_failed' && error.status == status)).toBe(true);
    expect(onError).toHaveBeenCalledTimes(12);
    // Nothing was lost meanwhile, and the first request after the fix delivers it all.
    expect(new Set(net.sent().map((event) => (event.properties as { i: number }).i)).size).toBe(900);
    expect(await queue.read()).toEqual([]);
  });

  it('keeps events through a Retry-After far beyond any retry budget, then sends them', async () => {
    const { tracker, net, clock, queue, at } = setup();
    net.answers.push({ status: 503, retryAfter: String(2 * 3600) });
    tracker.track('A');
    await clock.advance(3600_000);
    expect(net.calls).toHaveLength(1);
    expect(await queue.read()).toHaveLength(1);
    await clock.advance(3600_000 + 1000);
    expect(at()).toEqual([1000, 1000 + 2 * 3600_000]);
    expect(await queue.read()).toEqual([]);
  });

  it('deletes events rejected in a 200 and reports them', async () => {
    const { tracker, net, queue, onError, clock } = setup();
    tracker.track('A');
    tracker.track('B');
    tracker.track('C');
    await clock.advance(100);
    const [a, b, c] = await queue.read();
    const rejected = [
      { messageId: b!.id, index: 1, code: 'plan_violation', message: 'price must be a number' },
      { messageId: c!.id, index: 2, code: 'invalid_event', message: 'event is empty' },
    ];
    net.answers.push({ status: 200, body: { accepted: 1, duplicates: 0, rejected } });
    await tracker.flush();
    expect(ids(net.calls[0]!.body.batch)).toEqual([a!.id, b!.id, c!.id]);
    expect(await queue.read()).toEqual([]);
    expect(net.calls).toHaveLength(1);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'event_rejected', count: 2 });
    expect(JSON.parse(onError.mock.calls[0]?.[0].message)).toEqual(rejected);
  });

  it('counts every rejected event when the collector lists only the first ones (rejectedCount)', async () => {
    const { tracker, net, onError } = setup();
    for (let n = 0; n < 3; n++) tracker.track('E' + n);
    const listed = [{ messageId: 'x', index: 0, code: 'plan_violation', message: 'price must be a number' }];
    net.answers.push({ status: 200, body: { accepted: 0, duplicates: 0, rejected: listed, rejectedCount: 3 } });
    await tracker.flush();
    expect(onError.mock.calls.map(([error]) => [error.code, error.count])).toEqual([['event_rejected', 3]]);
  });

  it('reports nothing for a 200 without rejections, or with a body it cannot read', async () => {
    const { tracker, net, queue, onError } = setup();
    net.answers.push({ status: 200, body: undefined }, { status: 204 });
    tracker.track('A');
    await tracker.flush();
    tracker.track('B');
    await tracker.flush();
    expect(net.calls).toHaveLength(2);
    expect(await queue.read()).toEqual([]);
    expect(onError).not.toHaveBeenCalled();
  });
});

describe('sender lock', () => {
  it('leaves sending to the tab holding the lock, and flush() waits for it', async () => {
    const waits: boolean[] = [];
    const { tracker, net, clock, at } = setup(
      {},
      { lock: async (wait, fn) => (waits.push(wait), wait ? fn() : undefined) },
    );
    tracker.track('A');
    await clock.advance(2500);
    expect(net.calls).toHaveLength(0); // tried at 1000 and 2100: another tab is sending
    await tracker.flush();
    expect(at()).toEqual([2500]);
    expect(waits).toEqual([false, false, true]); // flush: one hold of the lock sends everything
  });

  it('never has two requests in flight from one tab', async () => {
    let inFlight = 0;
    let most = 0;
    const { tracker, clock } = setup({ flushAt: 2 }, {
      transport: async (_url, body) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { status: 200, body: { accepted: readBody(body).batch.length, duplicates: 0, rejected: [] } };
      },
    });
    for (let i = 0; i < 10; i++) tracker.track('E', { i });
    await Promise.all([tracker.flush(), tracker.flush(), clock.advance(5000)]);
    expect(most).toBe(1);
  });
});

describe('sender page exit', () => {
  it('sends pending events with keepalive, and deletes them once acknowledged', async () => {
    const { tracker, net, queue, exit } = setup({ flushInterval: 60_000 });
    tracker.track('Clicked Checkout');
    exit(); // synchronously, before the queue write has even run
    expect(net.calls).toHaveLength(1);
    expect(net.calls[0]).toMatchObject({ keepalive: true });
    expect(net.calls[0]?.body.batch.map((event) => event.event)).toEqual(['Clicked Checkout']);
    await settle();
    expect(await queue.read()).toEqual([]);
    exit(); // pagehide after visibilitychange: nothing new
    expect(net.calls).toHaveLength(1);
  });

  it('keeps events queued when the keepalive send fails, and stays within the keepalive budget', async () => {
    const { tracker, net, queue, exit } = setup({ flushInterval: 60_000, flushAt: 1000 });
    net.answers.push(new TypeError('aborted'));
    const blob = 'x'.repeat(10 * 1024);
    for (let i = 0; i < 20; i++) tracker.track('Big', { i, blob }); // ~200 KiB pending
    exit();
    await settle();
    const sent = net.calls[0]!;
    expect(JSON.stringify(sent.body).length).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
    // The newest events are the ones a navigation would otherwise strand.
    expect(sent.body.batch.at(-1)?.properties).toMatchObject({ i: 19 });
    expect(await queue.read()).toHaveLength(20);
  });

  it('fits the keepalive budget in UTF-8 bytes, newest first, when the text is not ASCII', async () => {
    const { tracker, net, exit } = setup({ flushInterval: 60_000, flushAt: 1000 });
    // 3,000 characters of 3 bytes each: 20 events are ~60,000 characters (under the budget by
    // length) but ~180 KB on the wire.
    const text = '日'.repeat(3000);
    for (let i = 0; i < 20; i++) tracker.track('Wide', { i, text });
    exit();
    await settle();
    const sent = net.calls[0]!;
    expect(sent.keepalive).toBe(true);
    expect(sent.bytes).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
    const sentIds = sent.body.batch.map((event) => (event.properties as { i: number }).i);
    expect(sentIds.length).toBeGreaterThan(1);
    // The newest ones, in order: a navigation would strand them otherwise.
    expect(sentIds).toEqual(Array.from({ length: sentIds.length }, (_, n) => 20 - sentIds.length + n));
  });
});

describe('sender drains', () => {
  it('sends a burst in requests of up to 500 events under one hold of the lock, written in one add()', async () => {
    let holds = 0;
    const { tracker, net, clock, queue } = setup({ maxQueueEvents: 5000 }, { lock: async (_wait, fn) => (holds++, fn()) });
    const add = vi.spyOn(queue, 'add');
    for (let i = 0; i < 1200; i++) tracker.track('Burst', { i });
    await clock.advance(0); // flushAt (20) reached: the drain starts once the task is over
    await settle(20);
    expect(net.calls.map((call) => call.body.batch.length)).toEqual([500, 500, 200]);
    expect(holds).toBe(1);
    expect(add).toHaveBeenCalledTimes(1);
    expect(net.sent().map((event) => (event.properties as { i: number }).i)).toEqual([...Array(1200).keys()]);
    expect(await queue.read()).toEqual([]);
  });

  it('leaves events tracked during a drain to their own trigger, rather than chasing them one request each', async () => {
    const collector = createFakeTransport();
    let answer = () => {};
    const { tracker, clock, at } = setup({ flushAt: 2 }, {
      transport: async (url, body, keepalive) => {
        await new Promise<void>((resolve) => (answer = resolve));
        return collector.transport(url, body, keepalive);
      },
    });
    tracker.track('A');
    tracker.track('B');
    await clock.advance(0);
    tracker.track('C'); // while the request is in flight
    answer();
    await clock.advance(999);
    expect(collector.calls.map((call) => names(call.body.batch))).toEqual([['A', 'B']]);
    await clock.advance(1);
    answer();
    await clock.advance(0);
    expect(collector.calls.map((call) => names(call.body.batch))).toEqual([['A', 'B'], ['C']]);
    expect(at()).toEqual([0, 1000]);
  });
});

const names = (batch: { event?: string }[]) => batch.map((event) => event.event);

describe('sender writes', () => {
  it('keeps one write per burst when a drain wrote the previous one before its timer', async () => {
    const { tracker, queue, clock } = setup({ flushAt: 3, flushInterval: 60_000 });
    const add = vi.spyOn(queue, 'add');
    for (let i = 0; i < 12; i++) {
      tracker.track('E', { i });
      await clock.advance(20);
    }
    await clock.advance(100);
    // Every third event starts a drain, which writes what waits: four writes of three events.
    expect(add.mock.calls.map(([events]) => events.length)).toEqual([3, 3, 3, 3]);
  });
});
