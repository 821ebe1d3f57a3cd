import { Worker } from 'node:worker_threads';
import { CollectorError } from '../collector-error.js';
import type { SqliteStoreOptions } from './sqlite-store.js';
import type { WorkerCall } from './sqlite-worker-protocol.js';
import { createWorkerCalls } from './worker-calls.js';
import type { Store } from './store.js';

export interface SqliteWorkerStoreOptions extends SqliteStoreOptions {
  /** The built worker entry; default `sqlite-worker.js` beside this module in dist/. */
  workerUrl?: URL;
  /** Called once if the worker dies: every later call rejects, so the owner should stop. */
  onFatal?: (error: Error) => void;
}

/**
 * The SQLite store on its own worker thread. better-sqlite3 is synchronous: on the request
 * thread every insert and every commit's fsync stalls HTTP parsing; here the main thread only
 * posts the rows and gets the result back once they are committed, so parsing and storage use
 * two cores. Calls run in the order they were made. Same behaviour as `createSqliteStore`.
 *
 * @example
 * const store = await createSqliteWorkerStore({ path: './cairn.db' });
 */
export async function createSqliteWorkerStore(options: SqliteWorkerStoreOptions): Promise<Store> {
  const { workerUrl, onFatal, ...storeOptions } = options;
  const worker = new Worker(workerUrl ?? new URL('./sqlite-worker.js', import.meta.url), { workerData: storeOptions });
  const calls = createWorkerCalls(worker, 'SQLite worker', onFatal);

  let methods: string[];
  try {
    methods = (await calls.opened) as string[];
  } catch (error) {
    calls.close();
    await worker.terminate();
    if (error instanceof CollectorError) throw error;
    throw new CollectorError('store_open_failed', `cannot open SQLite database ${options.path}: ${(error as Error).message}`, { cause: error });
  }

  const call = <T>(method: WorkerCall['method'], arg?: unknown): Promise<T> =>
    calls.call<T>((id) => ({ id, method, arg }) satisfies WorkerCall);

  let closing: Promise<void> | undefined;
  // Every Store method takes at most one argument, so each forwards as (name, argument).
  const forwarded = Object.fromEntries(
    methods.map((method) => [method, (arg?: unknown) => call(method as WorkerCall['method'], arg)]),
  ) as unknown as Store;
  return {
    ...forwarded,
    kind: 'sqlite',
    close: () =>
      (closing ??= (async () => {
        if (!calls.failed()) await call('close').catch(() => undefined);
        calls.close();
        await worker.terminate();
      })()),
  };
}
