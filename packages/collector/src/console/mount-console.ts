import { Hono } from 'hono';
import type { AdminGuard } from '../http/admin-guard.js';
import type { Stage } from '../ingest/stage.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { createAdminApiEventsRoutes } from '../routes/admin-api-events-routes.js';
import { createAdminApiOverviewRoutes } from '../routes/admin-api-overview-routes.js';
import { createAdminApiQuarantineRoutes } from '../routes/admin-api-quarantine-routes.js';
import { createAdminApiSessionRoutes } from '../routes/admin-api-session-routes.js';
import type { Store } from '../store/store.js';
import type { ConsoleReads } from './console-reads.js';
import { createConsoleRoutes, type ConsoleAssets } from './console-routes.js';
import { createConsoleSessions, type ConsoleSessions } from './console-session.js';
import { createLiveFeed } from './live-feed.js';

export type { ConsoleAssets } from './console-routes.js';

export interface MountConsoleOptions {
  reads: ConsoleReads;
  assets?: ConsoleAssets;
  sessionTtlMs?: number;
  livePollMs?: number;
  adminToken: string;
  store: Store;
  stages: readonly Stage[];
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  sources: readonly string[];
  /** The privacy stage's IP mode, for the event detail's account of it. */
  ipMode?: string;
  /** The `/admin/*` guard: the sign-in form goes through its rate limit and back-off too. */
  guard?: AdminGuard;
}

/** The console's parts for createCollector to mount. */
export interface MountedConsole {
  sessions: ConsoleSessions;
  /** Mounted at `/admin/api` (behind the admin auth). */
  api: Hono;
  /** Mounted at `/console`. */
  pages: Hono;
  /** The store for ingest: the same, but a write wakes the live feed. */
  ingestStore: Store;
}

/**
 * Builds the console: sessions, the live feed, the `/admin/api` routes and the pages. A feature
 * with an API of its own (segments, funnels, destinations) adds its routes to `api` here.
 *
 * @example
 * const mounted = mountConsole({ reads, adminToken, store, stages, logger, metrics, now, sources: ['default'] });
 */
export function mountConsole(options: MountConsoleOptions): MountedConsole {
  const sessions = createConsoleSessions({ adminToken: options.adminToken, ...(options.sessionTtlMs ? { ttlMs: options.sessionTtlMs } : {}), now: options.now });
  const feed = createLiveFeed({
    reads: options.reads,
    ...(options.livePollMs ? { intervalMs: options.livePollMs } : {}),
    onError: (error) => options.logger.warn('live feed read failed', { error: String(error) }),
  });
  const api = new Hono();
  api.route('/', createAdminApiSessionRoutes({ sessions, sources: options.sources }));
  api.route('/', createAdminApiEventsRoutes({ reads: options.reads, feed, ...(options.ipMode ? { ipMode: options.ipMode } : {}) }));
  api.route('/', createAdminApiOverviewRoutes({ reads: options.reads, now: options.now }));
  api.route('/', createAdminApiQuarantineRoutes({ reads: options.reads, store: options.store, stages: options.stages, logger: options.logger, metrics: options.metrics }));
  const pages = createConsoleRoutes({ sessions, assets: options.assets, logger: options.logger, metrics: options.metrics, guard: options.guard });
  const ingestStore: Store = {
    ...options.store,
    write: async (batch) => {
      const result = await options.store.write(batch);
      if (result.inserted.length > 0) feed.wake();
      return result;
    },
  };
  return { sessions, api, pages, ingestStore };
}
