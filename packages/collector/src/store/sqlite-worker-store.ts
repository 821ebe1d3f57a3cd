import { Worker } from 'node:worker_threads';
import { CollectorError } from '../collector-error.js';
import type { SqliteStoreOptions } from './sqlite-store.js';
import type { WorkerCall, WorkerReply } from './sqlite-worker-protocol.js';
import { fromWireError } from './sqlite-read-worker-protocol.js';
import type { Store } from './store.js';

export interface SqliteWorkerStoreOptions extends SqliteStoreOptions {
  /** The built worker entry; default `sqlite-worker.js` beside this module in dist/. */
  workerUrl?: URL;
  /** Called once if the worker dies: every later call rejects, so the owner should stop. */
  onFatal?: (error: Error) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
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
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;
  let closed = false;

  const opened = new Promise<string[]>((resolve, reject) =>
    pending.set(0, { resolve: (methods) => resolve(methods as string[]), reject }),
  );
  worker.on('message', (reply: WorkerReply) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(fromWireError(reply.error));
  });
  const fail = (error: Error) => {
    if (failure || closed) return;
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    onFatal?.(error);
  };
  worker.on('error', (error) => fail(new Error(`SQLite worker failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(`SQLite worker exited with code ${code}`)));

  let methods: string[];
  try {
    methods = await opened;
  } catch (error) {
    closed = true;
    await worker.terminate();
    if (error instanceof CollectorError) throw error;
    throw new CollectorError('store_open_failed', `cannot open SQLite database ${options.path}: ${(error as Error).message}`, { cause: error });
  }

  const call = <T>(method: WorkerCall['method'], arg?: unknown): Promise<T> => {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new Error('the SQLite store is closed'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, arg } satisfies WorkerCall);
    });
  };

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
        if (!failure) await call('close').catch(() => undefined);
        closed = true;
        await worker.terminate();
      })()),
  };
}
