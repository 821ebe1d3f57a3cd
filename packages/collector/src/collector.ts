import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { createSourceRegistry } from './auth/source-registry.js';
import { CollectorError } from './collector-error.js';
import type { CollectorEnv } from './http/collector-env.js';
import { createCorsMiddleware } from './http/cors.js';
import { errorResponse, toErrorResponse } from './http/http-error.js';
import { DEFAULT_STAGES } from './ingest/default-stages.js';
import type { Stage } from './ingest/stage.js';
import { createJsonLogger, describeError, type Logger } from './logger.js';
import { createHealthRoutes } from './routes/health-routes.js';
import { createIngestRoutes } from './routes/ingest-routes.js';
import type { SourceConfig } from './source-config.js';
import type { Store } from './store/store.js';

export interface CollectorOptions {
  /** Sites/apps allowed to send, each with its write key. At least one. */
  sources: readonly SourceConfig[];
  /** Where events go; the caller opens and closes it. */
  store: Store;
  /** Default: JSON lines through `console.log`. */
  logger?: Logger;
  /** Clock in epoch milliseconds (receive time, skew correction). Default `Date.now`. */
  now?: () => number;
  /** Ingest pipeline; default {@link DEFAULT_STAGES}. Extend it, keeping the default stages. */
  stages?: readonly Stage[];
}

/**
 * The collector as a Hono app on Web Request/Response only (run it on Node with
 * `@hono/node-server`, or call `app.request()` in tests).
 *
 * Routes: `POST /v1/batch`, `POST /v1/track|page|identify|group|alias|screen`, CORS preflight
 * on `/v1/*`, `GET /healthz`, `GET /readyz`. Every error is `{error: {code, message}}`.
 *
 * @example
 * const store = createSqliteStore({ path: './cairn.db' });
 * const app = createCollector({ sources: [{ name: 'default', writeKey: 'KEY' }], store });
 * const res = await app.request('/v1/batch', { method: 'POST', body: JSON.stringify({ batch: [], writeKey: 'KEY' }) });
 */
export function createCollector(options: CollectorOptions): Hono<CollectorEnv> {
  if (!options || typeof options.store?.write !== 'function') {
    throw new CollectorError('invalid_options', 'createCollector needs a store (e.g. createSqliteStore({ path }))');
  }
  const registry = createSourceRegistry(options.sources);
  const logger = options.logger ?? createJsonLogger();
  const now = options.now ?? Date.now;
  const stages = options.stages ?? DEFAULT_STAGES;

  const app = new Hono<CollectorEnv>();
  app.use('/v1/*', createCorsMiddleware(registry));
  app.route('/', createHealthRoutes(options.store, logger));
  app.route('/v1', createIngestRoutes({ registry, store: options.store, stages, logger, now }));
  app.notFound((c) => errorResponse(404, ERROR_CODES.notFound, `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error) =>
    toErrorResponse(error, (fault) => logger.error('internal error', { error: describeError(fault) })),
  );
  return app;
}
