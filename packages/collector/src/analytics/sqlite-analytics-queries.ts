import { findAbandonedCartsSqlite } from '../carts/sqlite-cart-scan.js';
import { querySqliteFunnel } from '../funnels/sqlite-funnel-query.js';
import { readPeopleSqlite, segmentMembersSqlite } from '../segments/sqlite-segment-export.js';
import { querySegmentSqlite } from '../segments/sqlite-segment-query.js';

/**
 * The analytics reads as named read queries (SQLITE_READ_QUERIES), for the SQLite read worker:
 * a 30-day funnel or the cart rule's 7-day scan takes seconds, and on the request thread or
 * the store's writer thread that would stall ingest (see createSqliteReadAnalytics).
 */
export const ANALYTICS_SQLITE_QUERIES = {
  'analytics.querySegment': querySegmentSqlite,
  'analytics.segmentMembers': segmentMembersSqlite,
  'analytics.readPeople': readPeopleSqlite,
  'analytics.queryFunnel': querySqliteFunnel,
  'analytics.findAbandonedCarts': findAbandonedCartsSqlite,
} as const;
