import postgres from 'postgres';

export interface PostgresConnectOptions {
  /** Connections in the pool; default 10. */
  maxConnections?: number;
  /** Schema for the session's `search_path`. */
  schema?: string;
  /** `statement_timeout` of every session, ms; default 60,000 (0 turns it off). */
  statementTimeoutMs?: number;
  /** `lock_timeout` of every session, ms; default 10,000 (0 turns it off). */
  lockTimeoutMs?: number;
}

/**
 * The store's connection pool, with the session settings an acknowledgement depends on pinned
 * at connect time rather than left to the server's (or role's) defaults:
 * - `synchronous_commit = on`: a commit returns once its WAL is flushed, so a 200 never
 *   precedes durability even where the server default is `off`;
 * - `statement_timeout` and `lock_timeout`: a write stuck behind a lock or a runaway plan fails
 *   (503, the client retries) instead of holding a connection and its request forever.
 * Parameters in the URL's query (`?statement_timeout=…`) are applied last and win: the
 * operator's explicit choice.
 *
 * @example
 * const sql = connectPostgres('postgres://cairn@db/cairn', { statementTimeoutMs: 30_000 });
 */
export function connectPostgres(url: string, options: PostgresConnectOptions = {}): postgres.Sql {
  return postgres(url, {
    max: options.maxConnections ?? 10,
    connect_timeout: 10,
    // The driver prints NOTICEs (e.g. "already exists, skipping") to the console, and stdout
    // is the collector's JSON log.
    onnotice: () => {},
    connection: {
      synchronous_commit: 'on',
      statement_timeout: Math.max(0, Math.trunc(options.statementTimeoutMs ?? 60_000)),
      lock_timeout: Math.max(0, Math.trunc(options.lockTimeoutMs ?? 10_000)),
      ...(options.schema === undefined ? {} : { search_path: options.schema }),
    },
  });
}
