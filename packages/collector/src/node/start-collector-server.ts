import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createCollector } from '../collector.js';
import type { Logger } from '../logger.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Setup } from './resolve-setup.js';

/** A collector listening on a port. */
export interface RunningCollector {
  /** Base URL with the real bound port (also when started with port 0). */
  url: string;
  port: number;
  storeKind: string;
  /** Stops accepting, lets in-flight requests finish, then closes the store. Idempotent. */
  close(): Promise<void>;
}

/** In-flight requests get this long to finish on shutdown before their sockets are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Wires the Node drivers: the SQLite store and @hono/node-server around `createCollector`.
 *
 * @example
 * const running = await startCollectorServer(setup, logger);
 * logger.info('ready', { url: running.url });
 */
export async function startCollectorServer(setup: Setup, logger: Logger): Promise<RunningCollector> {
  const store = createSqliteStore({ path: setup.dbPath });
  const app = createCollector({ sources: setup.sources, store, logger });
  const server = serve({ fetch: app.fetch, port: setup.port, hostname: setup.host }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(setup.host)}:${port}`,
    port,
    storeKind: store.kind,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          // close() drops the connections idle right now; a keep-alive connection that was busy
          // becomes idle when its response is sent and would otherwise hold the exit until the
          // client's keep-alive ends, so idle ones are swept until the server has closed.
          const sweep = setInterval(() => server.closeIdleConnections(), 50);
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          server.close(() => {
            clearInterval(sweep);
            clearTimeout(force);
            resolve();
          });
        });
        await store.close();
      })()),
  };
}

/** A wildcard bind is reached locally through loopback; IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
