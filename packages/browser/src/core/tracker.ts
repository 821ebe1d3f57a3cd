import type { EventType } from '@cairn/protocol';
import { CairnError, type CairnErrorCode } from './cairn-error.js';
import { createIdentity } from './identity.js';
import { resolveOptions } from './options.js';
import { createSender } from './sender.js';
import type { CallOptions, Properties, StubEntry, Tracker, TrackerDeps, TrackerOptions } from './types.js';

declare const __CAIRN_VERSION__: string | undefined;

// Stamped by the build (tsup `define`); unit tests run from source without it.
const library = { name: '@cairn/browser', version: typeof __CAIRN_VERSION__ == 'string' ? __CAIRN_VERSION__ : '0.0.0-dev' };

const isObject = (value: unknown): value is Properties =>
  !!value && typeof value == 'object' && !Array.isArray(value);

/**
 * The tracker on injected dependencies (queue, transport, clock, ids, lock, storage): no DOM,
 * so the same code runs in unit tests, browsers and other runtimes. `createTracker()` wires
 * the browser's implementations; use this one to bring your own.
 *
 * @example
 * const tracker = createTrackerCore(
 *   { writeKey: 'KEY', endpoint: 'https://collect.example.com' },
 *   { queue: createMemoryQueue(), storage: createMemoryStorage(), clock: systemClock,
 *     ids: createUlid(), lock: (_wait, fn) => fn(), transport: fetchTransport },
 * );
 * tracker.track('Signed In');
 */
export function createTrackerCore(options: TrackerOptions, deps: TrackerDeps): Tracker {
  const resolved = resolveOptions(options);
  const report = (error: unknown, code: CairnErrorCode = 'internal') => {
    try {
      resolved.onError(error instanceof CairnError ? error : new CairnError(code, String(error)));
    } catch {
      // A throwing onError must not break tracking.
    }
  };
  const identity = createIdentity(deps.storage, deps.ids);
  const sender = createSender(resolved, deps, report);
  // The call time of the stub entry being replayed.
  let replayTime: number | undefined;

  // Tracking calls never throw: bad input (an unserializable property, a bad timestamp, …)
  // goes to onError and the call is ignored.
  function capture(type: EventType, fields: Properties, opts?: CallOptions) {
    try {
      const messageId = deps.ids();
      const { timestamp, context } = opts || {};
      const event = {
        type,
        messageId,
        timestamp: new Date(timestamp || replayTime || deps.clock.now()).toISOString(),
        ...identity.get(),
        ...fields,
        context: { ...(deps.context && deps.context()), library, ...context },
      };
      sender.enqueue(JSON.stringify(event), messageId);
    } catch (error) {
      report(error, 'invalid_event');
    }
  }

  const tracker: Tracker = {
    track(event, properties, opts) {
      if (event && typeof event == 'string') capture('track', { event, properties }, opts);
      else report(new CairnError('invalid_event', 'track() needs an event name'));
    },
    page(name, properties, opts) {
      // page(properties, options): the name is optional.
      if (isObject(name)) capture('page', { properties: name }, properties);
      else capture('page', { name, properties }, opts);
    },
    identify(userId, traits, opts) {
      // identify(traits, options): traits of the current, possibly anonymous, user.
      if (isObject(userId)) return tracker.identify(undefined, userId, traits);
      if (userId) identity.setUserId(String(userId));
      capture('identify', { traits }, opts);
    },
    flush: () => sender.flush(),
    reset: () => identity.reset(),
    push(entry: StubEntry) {
      try {
        const [method, time, ...args] = entry;
        replayTime = time;
        (tracker[method as keyof Tracker] as (...args: unknown[]) => void)(...args);
      } catch (error) {
        report(error, 'invalid_event');
      }
      replayTime = undefined;
    },
    user: () => identity.get(),
    signedIn(userId, properties, opts) {
      tracker.identify(userId, undefined, opts);
      tracker.track('Signed In', properties, opts);
    },
    signedOut(properties, opts) {
      tracker.track('Signed Out', properties, opts);
      tracker.reset();
    },
  };
  return tracker;
}
