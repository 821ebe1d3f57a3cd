import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector } from '../collector.js';
import { destinationRules, type DestinationConfig } from '../destinations/destination-config.js';
import type { DestinationCounts } from '../destinations/outbox.js';
import { createSqliteOutbox } from '../destinations/sqlite-outbox.js';
import { startDestinations, type RunningDestinations } from '../destinations/start-destinations.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createRecordingLogger, type LogRecord } from './collector-fixture.js';

/** A destination as the admin API shows it. */
export type AdminJson = DestinationCounts & { kind: string };

export const RIG_WRITE_KEY = 'wk_rig';
export const RIG_ADMIN_TOKEN = 'rig-admin-token';

/**
 * A collector on a real SQLite file with destinations running (outbox, forwarders), on the
 * real clock, with fast polling. Tests give short retry settings in each destination's config.
 *
 * @example
 * const rig = await startDestinationRig([{ name: 'crm', kind: 'webhook', url: receiver.url }]);
 * await rig.send([{ type: 'track', event: 'A', messageId: 'm1' }]);
 */
export async function startDestinationRig(
  destinations: DestinationConfig[],
  options: { sources?: string[]; adminToken?: string | null; eventCategories?: Record<string, string> } = {},
): Promise<{
  app: ReturnType<typeof createCollector>;
  store: Store;
  running: RunningDestinations;
  metrics: Metrics;
  logs: LogRecord[];
  dbPath: string;
  /** POSTs a batch with the write key of `source` (default the first). */
  send(batch: Record<string, unknown>[], source?: string): Promise<Response>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** GET (or `init`) an admin JSON endpoint and parse the answer. */
  api<T = AdminJson>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-destinations-'));
  const dbPath = join(dir, 'cairn.db');
  const sourceNames = options.sources ?? ['web'];
  const store = createSqliteStore({ path: dbPath, derived: { destinations: destinationRules(destinations) } });
  const { logger, records } = createRecordingLogger();
  const metrics = createMetrics();
  const running = await startDestinations({ destinations, outbox: createSqliteOutbox({ path: dbPath }), metrics, logger, pollMs: 20, gaugeIntervalMs: 200 });
  const adminToken = options.adminToken === null ? undefined : (options.adminToken ?? RIG_ADMIN_TOKEN);
  const app = createCollector({
    sources: sourceNames.map((name) => ({ name, writeKey: `${RIG_WRITE_KEY}_${name}` })),
    store,
    logger,
    metrics,
    ...(adminToken === undefined ? {} : { adminToken }),
    // The tests poll the admin API in tight loops; the admin rate limit has tests of its own.
    adminRateLimit: { requestsPerSecond: 0, burst: 0 },
    destinations: running,
    ...(options.eventCategories ? { privacy: { eventCategories: options.eventCategories } } : {}),
  });
  const admin = async (path: string, init: RequestInit = {}): Promise<Response> =>
    await app.request(path, { ...init, headers: { authorization: `Bearer ${adminToken ?? ''}`, ...(init.headers as Record<string, string>) } });
  return {
    app,
    store,
    running,
    metrics,
    logs: records,
    dbPath,
    send: async (batch, source = sourceNames[0]) =>
      await app.request('/v1/batch', { method: 'POST', body: JSON.stringify({ writeKey: `${RIG_WRITE_KEY}_${source}`, batch }) }),
    admin,
    api: async <T,>(path: string, init?: RequestInit) => (await (await admin(path, init)).json()) as T,
    stop: async () => {
      await running.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` track events `Item Viewed` with messageIds `${prefix}-000`…, stamped with `consent` when given. */
export function trackEvents(n: number, prefix: string, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'track',
    event: 'Item Viewed',
    messageId: `${prefix}-${String(i).padStart(3, '0')}`,
    anonymousId: 'anon-1',
    timestamp: new Date().toISOString(),
    properties: { index: i },
    ...extra,
  }));
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passed (then fails with `what`). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
