/** Largest accepted event, measured as UTF-8 bytes of its JSON. */
export const MAX_EVENT_BYTES = 32 * 1024;

/** Largest accepted request body, measured after gzip inflation. */
export const MAX_REQUEST_BYTES = 500 * 1024;

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
