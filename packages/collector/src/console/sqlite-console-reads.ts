import type { SqliteReadRunner } from '../store/sqlite-read-runner.js';
import type { ConsoleReads } from './console-reads.js';

/**
 * The console's reads on SQLite: each method is a named query of `CONSOLE_SQLITE_QUERIES`
 * run by `runner` (the read worker in the Node entry, the in-thread runner in tests).
 *
 * @example
 * const reads = createSqliteConsoleReads(await createSqliteReadWorker({ path: './cairn.db' }));
 */
export function createSqliteConsoleReads(runner: SqliteReadRunner): ConsoleReads {
  return {
    listEvents: (query) => runner.run('console.listEvents', query),
    eventsSince: (query) => runner.run('console.eventsSince', query),
    getEvent: (query) => runner.run('console.getEvent', query),
    overview: (query) => runner.run('console.overview', query),
    quarantineCounts: (query) => runner.run('console.quarantineCounts', query),
    listQuarantine: (query) => runner.run('console.listQuarantine', query),
    getQuarantine: (query) => runner.run('console.getQuarantine', query),
    close: () => runner.close(),
  };
}
