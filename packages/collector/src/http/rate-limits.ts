import type { Context, MiddlewareHandler } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { SourceConfig } from '../source-config.js';
import { httpError } from './http-error.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';

/** A request rate with its burst; `requestsPerSecond: 0` turns the limit off. */
export interface RateLimit {
  requestsPerSecond: number;
  /** Requests allowed at once after a quiet period; default 2 × the rate. */
  burst?: number;
}

export interface RateLimitsOptions {
  /** Per client address, checked before the body is read. */
  perIp?: RateLimit;
  /** Default per-source rate (requests/second, 0 = off); a source's own `rateLimit` wins. */
  perSource?: number;
  sources: readonly SourceConfig[];
  /** The client address; the Node entry reads the socket (and X-Forwarded-For if trusted). */
  clientIp?: (c: Context) => string | undefined;
  now?: () => number;
}

/** The two checks the app installs; each does nothing when its limit is off. */
export interface RateLimits {
  /** Middleware for `/v1/*`: 429 + Retry-After for an address over its rate. */
  perIp: MiddlewareHandler;
  /** Called once the write key named the source: throws 429 + Retry-After when over. */
  checkSource: (source: string) => void;
}

/**
 * Per-IP and per-source rate limits (token buckets, so short bursts pass). The per-IP limit
 * protects against one client flooding; the per-source limit protects the store from one
 * public write key used from many addresses (a leaked key, a runaway script).
 *
 * @example
 * const limits = createRateLimits({ perIp: { requestsPerSecond: 100 }, sources, clientIp });
 * app.use('/v1/*', limits.perIp);
 */
export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const now = options.now ?? Date.now;
  const perIp = options.perIp && options.perIp.requestsPerSecond > 0
    ? createRateLimiter({ ...options.perIp, now })
    : undefined;
  const clientIp = options.clientIp ?? (() => undefined);
  const bySource = new Map<string, RateLimiter>();
  for (const source of options.sources) {
    const rate = source.rateLimit ?? options.perSource ?? 0;
    if (rate > 0) bySource.set(source.name, createRateLimiter({ requestsPerSecond: rate, now }));
  }
  return {
    perIp: async (c, next) => {
      // Preflights were answered before this runs; only sends count.
      if (perIp && c.req.method === 'POST') {
        const retryAfter = perIp.take(clientIp(c) ?? 'unknown');
        if (retryAfter > 0) throw tooMany('too many requests from this address; retry later', retryAfter);
      }
      await next();
    },
    checkSource: (source) => {
      const retryAfter = bySource.get(source)?.take(source) ?? 0;
      if (retryAfter > 0) throw tooMany(`source ${source} is over its rate limit; retry later`, retryAfter);
    },
  };
}

function tooMany(message: string, retryAfter: number) {
  return httpError(429, ERROR_CODES.rateLimited, message, { 'retry-after': String(retryAfter) });
}
