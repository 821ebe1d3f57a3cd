/** Largest accepted event, measured as UTF-8 bytes of its JSON. */
export const MAX_EVENT_BYTES = 32 * 1024;

/** Largest accepted request body, measured after gzip inflation. */
export const MAX_REQUEST_BYTES = 500 * 1024;

/**
 * Most items one batch request may hold. A larger batch is answered `413 batch_too_large`
 * before any of its events is processed (the collector counts the items without parsing
 * them), so a client splits its queue into batches of at most this many events.
 * Why a count as well as bytes: 500 KiB of `[0,0,0,…]` is 250,000 items, each costing the
 * collector a pipeline run, a response entry and a quarantine write.
 */
export const MAX_BATCH_ITEMS = 2_500;

/**
 * Most JSON objects and arrays one request body may hold (all events together, counted
 * before parsing); past it, 413 `payload_too_large`. Events rarely hold more than twenty
 * each (a 2,500-event batch of SDK events holds about 25,000), while 500 KiB of `[{},{},…]`
 * would be 170,000: what the collector's memory and a garbage-collection pause pay for.
 */
export const MAX_REQUEST_OBJECTS = 50_000;

/**
 * Most entries the `rejected` list of a batch response holds; past it the response says how
 * many were rejected in all (`rejectedCount`). Every rejected event is still quarantined.
 */
export const MAX_REJECTED_LISTED = 100;

/**
 * Browsers cap the bytes of all keepalive requests in flight from one page at 64 KiB
 * (Chromium rejects the fetch outright past it), so page-exit sends stay below this.
 */
export const KEEPALIVE_BUDGET_BYTES = 60 * 1024;

/** Path of the batch endpoint, relative to the collector's base URL. */
export const BATCH_PATH = '/v1/batch';

/**
 * Statuses a client retries (with backoff); anything else is final.
 * 408/429/5xx are transient by definition; a network error (no status) is retried too.
 *
 * @example
 * isRetryableStatus(503) // true
 * isRetryableStatus(400) // false
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
