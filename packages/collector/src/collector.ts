import { Hono, type Context } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { createSourceRegistry } from './auth/source-registry.js';
import { CollectorError } from './collector-error.js';
import { createAdminAuth } from './http/admin-auth.js';
import { createAdminGuard } from './http/admin-guard.js';
import type { CollectorEnv } from './http/collector-env.js';
import { createCorsMiddleware } from './http/cors.js';
import { errorResponse, toErrorResponse } from './http/http-error.js';
import { createRateLimits, type RateLimit } from './http/rate-limits.js';
import type { WireBodyReader } from './http/read-body.js';
import { createRequestLog } from './http/request-log.js';
import { collectorMetrics } from './metrics/collector-metrics.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { createAdminRoutes } from './routes/admin-routes.js';
import { createMetricsRoutes } from './routes/metrics-routes.js';
import { createIngestStages } from './ingest/create-ingest-stages.js';
import type { IngestRules } from './ingest/ingest-rules.js';
import type { Stage } from './ingest/stage.js';
import type { PrivacyOptions } from './privacy/privacy-stages.js';
import { createPlanHolder, isPlanHolder, type PlanHolder } from './plan/plan-holder.js';
import type { TrackingPlan } from './plan/tracking-plan.js';
import { createAdminFunnelRoutes } from './routes/admin-funnel-routes.js';
import { createAdminSegmentRoutes } from './routes/admin-segment-routes.js';
import { createAdminPlanRoutes } from './routes/admin-plan-routes.js';
import { createAdminReplayRoutes } from './routes/admin-replay-routes.js';
import { createAdminDestinationRoutes } from './routes/admin-destination-routes.js';
import type { DestinationsControl } from './destinations/destinations-control.js';
import { createJsonLogger, describeError, type Logger } from './logger.js';
import { createHealthRoutes } from './routes/health-routes.js';
import { createClientMetricsRoutes } from './routes/client-metrics-routes.js';
import { createSourceConfigRoutes } from './routes/source-config-routes.js';
import { createBeaconRoutes, createIngestRoutes, type IngestDeps } from './routes/ingest-routes.js';
import type { SourceConfig } from './source-config.js';
import type { Store } from './store/store.js';
import type { ConsoleReads } from './console/console-reads.js';
import { mountConsole, type ConsoleAssets } from './console/mount-console.js';

export interface CollectorOptions {
  /** Sites/apps allowed to send, each with its write key. At least one. */
  sources: readonly SourceConfig[];
  /** Where events go; the caller opens and closes it. */
  store: Store;
  /** Default: JSON lines through `console.log`. */
  logger?: Logger;
  /** Clock in epoch milliseconds (receive time, skew correction). Default `Date.now`. */
  now?: () => number;
  /**
   * Ingest pipeline; default `createIngestStages({ plan, rules: normalisation, metrics, privacy })`,
   * every rule on. `DEFAULT_STAGES` is the minimal one (envelope, id, timestamp only).
   */
  stages?: readonly Stage[];
  /** Tracking plan (`compileTrackingPlan`, `loadTrackingPlan`); a `PlanHolder` makes it reloadable. */
  plan?: TrackingPlan | PlanHolder;
  /** Switches and limits of the ingest rules (default all on); a plan's `rules` override them. */
  normalisation?: IngestRules;
  /**
   * Consent enforcement and IP handling: `{ ip: 'truncate' | 'drop' | 'full', recordIp,
   * eventCategories }`. Default: IPv4 /24, IPv6 /48, the request's address not recorded;
   * event categories from the plan, else `analytics`.
   */
  privacy?: PrivacyOptions;
  /** Registry rendered at `GET /metrics`; default a fresh one. Pass yours to add metrics. */
  metrics?: Metrics;
  /** Bearer token of `/admin/*`; absent: the admin endpoints answer 404. */
  adminToken?: string;
  /**
   * Per client address on `/admin/*`, apart from ingest's; `requestsPerSecond: 0` = off.
   * Default 10/s, burst 20. Wrong tokens also make an address back off (see createAdminGuard).
   */
  adminRateLimit?: RateLimit;
  /** Bearer token of `/metrics`; absent: `/metrics` is open (scrapers on an internal network). */
  metricsToken?: string;
  /**
   * Serve `GET /metrics` on this app (default true). The Node entry turns it off when metrics
   * have a listen address of their own, or in production without a metrics token.
   */
  serveMetrics?: boolean;
  /** Per client address; absent or 0: off. */
  rateLimit?: RateLimit;
  /** Default per-source requests/second (a source's `rateLimit` wins); absent or 0: off. */
  sourceRateLimit?: number;
  /** The client address for rate limiting and `privacy.recordIp` (the Node entry reads the socket); default: unknown. */
  clientIp?: (c: Context) => string | undefined;
  /** Called before `/metrics` renders (the Node entry refreshes process gauges). */
  beforeMetricsScrape?: () => void;
  /**
   * A faster route to an ingest request's bytes than the Web Request (the Node entry reads
   * Node's request stream); returns undefined to fall back to `c.req.raw`. Limits, gzip and
   * errors stay the collector's. Default: the Web Request.
   */
  readBody?: (c: Context, limit: number) => ReturnType<WireBodyReader>;
  /**
   * The running destinations (the Node entry's `startDestinations`): their admin API under
   * `/admin/api/destinations`, and erasure reaching them. Absent: no destinations.
   */
  destinations?: DestinationsControl;
  /**
   * The web console (`/console`) and its JSON API (`/admin/api/*`), behind `adminToken`:
   * `reads` (createSqliteConsoleReads / createPostgresConsoleReads), the built `assets`
   * (the Node entry loads them from dist/console), the session lifetime (default 12 h) and
   * the live view's poll interval (default 1 s). Absent: both answer 404.
   */
  console?: { reads: ConsoleReads; assets?: ConsoleAssets; sessionTtlMs?: number; livePollMs?: number };
}

