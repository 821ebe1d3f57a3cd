import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { constantTimeEqual } from '../http/admin-auth.js';
import { httpError } from '../http/http-error.js';
import type { Metrics } from '../metrics/metrics.js';

const encoder = new TextEncoder();

/**
 * `GET /metrics` in the Prometheus text format (0.0.4). Open by default, as scrapers usually
 * reach it on an internal network without credentials; with `token` set it needs
 * `Authorization: Bearer <token>` (Prometheus: `authorization: {credentials: …}`).
 * The metrics hold counts and source names only, no event data.
 *
 * @example
 * app.route('/', createMetricsRoutes(metrics, process.env.CAIRN_METRICS_TOKEN));
 */
export function createMetricsRoutes(metrics: Metrics, token?: string, beforeScrape?: () => void): Hono {
  const expected = token ? encoder.encode(token) : undefined;
  const routes = new Hono();
  routes.get('/metrics', (c) => {
    if (expected !== undefined) {
      const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (presented === undefined || !constantTimeEqual(encoder.encode(presented), expected)) {
        throw httpError(401, ERROR_CODES.unauthorized, '/metrics needs Authorization: Bearer <metrics token>', {
          'www-authenticate': 'Bearer realm="cairn-metrics"',
        });
      }
    }
    beforeScrape?.();
    return new Response(metrics.render(), {
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
    });
  });
  return routes;
}
