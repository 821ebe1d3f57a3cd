import type { Context } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from './http-error.js';
import { createRateLimiter } from './rate-limiter.js';
import type { RateLimit } from './rate-limits.js';

/** Admin requests per second per client address, with a burst of twice that. */
export const DEFAULT_ADMIN_RATE_LIMIT: RateLimit = { requestsPerSecond: 10, burst: 20 };
/** Wrong tokens an address may present before it must wait. */
const FREE_FAILURES = 3;
/** Longest wait after repeated wrong tokens. */
const MAX_LOCKOUT_SECONDS = 15 * 60;
/** An address's failures are forgotten after this long without one. */
const FORGET_AFTER_MS = 60 * 60 * 1000;
/** Addresses remembered at most (oldest dropped first), so a scan from many addresses stays bounded. */
const MAX_TRACKED = 10_000;

export interface AdminGuardOptions {
  /** Per client address; `requestsPerSecond: 0` turns it off. Default {@link DEFAULT_ADMIN_RATE_LIMIT}. */
  rateLimit?: RateLimit;
  /** The client address (the Node entry reads the socket, or X-Forwarded-For from a trusted proxy). */
  clientIp?: (c: Context) => string | undefined;
  now?: () => number;
}

/** Checks the admin auth middleware runs around its token comparison. */
export interface AdminGuard {
  /** Before the token is looked at: 429 + Retry-After when the address is over its rate or backing off. */
  admit(c: Context): void;
  /** A wrong or missing token from this address. */
  failed(c: Context): void;
  /** A right token: the address's failures are forgotten. */
  succeeded(c: Context): void;
}

interface Failures {
  count: number;
  last: number;
  lockedUntil: number;
}

/**
 * The admin surface's own limits, per client address: a rate limit (10/s, burst 20, by
 * default), and a back-off on wrong tokens: after 3 wrong tokens each further one locks the
 * address out for twice as long as the one before (1 s, 2 s, 4 s … up to 15 min), during which
 * every admin request from it gets 429 + Retry-After without its token being compared. A right
 * token clears the count. Guessing a token then takes years even when it is short.
 *
 * @example
 * app.use('/admin/*', createAdminAuth(token, createAdminGuard({ clientIp })));
 */
export function createAdminGuard(options: AdminGuardOptions = {}): AdminGuard {
  const now = options.now ?? Date.now;
  const rate = options.rateLimit ?? DEFAULT_ADMIN_RATE_LIMIT;
  const limiter = rate.requestsPerSecond > 0 ? createRateLimiter({ ...rate, now, maxKeys: MAX_TRACKED }) : undefined;
  const failures = new Map<string, Failures>();
  const keyOf = (c: Context) => options.clientIp?.(c) ?? 'unknown';

  return {
    admit(c) {
      const key = keyOf(c);
      const entry = failures.get(key);
      const time = now();
      if (entry !== undefined && entry.lockedUntil > time) {
        throw tooMany('too many wrong admin tokens from this address; wait before trying again', Math.ceil((entry.lockedUntil - time) / 1000));
      }
      const retryAfter = limiter?.take(key) ?? 0;
      if (retryAfter > 0) throw tooMany('too many admin requests from this address; retry later', retryAfter);
    },
    failed(c) {
      const key = keyOf(c);
      const time = now();
      let entry = failures.get(key);
      if (entry === undefined || time - entry.last > FORGET_AFTER_MS) entry = { count: 0, last: time, lockedUntil: 0 };
      entry.count++;
      entry.last = time;
      if (entry.count > FREE_FAILURES) {
        entry.lockedUntil = time + Math.min(MAX_LOCKOUT_SECONDS, 2 ** (entry.count - FREE_FAILURES - 1)) * 1000;
      }
      // Re-inserted so the Map's order is least recently failed first.
      failures.delete(key);
      failures.set(key, entry);
      if (failures.size > MAX_TRACKED) failures.delete(failures.keys().next().value as string);
    },
    succeeded(c) {
      failures.delete(keyOf(c));
    },
  };
}

function tooMany(message: string, retryAfter: number) {
  return httpError(429, ERROR_CODES.rateLimited, message, { 'retry-after': String(Math.max(1, retryAfter)) });
}
