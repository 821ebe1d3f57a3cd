// Test doubles for the core's injected dependencies, for the SDK's unit tests (outside src/:
// not part of the package).
import type { BatchRequest, WireEvent } from '@cairn/protocol';
import { vi } from 'vitest';
import { createMemoryQueue } from '../src/core/memory-queue.js';
import { createMemoryStorage } from '../src/core/memory-storage.js';
import type { Clock, Lock, TrackerDeps, TransportResponse } from '../src/core/types.js';

/** Lets pending promise callbacks (and fake-indexeddb's scheduled work) run. */
export const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** A clock whose time moves only through advance(), running due timers in order. */
export function createFakeClock(start = Date.UTC(2025, 0, 1)) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock & { advance(ms: number): Promise<void>; pending(): number[] } = {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(++seq, { at: now + Math.max(0, ms), fn });
      return seq;
    },
    /** Delays of the armed timers, from now. */
    pending: () => [...timers.values()].map((timer) => timer.at - now).sort((a, b) => a - b),
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        await settle();
        const due = [...timers].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = end;
      await settle();
    },
  };
  return clock;
}

interface Call {
  url: string;
  body: BatchRequest;
  /** The body's size on the wire (UTF-8 bytes). */
  bytes: number;
  keepalive: boolean;
}

/**
 * Records each request; answers with the queued responses in turn (a thrown Error is a
 * network failure), then 200 with everything accepted.
 */
export function createFakeTransport() {
  const calls: Call[] = [];
  const answers: (TransportResponse | Error)[] = [];
  const transport = async (url: string, body: string, keepalive: boolean): Promise<TransportResponse> => {
    const request = readBody(body);
    calls.push({ url, body: request, bytes: new TextEncoder().encode(body).length, keepalive });
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return answer ?? { status: 200, body: { accepted: request.batch.length, duplicates: 0, rejected: [] } };
  };
  return {
    transport,
    calls,
    answers,
    /** Every event sent, in order, across all requests. */
    sent: () => calls.flatMap((call) => call.body.batch),
  };
}

/** A request body as the collector reads it. */
export const readBody = (body: string | Uint8Array) => JSON.parse(typeof body == 'string' ? body : new TextDecoder().decode(body)) as BatchRequest;

/**
 * Stubs the global `fetch` with a collector that accepts every batch (`vi.unstubAllGlobals()`
 * removes it): what the browser-level tests (script tag, createTracker) send to.
 *
 * @example
 * const { events } = stubCollectorFetch();
 * await tracker.flush();
 * expect(events.map((event) => event.event)).toEqual(['Signed In']);
 */
export function stubCollectorFetch() {
  const requests: { url: string; body: BatchRequest }[] = [];
  const events: WireEvent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = readBody(init.body as string);
    requests.push({ url, body });
    events.push(...(body.batch as WireEvent[]));
    return new Response(JSON.stringify({ accepted: body.batch.length, duplicates: 0, rejected: [] }), { status: 200 });
  });
  return { requests, events };
}

/** A queue record as the sender writes it. */
export const queued = (id: string, json: string) => ({ id, json, bytes: new TextEncoder().encode(json).length });

/** Sortable, predictable ids: id-000001, id-000002, … */
export function createCounterIds(prefix = 'id-') {
  let n = 0;
  return () => prefix + String(++n).padStart(6, '0');
}

/** The core tests' dependencies: everything in memory, a fake clock, a no-op lock. */
export function createTestDeps(overrides: Partial<TrackerDeps> = {}) {
  const clock = createFakeClock();
  const net = createFakeTransport();
  const lock: Lock = (_wait, fn) => fn();
  const deps: TrackerDeps = {
    queue: createMemoryQueue(),
    transport: net.transport,
    clock,
    ids: createCounterIds(),
    lock,
    storage: createMemoryStorage(),
    random: () => 0.5,
    ...overrides,
  };
  return { deps, clock, net, queue: deps.queue };
}

export const options = { writeKey: 'wk_test', endpoint: 'https://collect.test/' };
