import type { EventContext, EventType } from '@cairn/protocol';
import { createConsent } from '../consent/consent.js';
import { createConsentGate } from '../consent/consent-gate.js';
import { CairnError, type CairnErrorCode } from './cairn-error.js';
import { createIdentity } from './identity.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { SCRIPT_TAG, VERBOSE } from './build-flags.js';
import { createSender } from './sender.js';
import type { CallOptions, CapturedEvent, Properties, StubEntry, Tracker, TrackerDeps, TrackerOptions } from './types.js';

declare const __CAIRN_VERSION__: string | undefined;

// Stamped by the build (tsup `define`); unit tests run from source without it.
const library = { name: '@cairn/browser', version: typeof __CAIRN_VERSION__ == 'string' ? __CAIRN_VERSION__ : '0.0.0-dev' };

const NO_CONTEXT: EventContext = {};

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
  // The script tag's options come resolved by createTracker.
  const resolved = SCRIPT_TAG ? (options as ResolvedOptions) : resolveOptions(options);
  /** Hands `error` to onError; anything but a CairnError becomes one of `code`, its message `String(error)`. */
  const report = (error: unknown, code: CairnErrorCode = 'internal', status?: number, count?: number) => {
    try {
      resolved.onError(error instanceof CairnError ? error : new CairnError(code, String(error), status, count));
    } catch {
      // A throwing onError must not break tracking.
    }
  };
  // The script tag's createTracker always gives the consent and the context source.
  const consent = SCRIPT_TAG ? deps.consent! : deps.consent || createConsent(resolved, deps.storage);
  // Identifiers go through the consent's storage: kept only once analytics is granted.
  const identity = createIdentity(consent.storage, deps.ids);
  const sender = createSender(resolved, deps, report, consent.keeps);
  // reset() calls so far: the identity generation events are captured in.
  let resets = 0;
  // The call time of the stub entry being replayed.
  let replayTime: number | undefined;
  // The last timestamp and its ISO string: a burst of calls shares one.
  let time: unknown;
  let iso = '';
  // The whole JSON of a captured event: its own fields, then its context. The call's context
  // is merged over the automatic fields; the consent stamp is the SDK's alone (a caller's
  // `context.consent` never replaces it). Stringified whole each time (~1 µs): caching the
  // automatic part's JSON saved that at ~70 B of cairn.js.
  const serialize = ({ json, auto, context, consent }: CapturedEvent) =>
    json.slice(0, -1) + ',"context":' + JSON.stringify({ ...auto, library, ...context, consent }) + '}';

  // Tracking calls never throw: bad input (an unserializable property, a bad timestamp, …)
  // goes to onError and the call is ignored.
  function capture(type: EventType, fields: Properties, data: unknown, opts?: CallOptions, key = 'properties') {
    try {
      const messageId = deps.ids();
      const at = opts?.timestamp || replayTime || deps.clock.now();
      if (at !== time) {
        iso = new Date(at).toISOString();
        time = at;
      }
      gate.capture(
        {
          messageId,
          // Serialized now: what the caller changes afterwards cannot leak into the event.
          json: JSON.stringify({ type, messageId, timestamp: iso, ...identity.get(), ...fields, [key]: data }),
          auto: SCRIPT_TAG || deps.context ? deps.context!() : NO_CONTEXT,
          context: { ...opts?.context },
          resets,
        },
        consent.categoryOf(type, fields.event as string),
      );
    } catch (error) {
      report(error, 'invalid_event');
    }
  }

  // Consent stamps each event and holds, sends or drops it; a change releases the held events
  // and purges the queued ones of categories now denied.
  // A held event goes out under the anonymousId in force at its release: the undecided id it
  // was captured with was never kept, and the tab may have adopted another tab's since. Never
  // under another person's, though: only if its userId is the current one (none for none), and,
  // for events held in this page, no reset() came between; else it keeps its own identity.
  // (The envelope's ids come first in the JSON: its fields come before the event's.)
  const adopt = (json: string) => {
    const { anonymousId, userId } = identity.get();
    return json.replace(/"anonymousId":"[^"]*"(,"userId":("(?:[^"\\]|\\.)*"))?/, (all, ids = '', captured) =>
      captured == JSON.stringify(userId) ? '"anonymousId":' + JSON.stringify(anonymousId) + ids : all,
    );
  };
  const send = (event: CapturedEvent, held?: boolean) => {
    const json = serialize(event);
    sender.enqueue(held && event.resets == resets ? adopt(json) : json, event.messageId);
  };
  // Opt-in (npm only): undecided events wait in a queue of the site's choice, not in memory.
  // (Not in the script tag: the option takes a function, which no data-* attribute can give.)
  const held = SCRIPT_TAG ? undefined : resolved.holdUndecided?.({
    consent,
    send: (json, id) => sender.enqueue(adopt(json), id),
    report,
    limits: resolved,
    clock: deps.clock,
    lock: deps.lock,
  });
  const gate = createConsentGate(consent, send, resolved.maxQueueEvents, report, held && ((event) => held.hold(event.messageId, serialize(event))));
  consent.listen(() => {
    gate.release();
    held?.settle();
    sender.purge().catch(report);
  });
  deps.onPageExit?.(() => {
    sender.exit();
    // Events waiting in memory for a decision go with the page: never silently.
    const count = gate.held();
    if (count) report(VERBOSE ? count + ' events held for a consent decision leave with the page' : '', 'events_unsaved', 0, count);
  });
  // Events an earlier page held may be decided already (or expired).
  held?.settle();

  const tracker: Tracker = {
    track(event, properties, opts) {
      if (event && typeof event == 'string') capture('track', { event }, properties, opts);
      else report(VERBOSE ? 'track() needs an event name (a non-empty string)' : '', 'invalid_event');
    },
    page(name, properties, opts) {
      // page(properties, options): the name is optional.
      if (isObject(name)) capture('page', {}, name, properties);
      else capture('page', { name }, properties, opts);
    },
    identify(userId, traits, opts) {
      // identify(traits, options): traits of the current, possibly anonymous, user.
      if (isObject(userId)) return tracker.identify(undefined, userId, traits);
      if (userId) identity.setUserId(String(userId));
      capture('identify', {}, traits, opts, 'traits');
    },
    flush: sender.flush,
    reset() {
      resets++;
      identity.reset();
    },
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
    user: identity.get,
    signedIn(userId, properties, opts) {
      tracker.identify(userId, undefined, opts);
      tracker.track('Signed In', properties, opts);
    },
    signedOut(properties, opts) {
      tracker.track('Signed Out', properties, opts);
      tracker.reset();
    },
    setConsent: consent.apply,
    getConsent: consent.snapshot,
    onConsentChange: consent.listen,
  };
  return tracker;
}
