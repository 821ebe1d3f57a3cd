/**
 * Why something failed (docs/privacy.md lists what each one means for the events):
 * - `invalid_option`: createTracker() options are wrong (thrown);
 * - `invalid_event`: a call's arguments cannot make an event (reported, the call is ignored);
 * - `event_too_large`: the event's JSON is over MAX_EVENT_BYTES (reported, never sent);
 * - `send_failed`: a request got no acknowledgement (a network error or timeout: `status` 0;
 *   a 4xx/5xx: its status). The events stay queued and are retried with backoff (reported);
 * - `events_dropped`: the queue was over `maxQueueEvents` / `maxQueueBytes` after a failed
 *   send, events were older than `queueTtl`, or more than `maxQueueEvents` waited for a
 *   consent decision: the oldest were deleted unsent (reported, `count` of them);
 * - `events_unsaved`: the page is going away with events only in memory (held for an
 *   undecided consent, or neither IndexedDB nor localStorage would keep them): lost unless the
 *   page comes back (reported, `count` of them);
 * - `flush_incomplete`: flush() settled before its events were acknowledged (offline, the
 *   collector failing): they stay queued and are sent later (reported);
 * - `event_rejected`: the collector quarantined events of an acknowledged batch (reported once per
 *   batch; the message is the collector's `rejected` list as JSON);
 * - `internal`: a bug or a broken environment (reported).
 */
export type CairnErrorCode =
  | 'invalid_option'
  | 'invalid_event'
  | 'event_too_large'
  | 'send_failed'
  | 'events_dropped'
  | 'events_unsaved'
  | 'flush_incomplete'
  | 'event_rejected'
  | 'internal';

/**
 * The one error class of the SDK: thrown for bad options, passed to `onError` for everything
 * that goes wrong at run time (tracking calls themselves never throw).
 *
 * @example
 * createTracker({
 *   writeKey: 'KEY',
 *   endpoint: 'https://collect.example.com',
 *   onError: (error) => console.warn(error.code, error.message, error.status),
 * });
 */
export class CairnError extends Error {
  // `declare`: assigned below, so the bundle carries no class-field helper.
  declare readonly code: CairnErrorCode;
  /** HTTP status of the collector's answer, for `send_failed` (0: a network error). */
  declare readonly status?: number;
  /** How many events it concerns: kept (`send_failed`), lost (`events_dropped`, `events_unsaved`) or quarantined (`event_rejected`). */
  declare readonly count?: number;

  constructor(code: CairnErrorCode, message: string, status?: number, count?: number) {
    // The script tag passes no message: its code says it (see VERBOSE).
    super(message || code);
    Object.assign(this, { name: 'CairnError', code, status, count });
  }
}
