import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createCollector, type CollectorOptions } from '../collector.js';
import type { LogFields, Logger } from '../logger.js';
import type { SourceConfig } from '../source-config.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { createSqliteConsoleReads } from '../console/sqlite-console-reads.js';
import { createSqliteReadRunner } from '../store/sqlite-read-runner.js';
import type { Store } from '../store/store.js';

/** One captured log call. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields: LogFields;
}

/** A logger that keeps what it is told, for assertions. */
export function createRecordingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const record = (level: LogRecord['level']) => (msg: string, fields: LogFields = {}) => {
    records.push({ level, msg, fields });
  };
  return { logger: { info: record('info'), warn: record('warn'), error: record('error') }, records };
}

export const TEST_WRITE_KEY = 'wk_test';
/** Fixed clock of the fixture: 2024-06-01T12:00:10.000Z. */
export const TEST_NOW = Date.UTC(2024, 5, 1, 12, 0, 10);

export interface TestCollector {
  app: ReturnType<typeof createCollector>;
  store: Store;
  dbPath: string;
  logs: LogRecord[];
  /** POSTs `body` (JSON-encoded unless already a string/bytes) as text/plain. */
  post(path: string, body: unknown, init?: { headers?: Record<string, string> }): Promise<Response>;
  /** Rows of a table, read through a separate read-only connection (as a user's SQL client). */
  rows(sql: string, ...params: unknown[]): Record<string, unknown>[];
  dispose(): Promise<void>;
}

/**
 * A collector on a real SQLite file in a fresh temp folder, with a fixed clock.
 *
 * @example
 * const t = await createTestCollector();
 * const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [] });
 */
export function createTestCollector(
  options: {
    sources?: SourceConfig[];
    now?: () => number;
    wrapStore?: (store: Store) => Store;
    /** Turns the console on (with `adminToken`): its reads run in this thread on the test file. */
    consoleOptions?: Omit<NonNullable<CollectorOptions['console']>, 'reads'>;
  } & Omit<Partial<CollectorOptions>, 'sources' | 'now' | 'store' | 'logger' | 'console'> = {},
): TestCollector {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-collector-'));
  const dbPath = join(dir, 'cairn.db');
  const { sources, now, wrapStore, consoleOptions, ...rest } = options;
  const store = (wrapStore ?? ((inner: Store) => inner))(createSqliteStore({ path: dbPath }));
  const reads = consoleOptions ? createSqliteConsoleReads(createSqliteReadRunner({ path: dbPath })) : undefined;
  const { logger, records } = createRecordingLogger();
  const app = createCollector({
    ...rest,
    sources: sources ?? [{ name: 'default', writeKey: TEST_WRITE_KEY }],
    store,
    logger,
    now: now ?? (() => TEST_NOW),
    ...(reads ? { console: { ...consoleOptions, reads } } : {}),
  });
  return {
    app,
    store,
    dbPath,
    logs: records,
    post: async (path, body, init = {}) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...init.headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      }),
    rows(sql, ...params) {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db.prepare(sql).all(...params) as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    async dispose() {
      await reads?.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `Authorization` header value for a write key (Basic, empty password). */
export function basicAuth(writeKey: string): string {
  return `Basic ${btoa(`${writeKey}:`)}`;
}
