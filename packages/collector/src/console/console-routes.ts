import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ERROR_CODES } from '@cairn/protocol';
import type { AdminGuard } from '../http/admin-guard.js';
import { errorResponse, httpError } from '../http/http-error.js';
import { readRequestBody } from '../http/read-body.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { CSRF_HEADER, type ConsoleSessions } from './console-session.js';

/** The console's built files by path (`index.html`, `sign-in.html`, `assets/console.js` …). */
export type ConsoleAssets = ReadonlyMap<string, { body: Uint8Array; type: string }>;

/**
 * No inline script or style, nothing from another origin: the console's own files and its own
 * JSON API only. uPlot styles through the CSSOM (element.style), which CSP does not restrict.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export interface ConsoleRoutesDeps {
  sessions: ConsoleSessions;
  /** Absent: the pages answer 503 with how to build them. */
  assets: ConsoleAssets | undefined;
  logger: Logger;
  metrics: Metrics;
  /**
   * The admin surface's rate limit and wrong-token back-off (createAdminGuard), shared with
   * `/admin/*`: the sign-in form compares the admin token too, so guessing through it must
   * cost what guessing at `/admin` does.
   */
  guard?: AdminGuard;
}

/**
 * The console's pages, mounted at `/console` only when an admin token is configured:
 * `GET /console` (the app; sign-in first), `GET|POST /console/sign-in` (one password field for
 * the admin token), `POST /console/sign-out`, `GET /console/assets/*`. Every answer carries a
 * strict Content-Security-Policy.
 *
 * @example
 * app.route('/console', createConsoleRoutes({ sessions, assets, logger, metrics }));
 */
export function createConsoleRoutes(deps: ConsoleRoutesDeps): Hono {
  const routes = new Hono();
  const signIns = deps.metrics.counter('cairn_console_sign_ins_total', 'Console sign-in attempts, by outcome');
  routes.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  const page = (c: Context, path: string) => {
    const asset = deps.assets?.get(path);
    if (!asset) {
      return errorResponse(503, ERROR_CODES.notFound, `the console's files are not built (${path} missing): run npm run build`);
    }
    return new Response(asset.body, { headers: { 'content-type': asset.type, 'cache-control': path.endsWith('.html') ? 'no-store' : 'no-cache' } });
  };

  routes.get('/', async (c) => ((await deps.sessions.read(c)) ? page(c, 'index.html') : c.redirect('/console/sign-in', 303)));
  routes.get('/sign-in', async (c) => ((await deps.sessions.read(c)) ? c.redirect('/console', 303) : page(c, 'sign-in.html')));
  routes.post('/sign-in', async (c) => {
    refuseCrossOrigin(c);
    // 429 + Retry-After while the address is over the admin rate or backing off, before the
    // token is compared (as at /admin). A browser's form post would show that JSON to a person,
    // so it goes back to the sign-in page, which says how long to wait; the back-off is the same.
    try {
      deps.guard?.admit(c);
    } catch (error) {
      const wait = error instanceof HTTPException && error.status === 429 ? error.getResponse().headers.get('retry-after') : null;
      if (wait === null || !(c.req.header('accept') ?? '').includes('text/html')) throw error;
      signIns.inc({ outcome: 'throttled' });
      return c.redirect(`/console/sign-in?wait=${encodeURIComponent(wait)}`, 303);
    }
    const form = new URLSearchParams(new TextDecoder().decode(await readRequestBody(c.req.raw, 4096)));
    const token = form.get('token') ?? '';
    if (token === '' || !deps.sessions.isAdminToken(token)) {
      deps.guard?.failed(c);
      signIns.inc({ outcome: 'refused' });
      deps.logger.warn('console sign-in refused', {});
      return c.redirect('/console/sign-in?failed=1', 303);
    }
    deps.guard?.succeeded(c);
    await deps.sessions.start(c);
    signIns.inc({ outcome: 'ok' });
    deps.logger.info('console sign-in', {});
    return c.redirect('/console', 303);
  });
  routes.post('/sign-out', async (c) => {
    const session = await deps.sessions.read(c);
    if (session) {
      const form = new URLSearchParams(new TextDecoder().decode(await readRequestBody(c.req.raw, 4096)));
      if (!deps.sessions.checkCsrf(session, c.req.header(CSRF_HEADER) ?? form.get('csrf') ?? undefined)) {
        throw httpError(403, ERROR_CODES.csrfFailed, 'sign-out needs the session CSRF token (form field csrf or X-CSRF-Token)');
      }
      deps.sessions.end(c, session);
      deps.logger.info('console sign-out', {});
    }
    return c.redirect('/console/sign-in', 303);
  });
  routes.get('/assets/:name{[A-Za-z0-9._-]+}', (c) => {
    const path = `assets/${c.req.param('name')}`;
    if (!deps.assets?.has(path)) throw httpError(404, ERROR_CODES.notFound, `no console file ${path}`);
    return page(c, path);
  });
  return routes;
}

/** A form post from another site's page: SameSite keeps the cookie away, this the sign-in. */
function refuseCrossOrigin(c: Context): void {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== (c.req.header('host') ?? new URL(c.req.url).host)) {
    throw httpError(403, ERROR_CODES.csrfFailed, `sign-in posted from another origin (${origin.slice(0, 100)})`);
  }
}
