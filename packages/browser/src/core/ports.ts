/**
 * The ports the core runs on (queue, transport, clock, lock, storage): a leaf module, so the
 * core, consent and the browser adapters all import it and none of them imports another's types.
 */

/**
 * One stored event: its messageId (the key; ULIDs sort by capture time), its JSON as it will
 * be sent, and that JSON's UTF-8 size for every byte budget (0 until measured: an event is
 * measured as its first batch encodes it, or when a limit needs it).
 */
export interface QueuedEvent {
  id: string;
  json: string;
  bytes: number;
}

/** Durable event store. Events leave it only once the collector has acknowledged them. */
export interface Queue {
  /**
   * Stores a burst of events in one write (one IndexedDB transaction, one record). Resolves
   * truthy once they are durable; falsy when they are only in memory (no IndexedDB).
   */
  add(events: QueuedEvent[]): Promise<unknown>;
  /** Every queued event, oldest first (by id). */
  read(): Promise<QueuedEvent[]>;
  /** Removes events this queue handed out (`read`) or was given (`add`): the objects themselves. */
  remove(events: QueuedEvent[]): Promise<void>;
}

/** What the core needs from an HTTP answer; a network error (or a timeout) is a rejected promise. */
export interface TransportResponse {
  status: number;
  /** The Retry-After header (seconds or an HTTP date), if any. */
  retryAfter?: string | null;
  /** The parsed JSON body of a 2xx answer, if any. */
  body?: unknown;
}

/**
 * POSTs a text/plain body (JSON as UTF-8 bytes); `keepalive` asks it to outlive the page.
 * `timeout` (ms, not given with keepalive) aborts a request still unanswered by then.
 */
export type Transport = (url: string, body: string, keepalive: boolean, timeout?: number) => Promise<TransportResponse>;

/** Time source and timers. No clearTimeout: a superseded timer fires and finds nothing to do. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

/**
 * Runs `fn` while holding the cross-tab send lock (the sender holds it for a whole drain). With
 * `wait` false and the lock held elsewhere it resolves `undefined` without running `fn`.
 */
export type Lock = <T>(wait: boolean, fn: () => Promise<T>) => Promise<T | undefined>;

/** Synchronous string storage for the identity and consent (localStorage in a browser). */
export interface KeyValueStorage {
  get(key: string): string | null | undefined;
  /** `undefined` removes the key. Returns truthy once the value is stored durably. */
  set(key: string, value?: string): unknown;
  /** The stored keys (the page-exit stash finds its records with it); optional. */
  keys?(): string[];
}
