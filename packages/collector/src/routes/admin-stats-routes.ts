import { Hono } from 'hono';
import type { Store } from '../store/store.js';

/**
 * `GET /admin/stats` (behind the admin token): stored events per source, type and event name,
 * and quarantined events per source and rejection code, with totals. Counting scans the
 * tables: it is for people looking at a dashboard, not for a scraper (use /metrics).
 *
 * @example
 * curl -H "Authorization: Bearer $TOKEN" http://localhost:8787/admin/stats
 */
export function createAdminStatsRoutes(store: Store): Hono {
  const routes = new Hono();
  routes.get('/stats', async (c) => {
    const stats = await store.stats();
    const sum = (rows: { count: number }[]) => rows.reduce((total, row) => total + Number(row.count), 0);
    return c.json({
      store: store.kind,
      totals: { events: sum(stats.events), quarantine: sum(stats.quarantine) },
      ...stats,
    });
  });
  return routes;
}
