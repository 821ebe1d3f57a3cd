import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { CollectorEnv } from '../http/collector-env.js';
import { httpError } from '../http/http-error.js';
import { describeError, type Logger } from '../logger.js';
import type { Store } from '../store/store.js';

/**
 * `GET /healthz`: the process answers (liveness). `GET /readyz`: the store answers too
 * (readiness: a load balancer stops sending events to an instance whose database is gone).
 *
 * @example
 * app.route('/', createHealthRoutes(store, logger));
 */
export function createHealthRoutes(store: Store, logger: Logger): Hono<CollectorEnv> {
  const routes = new Hono<CollectorEnv>();
  routes.get('/healthz', (c) => c.json({ status: 'ok' }));
  routes.get('/readyz', async (c) => {
    try {
      await store.ping();
    } catch (error) {
      logger.warn('readiness check failed', { store: store.kind, error: describeError(error) });
      throw httpError(503, ERROR_CODES.storageUnavailable, 'storage is unavailable', { 'retry-after': '5' });
    }
    return c.json({ status: 'ok', store: store.kind });
  });
  return routes;
}
