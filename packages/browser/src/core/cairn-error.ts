/**
 * Why something failed:
 * - `invalid_option`: createTracker() options are wrong (thrown);
 * - `invalid_event`: a call's arguments cannot make an event (reported, the call is ignored);
 * - `event_too_large`: the event's JSON is over MAX_EVENT_BYTES (reported, never sent);
 * - `send_failed`: the collector answered a final status, e.g. 400/401/403, or a batch used up
 *   `maxRetryTime` (reported, dropped; `status` is the last answer, 0 for a network error);
 * - `events_dropped`: the queue was over `maxQueueEvents` / `maxQueueBytes`, or events were
 *   older than `queueTtl`: the oldest were deleted unsent (reported);
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
  /** How many events were lost (`send_failed`, `events_dropped`) or quarantined (`event_rejected`). */
  declare readonly count?: number;

  constructor(code: CairnErrorCode, message: string, status?: number, count?: number) {
    super(message);
    Object.assign(this, { name: 'CairnError', code, status, count });
  }
}
