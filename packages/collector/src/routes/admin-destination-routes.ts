import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import type { DestinationsControl } from '../destinations/destinations-control.js';
import { httpError } from '../http/http-error.js';
import type { Logger } from '../logger.js';

/**
 * The destinations' JSON API, mounted under `/admin` behind the admin token:
 * `GET /api/destinations` → `[{name, kind, delivered, pending, failed, deadLettered,
 * lagSeconds, lastError, lastErrorAt}, …]` (one per destination, in config order), `GET /api/destinations/{name}` → one of
 * them, `POST /api/destinations/{name}/replay` → `{"replayed": n}` (dead letters back to the queue).
 *
 * @example
 * curl -H "Authorization: Bearer $TOKEN" http://localhost:8787/admin/api/destinations
 */
export function createAdminDestinationRoutes(destinations: DestinationsControl | undefined, logger: Logger): Hono {
  const routes = new Hono();
  const known = (name: string) => {
    if (destinations === undefined || !destinations.names().includes(name)) {
      throw httpError(404, ERROR_CODES.notFound, `no destination named "${name}"; the config file's "destinations" lists them`);
    }
    return destinations;
  };
  routes.get('/api/destinations', async (c) => c.json(destinations === undefined ? [] : await destinations.counts()));
  routes.get('/api/destinations/:name', async (c) => {
    const name = c.req.param('name');
    const row = (await known(name).counts()).find((entry) => entry.name === name);
    return c.json(row);
  });
  routes.post('/api/destinations/:name/replay', async (c) => {
    const name = c.req.param('name');
    const replayed = await known(name).replay(name);
    logger.info('admin replay of dead letters', { destination: name, replayed });
    return c.json({ replayed });
  });
  return routes;
}
