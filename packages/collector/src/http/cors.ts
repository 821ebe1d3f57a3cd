import type { MiddlewareHandler } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { SourceRegistry } from '../auth/source-registry.js';
import type { CollectorEnv } from './collector-env.js';
import { httpError } from './http-error.js';

// Chromium caps a cached preflight at 2 hours whatever we ask for.
const PREFLIGHT_MAX_AGE_SECONDS = '7200';
/**
 * Request headers a browser library may send, so its preflight passes: ours, Segment's
 * analytics.js (`Authorization` Basic, `X-Retry-Count` on a retry) and RudderStack's
 * analytics-js v3 (`AnonymousId` on every event, `SentAt`, and the `Rsa-*` headers of a
 * retried or recovered request). Read from those libraries' sources; none carries a secret.
 */
const ALLOWED_HEADERS = [
  'Authorization', 'Content-Type', 'Content-Encoding',
  'X-Retry-Count',
  'AnonymousId', 'SentAt',
  'Rsa-Recovered', 'Rsa-Retry-Attempt', 'Rsa-Retry-Reason', 'Rsa-Since-First-Attempt', 'Rsa-Since-Last-Attempt',
].join(', ');

/**
 * CORS for the ingest routes. An allowed origin is reflected (never `*`, so the answer is
 * per-origin and `Vary: Origin`), and `Retry-After` is exposed so the SDK can honour it on
 * 429/503. A preflight is cached for 2 hours (`Access-Control-Max-Age`): a page pays one per
 * path. Preflights carry no write key, so they are allowed when any source allows the origin;
 * the real request is then checked against its own source (403 otherwise).
 *
 * A refused origin gets no CORS headers, not even on its 403: the page cannot read the
 * answer, sees a network error, and the SDK keeps the events queued and retries. If the
 * operator forgot to list a legitimate origin, its events arrive once the list is fixed
 * instead of being dropped as a final 403.
 *
 * @example
 * app.use('/v1/*', createCorsMiddleware(registry));
 */
export function createCorsMiddleware(registry: SourceRegistry): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      if (origin === undefined) return new Response(null, { status: 204, headers: { allow: 'GET, POST, OPTIONS' } });
      if (!registry.anySourceAllows(origin)) {
        throw httpError(403, ERROR_CODES.originNotAllowed, `origin ${origin.slice(0, 200)} is not allowed`, { vary: 'Origin' });
      }
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          // GET: RudderStack's library fetches its source configuration (GET /sourceConfig).
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': ALLOWED_HEADERS,
          // sendBeacon always sends credentials: a beacon whose Blob is typed application/json
          // is preflighted in that mode, and would be refused without this. Ingest reads no
          // cookie, so credentials grant nothing here.
          'access-control-allow-credentials': 'true',
          'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
          vary: 'Origin',
        },
      });
    }
    await next();
    c.res.headers.append('vary', 'Origin');
    if (origin === undefined) return;
    const source = c.get('source');
    const allowed = source ? source.allowsOrigin(origin) : registry.anySourceAllows(origin);
    if (!allowed) return;
    c.res.headers.set('access-control-allow-origin', origin);
    c.res.headers.set('access-control-expose-headers', 'Retry-After');
    c.res.headers.set('access-control-allow-credentials', 'true');
  };
}
