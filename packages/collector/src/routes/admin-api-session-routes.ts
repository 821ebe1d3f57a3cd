import { Hono } from 'hono';
import type { ConsoleSessions } from '../console/console-session.js';

/**
 * `GET /admin/api/session`: the console's session (its CSRF token and expiry; null fields for a
 * bearer-token caller) and `GET /admin/api/sources`: the configured source names.
 *
 * @example
 * const { csrfToken } = await (await fetch('/admin/api/session')).json();
 */
export function createAdminApiSessionRoutes(deps: { sessions: ConsoleSessions; sources: readonly string[] }): Hono {
  const routes = new Hono();
  routes.get('/session', async (c) => {
    const session = await deps.sessions.read(c);
    c.header('cache-control', 'no-store');
    return c.json({
      csrfToken: session?.csrfToken ?? null,
      expiresAt: session ? new Date(session.expiresAt).toISOString() : null,
    });
  });
  routes.get('/sources', (c) => c.json({ sources: deps.sources }));
  return routes;
}
