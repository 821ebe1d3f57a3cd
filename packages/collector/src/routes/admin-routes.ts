import { Hono } from 'hono';
import type { DestinationsControl } from '../destinations/destinations-control.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { createAdminEraseRoutes } from './admin-erase-routes.js';
import { createAdminExportRoutes } from './admin-export-routes.js';
import { createAdminStatsRoutes } from './admin-stats-routes.js';

/**
 * The admin endpoints of issue #7, to mount under `/admin` behind `createAdminAuth`:
 * `GET /export`, `POST /erase`, `GET /stats`.
 *
 * @example
 * app.use('/admin/*', createAdminAuth(adminToken));
 * app.route('/admin', createAdminRoutes(store, logger));
 */
export function createAdminRoutes(store: Store, logger: Logger, destinations?: DestinationsControl): Hono {
  const routes = new Hono();
  routes.route('/', createAdminExportRoutes(store, logger));
  routes.route('/', createAdminEraseRoutes(store, logger, destinations));
  routes.route('/', createAdminStatsRoutes(store));
  return routes;
}
