import type { SqliteReadRunner } from '../store/sqlite-read-runner.js';
import type { Store } from '../store/store.js';
import type { AnalyticsStore } from './analytics-store.js';

/** The analytics methods that only read, and so can run on a read-only connection. */
export type ReadOnlyAnalytics = Pick<AnalyticsStore, 'querySegment' | 'segmentMembers' | 'readPeople' | 'queryFunnel' | 'findAbandonedCarts'>;

/**
 * The read-only analytics methods as named queries of `runner` (ANALYTICS_SQLITE_QUERIES):
 * with the read worker, segments, exports, funnels and the cart rule run on its thread and
 * connection, so they hold neither the request thread (ingest, /healthz) nor the store's
 * writer (its worker thread, with `storage.sqliteWorker`).
 *
 * @example
 * const analytics = createSqliteReadAnalytics(await createSqliteReadWorker({ path: './cairn.db' }));
 */
export function createSqliteReadAnalytics(runner: SqliteReadRunner): ReadOnlyAnalytics {
  return {
    querySegment: (query) => runner.run('analytics.querySegment', query),
    segmentMembers: (query) => runner.run('analytics.segmentMembers', query),
    readPeople: (personIds) => runner.run('analytics.readPeople', personIds),
    queryFunnel: (query) => runner.run('analytics.queryFunnel', query),
    findAbandonedCarts: (query) => runner.run('analytics.findAbandonedCarts', query),
  };
}

/**
 * `store` with its read-only analytics on `runner`; writes, stored segments and everything
 * else stay with the store.
 *
 * @example
 * const store = withSqliteReadAnalytics(createSqliteStore({ path }), readWorker);
 */
export function withSqliteReadAnalytics(store: Store, runner: SqliteReadRunner): Store {
  return { ...store, ...createSqliteReadAnalytics(runner) };
}
