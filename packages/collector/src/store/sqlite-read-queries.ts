import type Database from 'better-sqlite3';
import { ANALYTICS_SQLITE_QUERIES } from '../analytics/sqlite-analytics-queries.js';
import { CONSOLE_SQLITE_QUERIES } from '../console/console-sqlite-queries.js';

/**
 * A read query: runs synchronously on a read-only connection and returns plain data (it crosses
 * back from the worker thread by structured clone).
 */
export type SqliteReadQuery = (db: Database.Database, arg: never) => unknown;

/**
 * Every named read query the SQLite read worker can run. Add a feature's queries by spreading
 * its table here (names prefixed by the feature: `console.*`, `analytics.*`); the worker thread
 * imports this module, so a query is available there as soon as it is listed.
 */
export const SQLITE_READ_QUERIES: Readonly<Record<string, SqliteReadQuery>> = {
  ...CONSOLE_SQLITE_QUERIES,
  ...ANALYTICS_SQLITE_QUERIES,
};