/**
 * The collector as a Hono app on Web Request/Response only (run it on Node with
 * `@hono/node-server`, or call `app.request()` in tests).
 *
 * Routes: `POST /v1/batch`, `POST /v1/track|page|identify|group|alias|screen`, Segment's and
 * RudderStack's browser routes (`/v1/b|t|p|i|g|a|s`, `/v1/import`, `/v1/m`,
 * `/beacon/v1/batch?writeKey=`, `GET /sourceConfig`), CORS preflight on those, `GET /healthz`,
 * `GET /readyz`, `GET /metrics`, and behind the admin token
 * `GET /admin/export`, `POST /admin/erase`, `GET /admin/stats`, `POST /admin/replay`,
 * `GET /admin/plan`, `POST /admin/plan/reload`. Every error is
 * `{error: {code, message}}`; every request logs one `request` line.
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
  const metrics = options.metrics ?? createMetrics();
  const plan = isPlanHolder(options.plan) ? options.plan : createPlanHolder(options.plan);
  const stages = options.stages ?? createIngestStages({ plan, rules: options.normalisation, metrics, privacy: options.privacy });
  const limits = createRateLimits({
    perIp: options.rateLimit,
    perSource: options.sourceRateLimit,
    sources: options.sources,
    clientIp: options.clientIp,
  });

  const app = new Hono<CollectorEnv>();
  app.use('*', createRequestLog(logger, collectorMetrics(metrics)));
  const cors = createCorsMiddleware(registry);
  for (const path of ['/v1/*', '/beacon/*', '/sourceConfig', '/sourceConfig/*']) {
    app.use(path, cors);
    app.use(path, limits.perIp);
  }
  // One guard for every place the admin token is compared: /admin/* and the console's sign-in
  // form share its rate limit and wrong-token back-off (whatever the ingest limit is).
  const adminGuard = createAdminGuard({ rateLimit: options.adminRateLimit, clientIp: options.clientIp });
  const consoleApp = options.adminToken && options.console ? mountConsole({ ...options.console, adminToken: options.adminToken, store: options.store, stages, logger, metrics, now, sources: options.sources.map((source) => source.name), ipMode: options.privacy?.ip ?? 'truncate', guard: adminGuard }) : undefined;
  app.use('/admin/*', createAdminAuth(options.adminToken, adminGuard, consoleApp?.sessions));
  app.route('/', createHealthRoutes(options.store, logger));
  if (options.serveMetrics !== false) app.route('/', createMetricsRoutes(metrics, options.metricsToken, options.beforeMetricsScrape));
  app.route('/admin', createAdminRoutes(options.store, logger, options.destinations));
  app.route('/admin', createAdminDestinationRoutes(options.destinations, logger));
  app.route('/admin', createAdminReplayRoutes({ store: options.store, stages, logger, metrics }));
  app.route('/admin', createAdminPlanRoutes(plan, logger, metrics));
  app.route('/admin', createAdminSegmentRoutes(options.store, now));
  app.route('/admin', createAdminFunnelRoutes(options.store, now));
  if (consoleApp) {
    app.route('/admin/api', consoleApp.api);
    app.route('/console', consoleApp.pages);
  }
  const ingest: IngestDeps = {
    registry,
    store: consoleApp?.ingestStore ?? options.store,
    stages,
    logger,
    now,
    checkSourceRate: limits.checkSource,
    clientIp: options.clientIp,
    readBody: options.readBody,
  };
  app.route('/v1', createIngestRoutes(ingest));
  app.route('/v1', createClientMetricsRoutes(metrics));
  app.route('/beacon/v1', createBeaconRoutes(ingest));
  app.route('/', createSourceConfigRoutes(registry));
  app.notFound((c) => errorResponse(404, ERROR_CODES.notFound, `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error) =>
    toErrorResponse(error, (fault) => logger.error('internal error', { error: describeError(fault) })),
  );
  return app;
}
