import { describeError, type Logger } from '../logger.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { Store } from './store.js';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  store: Store;
  /** Events received more than this many days ago are deleted; must be > 0. */
  retentionDays: number;
  logger: Logger;
  metrics?: CollectorMetrics;
  /** Time between runs; default one hour (each run then deletes about an hour of events). */
  intervalMs?: number;
  now?: () => number;
}

export interface Retention {
  /** One pass now; resolves with how many events went. Never rejects (failures are logged). */
  runOnce(): Promise<number>;
  stop(): void;
}

/**
 * Deletes events past the retention period: once at start, then every `intervalMs`, through
 * `store.deleteOlderThan` (PostgreSQL drops whole day partitions; SQLite deletes rows). With
 * several collectors on one database each runs it; the deletes are idempotent.
 *
 * @example
 * const retention = startRetention({ store, retentionDays: 395, logger });
 * // on shutdown: retention.stop();
 */
export function startRetention(options: RetentionOptions): Retention {
  const now = options.now ?? Date.now;
  let running: Promise<number> | undefined;
  const runOnce = () =>
    (running ??= (async () => {
      const cutoff = new Date(now() - options.retentionDays * DAY_MS).toISOString();
      try {
        const deleted = await options.store.deleteOlderThan(cutoff);
        options.metrics?.retentionDeleted.inc({}, deleted);
        options.logger.info('retention', { cutoff, deleted, retentionDays: options.retentionDays });
        return deleted;
      } catch (error) {
        options.logger.error('retention failed', { cutoff, error: describeError(error) });
        return 0;
      } finally {
        running = undefined;
      }
    })());
  const timer = setInterval(() => void runOnce(), options.intervalMs ?? 3_600_000);
  // The timer alone must not keep a stopping process alive.
  (timer as { unref?: () => void }).unref?.();
  void runOnce();
  return { runOnce, stop: () => clearInterval(timer) };
}
