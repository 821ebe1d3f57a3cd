/** Token buckets by key (client IP, source name). */
export interface RateLimiter {
  /**
   * Takes one token from `key`'s bucket: 0 when the request may go on, else the whole number
   * of seconds (≥ 1) after which a token will be there (the Retry-After value).
   */
  take(key: string): number;
  /** Buckets held right now (bounded by `maxKeys`). */
  readonly size: number;
}

export interface RateLimiterOptions {
  /** Sustained rate; must be > 0. */
  requestsPerSecond: number;
  /** Bucket size: requests allowed at once after an idle period. Default 2 × rate. */
  burst?: number;
  /** Buckets kept at most; past it, idle (full) buckets are dropped first. Default 100 000. */
  maxKeys?: number;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token-bucket limiter: each key earns `requestsPerSecond` tokens per second up to `burst`;
 * a request spends one. Memory stays bounded when many addresses pass by: at `maxKeys`
 * buckets, those that have refilled (their owner went quiet, so forgetting them changes
 * nothing) are dropped, then the oldest if that was not enough.
 *
 * @example
 * const limiter = createRateLimiter({ requestsPerSecond: 100, burst: 200 });
 * const retryAfter = limiter.take(clientIp); // 0 = allowed
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const rate = options.requestsPerSecond;
  if (!(rate > 0)) throw new RangeError('requestsPerSecond must be > 0');
  const burst = Math.max(1, options.burst ?? rate * 2);
  const maxKeys = Math.max(1, options.maxKeys ?? 100_000);
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  const evict = (time: number) => {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + ((time - bucket.at) / 1000) * rate >= burst) buckets.delete(key);
    }
    if (buckets.size < maxKeys) return;
    // Map iterates in insertion order: the first keys are the longest-held.
    let excess = buckets.size - maxKeys + Math.ceil(maxKeys / 10);
    for (const key of buckets.keys()) {
      if (excess-- <= 0) break;
      buckets.delete(key);
    }
  };

  return {
    get size() {
      return buckets.size;
    },
    take(key) {
      const time = now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxKeys) evict(time);
        bucket = { tokens: burst, at: time };
        buckets.set(key, bucket);
      } else {
        bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.at) / 1000) * rate);
        bucket.at = time;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
    },
  };
}
