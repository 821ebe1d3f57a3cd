import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { createCollector } from '../collector.js';
import { CollectorError } from '../collector-error.js';
import { destinationRules } from '../destinations/destination-config.js';
import type { Outbox } from '../destinations/outbox.js';
import { startForwarderWorker } from '../destinations/forwarder-worker-host.js';
import { startDestinations } from '../destinations/start-destinations.js';
import { compileTrustProxy, resolveClientIp, type TrustProxy } from '../http/client-ip.js';
import { describeError, type Logger } from '../logger.js';
import { collectorMetrics } from '../metrics/collector-metrics.js';
import { createMetrics } from '../metrics/metrics.js';
import { createGroupCommitStore } from '../store/group-commit.js';
import { startCartAbandonment, type CartAbandonment } from '../carts/cart-abandonment-rule.js';
import { startRetention, type Retention } from '../store/retention.js';
import { createSqliteWorkerStore } from '../store/sqlite-worker-store.js';
import type { Store } from '../store/store.js';
import { loadTrackingPlanHolder, reloadPlanOnSignal } from './load-tracking-plan.js';
import { openStore } from './open-store.js';
import { loadConsoleAssets } from './load-console-assets.js';
import { openConsoleReads } from './open-console-reads.js';
import { openSqliteReads } from './open-sqlite-reads.js';
import { watchErasures } from '../store/erasure-watch.js';
import { withSqliteReadAnalytics } from '../analytics/sqlite-read-analytics.js';
import { readIncomingBody } from './read-incoming-body.js';
import { startMetricsServer, type MetricsServer } from './serve-metrics.js';
import { createProcessMetrics } from './process-metrics.js';
import type { Setup } from './resolve-setup.js';

/** A collector listening on a port. */
export interface RunningCollector {
  /** Base URL with the real bound port (also when started with port 0). */
  url: string;
  port: number;
  storeKind: string;
  /** `/metrics` on its own listen address (`setup.metricsListen`), with the real bound port. */
  metricsUrl?: string;
  /**
   * Graceful stop: stops accepting connections, lets in-flight requests finish (their events
   * are committed before they are answered), waits for the write queue to drain, closes the
   * store. Sockets still busy after `setup.shutdownTimeoutMs` are cut. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Wires the Node side: opens the store (SQLite or PostgreSQL) behind the group-commit writer,
 * reads client addresses from the socket for rate limiting, starts retention, and serves the
 * app with @hono/node-server.
 *
 * @example
 * const running = await startCollectorServer(setup, logger);
 * logger.info('ready', { url: running.url });
 */
export async function startCollectorServer(setup: Setup, logger: Logger): Promise<RunningCollector> {
  // A broken plan stops the start (before the store opens); SIGHUP reloads it later.
  const plan = setup.trackingPlanPath === undefined ? undefined : await loadTrackingPlanHolder(setup.trackingPlanPath);
  const metrics = createMetrics();
  const counters = collectorMetrics(metrics);
  let fatal: (error: Error) => void = () => undefined;
  if (setup.destinations.length > 0 && setup.databaseUrl === undefined && setup.dbPath === ':memory:') {
    throw new CollectorError('invalid_config', 'destinations need a database file (--db PATH) or PostgreSQL: their forwarders read an in-memory database they cannot open');
  }
  const opened = await openInnerStore(setup, (error) => fatal(error));
  // SQLite: segments, exports, funnels and the cart rule read on the read worker (a 30-day
  // funnel takes seconds: on the request thread or the writer it would stall ingest).
  const sqliteReads = await openSqliteReads(setup).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  const inner = sqliteReads ? withSqliteReadAnalytics(opened, sqliteReads) : opened;
  const grouped = createGroupCommitStore(inner, {
    maxQueuedEvents: setup.maxQueuedEvents,
    metrics: counters,
    // PostgreSQL takes several transactions at once (one pooled connection each); SQLite has
    // one writer, so a second concurrent commit would only wait for the lock.
    concurrency: inner.kind === 'sqlite' ? 1 : 4,
  });
  // Erasures counted, so the cart rule never reports a cart from rows an erasure deleted.
  const { store, erasures } = watchErasures(grouped);
  const processMetrics = createProcessMetrics(metrics);
  const trust = compileTrustProxy(setup.trustProxy);
  const destinations =
    setup.destinations.length === 0
      ? undefined
      : await startDestinations({
          destinations: setup.destinations,
          outbox: await openOutbox(setup),
          metrics,
          logger,
          forwarders: (destinationMetrics) =>
            startForwarderWorker({
              destinations: setup.destinations,
              outbox:
                setup.databaseUrl === undefined
                  ? { kind: 'sqlite', path: setup.dbPath }
                  : { kind: 'postgres', url: setup.databaseUrl, connections: setup.destinations.length + 1 },
              metrics: destinationMetrics,
              logger,
            }),
        });
  // The console exists only behind an admin token; its reads open after the store migrated.
  const consoleReads = setup.adminToken ? await openConsoleReads(setup, sqliteReads) : undefined;
  const consoleAssets = consoleReads ? await loadConsoleAssets() : undefined;
  if (consoleReads && !consoleAssets) logger.warn('console files missing: /console answers 503 until the collector is built (npm run build)', {});
  const app = createCollector({
    sources: setup.sources,
    store,
    logger,
    metrics,
    adminToken: setup.adminToken,
    adminRateLimit: setup.adminRateLimit,
    metricsToken: setup.metricsToken,
    serveMetrics: setup.serveMetricsOnMainPort,
    rateLimit: setup.rateLimit,
    sourceRateLimit: setup.sourceRateLimit,
    clientIp: (c) => clientIp(c, trust),
    beforeMetricsScrape: processMetrics.update,
    privacy: setup.privacy,
    readBody: readIncomingBody,
    ...(plan === undefined ? {} : { plan }),
    ...(destinations === undefined ? {} : { destinations }),
    ...(consoleReads ? { console: { reads: consoleReads, ...(consoleAssets ? { assets: consoleAssets } : {}) } } : {}),
  });
  const stopPlanReload = plan === undefined ? () => undefined : reloadPlanOnSignal(plan, logger);
  const server = serve({ fetch: app.fetch, port: setup.port, hostname: setup.host }) as Server;
  let metricsServer: MetricsServer | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    if (setup.metricsListen !== undefined) {
      metricsServer = await startMetricsServer(setup.metricsListen, metrics, setup.metricsToken, processMetrics.update);
    }
  } catch (error) {
    if (server.listening) await stopServer(server, 0);
    stopPlanReload();
    processMetrics.stop();
    await destinations?.stop();
    await consoleReads?.close();
    await sqliteReads?.close();
    await store.close();
    throw error;
  }
  const retention: Retention | undefined =
    setup.retentionDays > 0 ? startRetention({ store, retentionDays: setup.retentionDays, logger, metrics: counters }) : undefined;

