import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { CollectorEnv } from '../http/collector-env.js';
import { httpError } from '../http/http-error.js';
import { describeError, type Logger } from '../logger.js';
import { WriterBusyError } from '../store/group-commit.js';
import type { Store } from '../store/store.js';

/**
 * `GET /healthz`: the process answers (liveness: restart it if not). `GET /readyz`: the store
 * answers and its writer keeps up (readiness: a load balancer stops sending events to an
 * instance whose database is gone or whose write queue is nearly full, until it recovers).
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
      if (error instanceof WriterBusyError) {
        logger.warn('not ready: writer behind', { store: store.kind, reason: error.message });
        throw httpError(503, ERROR_CODES.storageUnavailable, error.message, { 'retry-after': String(error.retryAfterSeconds) });
      }
      logger.warn('readiness check failed', { store: store.kind, error: describeError(error) });
      throw httpError(503, ERROR_CODES.storageUnavailable, 'storage is unavailable', { 'retry-after': '5' });
    }
    return c.json({ status: 'ok', store: store.kind });
  });
  return routes;
}
