import { Hono, type Context } from 'hono';
import type { SourceRegistry } from '../auth/source-registry.js';
import { readBasicAuthKey } from '../http/basic-auth.js';
import type { CollectorEnv } from '../http/collector-env.js';
import { admit, authenticate } from './ingest-routes.js';

/**
 * `GET /sourceConfig` (and `/sourceConfig/`), the source configuration RudderStack's browser
 * library fetches before it sends anything (from RudderStack's control plane unless `configUrl`
 * names another place): with `configUrl` set to the collector, the library loads without a
 * RudderStack account. The answer is a source with no device-mode destinations (Cairn stores
 * events; it loads no third-party script into the page) and no stats collection. The write key
 * comes as `?writeKey=` (the library always adds it) or Basic auth; 401 when unknown, 403 for an
 * origin the source does not allow. Cached for a minute.
 *
 * @example
 * app.route('/', createSourceConfigRoutes(registry));
 * // rudderanalytics.load(KEY, 'https://collect.example.com', { configUrl: 'https://collect.example.com' })
 */
export function createSourceConfigRoutes(registry: SourceRegistry): Hono<CollectorEnv> {
  const routes = new Hono<CollectorEnv>();
  const answer = async (c: Context<CollectorEnv>) => {
    const source = await authenticate(registry, readBasicAuthKey(c.req.header('authorization')) ?? c.req.query('writeKey'));
    admit(c, source);
    const config = {
      isHosted: false,
      source: { id: source.name, name: source.name, workspaceId: 'cairn', enabled: true, config: {}, destinations: [] },
    };
    return c.json(config, 200, { 'cache-control': 'private, max-age=60' });
  };
  routes.get('/sourceConfig', answer);
  routes.get('/sourceConfig/', answer);
  return routes;
}
