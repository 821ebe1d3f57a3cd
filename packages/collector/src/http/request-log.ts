import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { CollectorEnv } from './collector-env.js';
import { CODE_BY_STATUS } from './http-error.js';

// Route labels are a closed set: a label per path an attacker makes up would grow the
// metrics registry without bound.
const ROUTES = new Set([
  '/v1/batch', '/v1/track', '/v1/page', '/v1/identify', '/v1/group', '/v1/alias', '/v1/screen',
  '/v1/b', '/v1/t', '/v1/p', '/v1/i', '/v1/g', '/v1/a', '/v1/s', '/v1/import', '/v1/m', '/beacon/v1/batch', '/sourceConfig', '/sourceConfig/',
  '/healthz', '/readyz', '/metrics',
  '/admin/export', '/admin/erase', '/admin/stats', '/admin/replay', '/admin/quarantine', '/admin/plan', '/admin/plan/reload',
]);

/**
 * One info line per request — `{msg: 'request', method, path, status, ms, source?, events?}`,
 * never event contents, addresses or keys — and the request and event metrics.
 *
 * @example
 * app.use('*', createRequestLog(logger, collectorMetrics(metrics)));
 */
export function createRequestLog(logger: Logger, metrics: CollectorMetrics, now: () => number = () => performance.now()): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const started = now();
    await next();
    const ms = now() - started;
    const status = c.res.status;
    const path = c.req.path;
    const route = ROUTES.has(path) ? path : 'other';
    metrics.httpRequests.inc({ route, status: String(status) });

    const source = c.get('source')?.name;
    const ingested = c.get('ingested');
    const events = ingested ? ingested.accepted + ingested.duplicates + ingested.rejected.length : undefined;
    if ((route.startsWith('/v1/') || route === '/beacon/v1/batch') && route !== '/v1/m' && c.req.method === 'POST') {
      const sourceLabel = source ?? 'unknown';
      metrics.ingestRequests.inc({ source: sourceLabel, outcome: (status === 200 ? 'ok' : CODE_BY_STATUS[status]) ?? String(status) });
      metrics.ingestSeconds.observe(ms / 1000);
      if (status === 429) metrics.rateLimited.inc({ scope: source === undefined ? 'ip' : 'source' });
      if (ingested && events !== undefined) {
        metrics.batchEvents.observe(events);
        if (ingested.accepted > 0) metrics.events.inc({ source: sourceLabel, outcome: 'accepted' }, ingested.accepted);
        if (ingested.duplicates > 0) metrics.events.inc({ source: sourceLabel, outcome: 'duplicate' }, ingested.duplicates);
        if (ingested.rejected.length > 0) metrics.events.inc({ source: sourceLabel, outcome: 'rejected' }, ingested.rejected.length);
        for (const rejected of ingested.rejected) metrics.quarantined.inc({ source: sourceLabel, code: String(rejected.code) });
      }
    }
    if (status === 429 && (path.startsWith('/admin/') || path === '/console/sign-in')) metrics.rateLimited.inc({ scope: 'admin' });
    logger.info('request', {
      method: c.req.method,
      path: route === 'other' ? path.slice(0, 200) : path,
      status,
      ms: Math.round(ms * 10) / 10,
      ...(source === undefined ? {} : { source }),
      ...(events === undefined ? {} : { events }),
    });
  };
}
