import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { ConsoleReads } from '../console/console-reads.js';
import { shapeOverview } from '../console/shape-overview.js';
import { httpError } from '../http/http-error.js';
import { readIsoTime, readText } from './admin-api-params.js';

const DAY = 86_400_000;
/** The rollups make any range cheap, but a chart of more than a year of days says little. */
const MAX_RANGE_DAYS = 400;

/**
 * `GET /admin/api/overview?from=&to=&source=`: the overview's numbers for a range (default the
 * last 7 days), read from the rollup tables kept at ingest.
 *
 * @example
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8787/admin/api/overview?from=2024-06-01&to=2024-06-08'
 */
export function createAdminApiOverviewRoutes(deps: { reads: ConsoleReads; now: () => number }): Hono {
  const routes = new Hono();
  routes.get('/overview', async (c) => {
    const to = readIsoTime(c.req.query('to'), 'to') ?? new Date(deps.now()).toISOString();
    const from = readIsoTime(c.req.query('from'), 'from') ?? new Date(Date.parse(to) - 7 * DAY).toISOString();
    const span = Date.parse(to) - Date.parse(from);
    if (span <= 0) throw httpError(400, ERROR_CODES.invalidQuery, 'from must be before to');
    if (span > MAX_RANGE_DAYS * DAY) throw httpError(400, ERROR_CODES.invalidQuery, `the range is longer than ${MAX_RANGE_DAYS} days`);
    const source = readText(c, 'source');
    const query = { from, to, ...(source ? { source } : {}) };
    return c.json(shapeOverview(query, await deps.reads.overview(query)));
  });
  return routes;
}
