import type { ConsentContext, EventContext } from '@cairn/protocol';
import type { Consent, ConsentListener, ConsentOptions, ConsentPreferences } from '../consent/consent.js';
import type { CairnError } from './cairn-error.js';
import type { Clock, KeyValueStorage, Lock, Queue, Transport } from './ports.js';

export type { Clock, KeyValueStorage, Lock, Queue, QueuedEvent, Transport, TransportResponse } from './ports.js';

/**
 * An event between capture and the queue. `json` is the event without its context, serialized
 * at capture so that what the caller changes afterwards cannot leak in; `auto` is the
 * automatic context of that moment (shared by many events: never mutate it); `context` holds
 * what is merged over it (the call's `context` option).
 */
export interface CapturedEvent {
  messageId: string;
  json: string;
  auto: EventContext;
  context: Record<string, unknown>;
  /** The consent stamp (`context.consent`): one object per consent state, so it joins `auto`'s JSON. */
  consent?: ConsentContext;
  /** How many reset()s came before its capture: a held event released after one keeps its own identity. */
  resets: number;
}

/** Everything environment-specific the core runs on, so the same core runs in tests and browsers. */
export interface TrackerDeps {
  queue: Queue;
  transport: Transport;
  clock: Clock;
  /** Monotonic ULID source: messageIds and anonymousIds. */
  ids: () => string;
  /**
   * The cross-tab send lock. Without one (no Web Locks API: Safari before 15.4, insecure
   * origins) tabs send the shared queue uncoordinated; the collector's dedup stores each once.
   */
  lock?: Lock;
  storage: KeyValueStorage;
  /**
   * The consent state, when something else must share its identifier storage (createTracker
   * gives it to the session); default: one made on `storage`.
   */
  consent?: Consent;
  /**
   * Context of the moment (page, userAgent, locale), merged into every event. It may return
   * the same object again while nothing changed: never mutate it.
   */
  context?: () => EventContext;
  /** Registers the callback to run when the page may be about to go away. */
  onPageExit?: (callback: () => void) => void;
  /** Source of backoff jitter, `Math.random` by default. */
  random?: () => number;
  /** False while the device is offline (`navigator.onLine`): sending pauses, no attempt is spent. */
  online?: () => boolean;
  /** Registers the callback to run when the device comes back online. */
  onOnline?: (callback: () => void) => void;
}

/**
 * createTracker() options. Numeric ones may also be given as numeric strings: the script tag
 * passes its `data-*` attributes (`data-flush-at="5"`) straight through.
 */
export interface TrackerOptions extends ConsentOptions {
  /** The source's write key, sent in the request body. */
  writeKey: string;
  /** Base URL of the collector (`https://collect.example.com`); events go to `{endpoint}/v1/batch`. */
  endpoint: string;
  /** Send as soon as this many events are waiting. Default 20. */
  flushAt?: number;
  /** Send waiting events at most this many ms after the first of them was tracked. Default 1000. */
  flushInterval?: number;
  /**
   * First retry waits up to this many ms (full jitter), each later one up to twice as long,
   * capped at 60 s; a `Retry-After` answer waits at least what it asks. Default 1000.
   */
  retryDelay?: number;
  /**
   * A request still unanswered after this many ms is aborted and retried (the send lock is
   * released meanwhile); `flush()` also settles within about this long. Page-exit (keepalive)
   * sends have none. Default 15,000.
   */
  timeout?: number;
  /**
   * Most events the queue holds (all tabs together) once a send failed; past it the oldest go,
   * reported. A burst the collector takes is never cut. Default 1000.
   */
  maxQueueEvents?: number;
  /**
   * Most bytes of events' JSON the queue holds once a send failed, counted in characters (a
   * byte each for ASCII); past it the oldest go, reported. Default 5 MiB.
   */
  maxQueueBytes?: number;
  /** Events still queued this many ms after capture are dropped unsent, reported. Default 7 days. */
  queueTtl?: number;
  /**
   * Receives every run-time failure as a `CairnError` with a `code` (see CairnErrorCode):
   * losses (`events_dropped`, `events_unsaved`), failed sends (`send_failed`: kept and
   * retried), quarantined events (`event_rejected`), `flush_incomplete`. Tracking calls never
   * throw. Default `console.warn`.
   */
  onError?: (error: CairnError) => void;
  /** A session ends after this many ms without an event (any tab); the next gets a new id. Default 1,800,000 (30 min). */
  sessionTimeout?: number;
}

export type Properties = Record<string, unknown>;

/** Segment-style per-call options. */
export interface CallOptions {
  /** When the event happened, if not now. */
  timestamp?: Date | string | number;
  /** Merged over the automatic context. */
  context?: Properties;
}

/** A call queued by the script-tag stub: `[method, callTimeMs, ...args]`. */
export type StubEntry = [method: string, callTimeMs: number, ...args: unknown[]];

/** The tracker; withCommerce() adds the e-commerce helpers (`productAdded()` …). */
export interface Tracker {
  /** Records a user action, e.g. `track('Product Added', { sku: 'RC-1' })`. */
  track(event: string, properties?: Properties, options?: CallOptions): void;
  /** Records a page view; the page itself is in `context.page`. */
  page(name?: string | Properties, properties?: Properties, options?: CallOptions): void;
  /** Ties this visitor to a user id (kept across page loads) and records their traits. */
  identify(userId?: string | Properties, traits?: Properties, options?: CallOptions): void;
  /** Resolves once every event tracked before the call is acknowledged or definitively failed. */
  flush(): Promise<void>;
  /** Forgets the user: a new anonymousId, no userId. */
  reset(): void;
  /** Runs a stub entry, stamping its event with the entry's call time. */
  push(entry: StubEntry): void;
  /** The current identity. */
  user(): { anonymousId: string; userId?: string };
  /**
   * The user signed in: identify(userId), then a "Signed In" event carrying the new identity
   * and `properties` (e.g. `{ method: 'google' }`).
   */
  signedIn(userId: string, properties?: Properties & { method?: string }, options?: CallOptions): void;
  /** The user signed out: a "Signed Out" event as that user, then reset(). */
  signedOut(properties?: Properties, options?: CallOptions): void;
  /**
   * Records the visitor's consent, merged into earlier decisions and kept for their next
   * pages: `setConsent({ analytics: true, marketing: false })`. Held events of granted
   * categories are sent, stamped with it; queued ones of denied categories are deleted.
   * `source` names where it came from (default `api`; `gpc` makes it a default only).
   */
  setConsent(preferences: ConsentPreferences, source?: string): void;
  /** The consent in force per category (`true`: events of it are sent). */
  getConsent(): ConsentPreferences;
  /** Calls `listener(preferences, source)` after every consent change. */
  onConsentChange(listener: ConsentListener): void;
}
