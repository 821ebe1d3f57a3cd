/** First retry waits up to this long (full jitter: a uniform draw in [0, ceiling)). */
export const BASE_BACKOFF_MS = 1000;
/** Ceiling of the exponential backoff. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date); 0 if none or bad.
 *
 * @example
 * parseRetryAfter('3', Date.now()) // 3000
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number {
  if (!value) return 0;
  const ms = /^\d+$/.test(value) ? +value * 1000 : Date.parse(value) - now;
  return ms > 0 ? ms : 0;
}

/**
 * Exponential backoff with full jitter: many clients failing together do not retry together.
 *
 * @example
 * backoffDelay(3, Math.random) // somewhere in [0, 8000)
 */
export function backoffDelay(attempt: number, random: () => number): number {
  return random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
}
