/** Ceiling of the exponential backoff. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date); 0 if none or bad.
 *
 * @example
 * parseRetryAfter('3', Date.now()) // 3000
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number {
  // A number is delta-seconds; anything else (absent included) goes through Date.parse: NaN
  // for junk, which fails `> 0` like a past date does.
  const ms = +value! ? +value! * 1000 : Date.parse(value!) - now;
  return ms > 0 ? ms : 0;
}

/**
 * Exponential backoff with full jitter (a uniform draw in [0, ceiling)): many clients failing
 * together do not retry together. `base` is the first ceiling (the `retryDelay` option).
 *
 * @example
 * backoffDelay(3, Math.random, 1000) // somewhere in [0, 8000)
 */
export function backoffDelay(attempt: number, random: () => number, base: number): number {
  return random() * Math.min(MAX_BACKOFF_MS, base * 2 ** attempt);
}