  const carts: CartAbandonment | undefined =
    setup.carts.checkIntervalMs > 0 ? startCartAbandonment({ store, erasures, logger, intervalMs: setup.carts.checkIntervalMs, idleMs: setup.carts.idleMs }) : undefined;

  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  fatal = (error) => {
    // Every acknowledged event is committed already; without a writer the instance can only
    // refuse, so it stops and lets the supervisor restart it.
    logger.error('storage failed; stopping', { error: describeError(error) });
    void running.close().finally(() => process.exit(1));
  };
  const running: RunningCollector = {
    url: `http://${urlHost(setup.host)}:${port}`,
    port,
    storeKind: store.kind,
    ...(metricsServer === undefined ? {} : { metricsUrl: metricsServer.url }),
    close: () =>
      (closing ??= (async () => {
        retention?.stop();
        carts?.stop();
        stopPlanReload();
        await stopServer(server, setup.shutdownTimeoutMs);
        await metricsServer?.close();
        processMetrics.stop();
        // Forwarders first: a batch in flight is settled while the outbox is still open.
        await destinations?.stop();
        await consoleReads?.close();
        await sqliteReads?.close();
        await store.close();
      })()),
  };
  return running;
}

/**
 * PostgreSQL, or SQLite on the request thread (default), or SQLite on a worker thread with
 * `storage.sqliteWorker`. The worker takes inserts and fsyncs off the event loop: on the
 * 2-core machine measured (docs/benchmarks.md, 2026-12-06) it gave 15–30 % more events/s when
 * the machine was otherwise quiet, nothing when other jobs loaded both cores, and always a
 * second V8 heap: 160–185 MB peak resident memory, over the 150 MB budget (a smaller young
 * generation for the worker saved under 10 MB), so it is opt-in.
 */
async function openInnerStore(setup: Setup, onFatal: (error: Error) => void): Promise<Store> {
  // The outbox rows are written by the store, in the events' transaction (derived-writes.ts).
  const derived = setup.destinations.length === 0 ? undefined : { destinations: destinationRules(setup.destinations) };
  if (setup.databaseUrl !== undefined || !setup.sqliteWorker) return openStore({ ...setup, derived });
  return createSqliteWorkerStore({ path: setup.dbPath, synchronous: setup.sqliteSynchronous, onFatal, ...(derived ? { derived } : {}) });
}

/**
 * The outbox the main thread uses for the admin API, erasure and the gauges, on the same
 * database through a connection of its own (opened after the store migrated it); the
 * forwarders' worker opens another.
 */
async function openOutbox(setup: Setup): Promise<Outbox> {
  if (setup.databaseUrl !== undefined) {
    const { createPostgresOutbox } = await import('../destinations/postgres-outbox.js');
    return createPostgresOutbox({ url: setup.databaseUrl, connections: 2 });
  }
  const { createSqliteOutbox } = await import('../destinations/sqlite-outbox.js');
  return createSqliteOutbox({ path: setup.dbPath });
}

/** Stops accepting, then resolves once every connection has ended (or been cut at the deadline). */
function stopServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    // close() drops the connections idle right now; a keep-alive connection that was busy
    // becomes idle when its response is sent and would otherwise hold the exit until the
    // client's keep-alive ends, so idle ones are swept until the server has closed.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
  });
}

/** Node-only: the socket's peer, or the client X-Forwarded-For names when the peer is a trusted proxy. */
function clientIp(c: Context, trust: TrustProxy | undefined): string | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  return resolveClientIp(c.req.header('x-forwarded-for'), incoming?.socket.remoteAddress, trust);
}

/** A wildcard bind is reached locally through loopback; IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
