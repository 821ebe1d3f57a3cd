/** The six Segment call types; every Cairn event is one of them. */
export type EventType = 'track' | 'page' | 'identify' | 'group' | 'alias' | 'screen';

export const EVENT_TYPES: readonly EventType[] = ['track', 'page', 'identify', 'group', 'alias', 'screen'];

/** A JSON value as it travels on the wire. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Consent flags per category, as in Segment's consent spec (`{analytics: true, marketing: false}`). */
export type CategoryPreferences = Record<string, boolean>;

export interface ConsentContext {
  categoryPreferences: CategoryPreferences;
}

export interface PageContext {
  url?: string;
  path?: string;
  referrer?: string;
  title?: string;
  search?: string;
}

export interface LibraryContext {
  name: string;
  version: string;
}

/** Segment's `context` object; Cairn SDKs fill these names, unknown keys pass through. */
export interface EventContext {
  library?: LibraryContext;
  page?: PageContext;
  userAgent?: string;
  locale?: string;
  timezone?: string;
  device?: { type?: 'mobile' | 'tablet' | 'desktop'; [key: string]: JsonValue | undefined };
  campaign?: Record<string, string>;
  consent?: ConsentContext;
  sessionId?: string;
  [key: string]: unknown;
}

/**
 * One event on the wire. `messageId` is a ULID set at capture by every Cairn SDK and reused
 * on every retry, which is what makes delivery exactly-once at the collector.
 */
export interface WireEvent {
  type: EventType;
  messageId: string;
  /** ISO 8601 time the event happened on the client. */
  timestamp: string;
  anonymousId?: string;
  userId?: string;
  /** Event name, for `track`. */
  event?: string;
  /** Page name, for `page` / `screen`. */
  name?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  context?: EventContext;
  /** For `group`. */
  groupId?: string;
  /** For `alias`. */
  previousId?: string;
  /** Segment's name for the client time, read when `timestamp` is absent. */
  originalTimestamp?: string;
  [key: string]: unknown;
}

/** Body of `POST /v1/batch`. */
export interface BatchRequest {
  batch: WireEvent[];
  /** ISO 8601 client time at send, used to correct clock skew. */
  sentAt: string;
  /** Sent in the body by browsers so the request stays a CORS simple request. */
  writeKey?: string;
}
