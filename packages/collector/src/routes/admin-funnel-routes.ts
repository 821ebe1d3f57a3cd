import { Hono } from 'hono';
import { parseFunnelDefinition } from '../funnels/funnel-definition.js';
import type { Store } from '../store/store.js';
import { definitionError, readBody, requireAnalytics } from './admin-segment-routes.js';
import { answerQueryTimeout } from './analytics-timeout.js';

/**
 * `POST /api/funnels/preview` under `/admin` (behind the admin token): `{steps, within, by?,
 * from?, to?}` → `{steps: [{event, people, conversion, conversionFromFirst, medianSeconds}],
 * breakdown?, warnings}`. Faults answer 400 `invalid_definition`, each named by its path.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $TOKEN" -d '{"steps":[{"event":"Product Viewed"},{"event":"Order Completed"}],"within":"P7D"}' http://localhost:8787/admin/api/funnels/preview
 */
export function createAdminFunnelRoutes(store: Store, now: () => number): Hono {
  const routes = new Hono();
  routes.post('/api/funnels/preview', async (c) => {
    const { funnel, faults } = parseFunnelDefinition(await readBody(c.req.raw));
    if (!funnel) throw definitionError(faults);
    return c.json(await answerQueryTimeout(requireAnalytics(store).queryFunnel({ funnel, now: now() })));
  });
  return routes;
}
