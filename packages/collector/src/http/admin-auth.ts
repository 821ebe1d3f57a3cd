import type { MiddlewareHandler } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { ConsoleSessions } from '../console/console-session.js';
import { CSRF_HEADER } from '../console/console-session.js';
import type { AdminGuard } from './admin-guard.js';
import { httpError } from './http-error.js';

const encoder = new TextEncoder();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Guards the admin endpoints (export, erasure, replay, stats) with `Authorization: Bearer
 * <token>`. Without a configured token the admin surface does not exist: 404 `not_found`,
 * so a scan cannot even tell it is there. A missing or wrong token: 401 `admin_unauthorized`.
 *
 * The token is compared in constant time with a byte loop rather than `node:crypto`'s
 * `timingSafeEqual`, since the app runs on Web APIs only. With a `guard` (see
 * createAdminGuard), each address is rate-limited and backs off after wrong tokens. With
 * `sessions`, `/admin/api/*` also takes the console's session cookie (CSRF-checked).
 *
 * @example
 * app.use('/admin/*', createAdminAuth(options.adminToken, createAdminGuard({ clientIp })));
 */
export function createAdminAuth(token: string | undefined, guard?: AdminGuard, sessions?: ConsoleSessions): MiddlewareHandler {
  const expected = token === undefined || token === '' ? undefined : encoder.encode(token);
  return async (c, next) => {
    if (expected === undefined) {
      throw httpError(404, ERROR_CODES.notFound, `no route for ${c.req.method} ${c.req.path}`);
    }
    const presented = readBearer(c.req.header('authorization'));
    // The JSON API also takes the console's session cookie. A cookie comes with every request
    // the browser makes, so a request that changes state must also prove it came from the
    // console page: the session's CSRF token in X-CSRF-Token. A bearer token is never ambient.
    if (presented === undefined && sessions && c.req.path.startsWith('/admin/api/')) {
      const session = await sessions.read(c);
      if (session) {
        if (!SAFE_METHODS.has(c.req.method) && !sessions.checkCsrf(session, c.req.header(CSRF_HEADER))) {
          throw httpError(403, ERROR_CODES.csrfFailed, `${c.req.method} ${c.req.path} needs the session's CSRF token in ${CSRF_HEADER} (GET /admin/api/session gives it)`);
        }
        await next();
        return;
      }
    }
    // After the session check: a signed-in console (its sign-in already rate-limited) may
    // load a page's several API calls at once; bearer tokens and strangers are limited.
    guard?.admit(c);
    if (presented === undefined || !constantTimeEqual(encoder.encode(presented), expected)) {
      guard?.failed(c);
      throw httpError(401, ERROR_CODES.adminUnauthorized, 'admin endpoints need Authorization: Bearer <admin token>', {
        'www-authenticate': 'Bearer realm="cairn-admin"',
      });
    }
    guard?.succeeded(c);
    await next();
  };
}

function readBearer(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * True when both byte strings are equal. The loop always runs over the whole expected value
 * and never exits early, so the time taken says nothing about how many leading bytes of a
 * guess were right; only the expected length is fixed, which an attacker gains nothing from.
 *
 * @example
 * constantTimeEqual(new TextEncoder().encode('a'), new TextEncoder().encode('a')) // true
 */
export function constantTimeEqual(presented: Uint8Array, expected: Uint8Array): boolean {
  let difference = presented.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    // Out-of-range reads give undefined → 0 ^ byte; the length term already marks the mismatch.
    difference |= ((presented[i] ?? 0) ^ (expected[i] as number)) & 0xff;
  }
  return difference === 0;
}
