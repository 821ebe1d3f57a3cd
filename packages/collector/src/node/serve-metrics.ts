import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { errorResponse, toErrorResponse } from '../http/http-error.js';
import type { Metrics } from '../metrics/metrics.js';
import { createMetricsRoutes } from '../routes/metrics-routes.js';

/** `/metrics` on a listen address of its own. */
export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves only `GET /metrics` on `listen` (e.g. 127.0.0.1:9464, or an address on the internal
 * network the scraper uses), so the main port, which browsers reach, does not expose it. The
 * metrics token, when set, is asked for here too.
 *
 * @example
 * const server = await startMetricsServer({ host: '127.0.0.1', port: 9464 }, metrics, undefined, refresh);
 */
export async function startMetricsServer(
  listen: { host: string; port: number },
  metrics: Metrics,
  token: string | undefined,
  beforeScrape: () => void,
): Promise<MetricsServer> {
  const app = new Hono();
  app.route('/', createMetricsRoutes(metrics, token, beforeScrape));
  app.notFound((c) => errorResponse(404, ERROR_CODES.notFound, `no route for ${c.req.method} ${c.req.path}: this address serves GET /metrics only`));
  app.onError((error) => toErrorResponse(error, () => undefined));
  const server = serve({ fetch: app.fetch, port: listen.port, hostname: listen.host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
