import { Worker } from 'node:worker_threads';
import type { SqliteReadRunner } from './sqlite-read-runner.js';
import { fromWireError, type ReadCall, type ReadReply } from './sqlite-read-worker-protocol.js';

/**
 * The read queries on a worker thread with a read-only connection of its own (WAL: they see
 * every committed write and never block the writer). Queries run one at a time, in order.
 *
 * @example
 * const reads = await createSqliteReadWorker({ path: './cairn.db' });
 * const page = await reads.run('console.listEvents', { filters: {}, limit: 50 });
 */
export async function createSqliteReadWorker(options: { path: string; workerUrl?: URL }): Promise<SqliteReadRunner> {
  const worker = new Worker(options.workerUrl ?? new URL('./sqlite-read-worker.js', import.meta.url), {
    workerData: { path: options.path },
  });
  // A reader must not keep the process alive on its own (the server and the store do).
  worker.unref();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  let closed = false;
  const opened = new Promise<unknown>((resolve, reject) => pending.set(0, { resolve, reject }));
  worker.on('message', (reply: ReadReply) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(fromWireError(reply.error));
  });
  const fail = (error: Error) => {
    if (closed) return;
    failure ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('error', (error) => fail(new Error(`SQLite read worker failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(`SQLite read worker exited with code ${code}`)));
  try {
    await opened;
  } catch (error) {
    closed = true;
    await worker.terminate();
    throw error;
  }
  return {
    run: <T>(name: string, arg: unknown) => {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error('the SQLite read worker is closed'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker.postMessage({ id, name, arg } satisfies ReadCall);
      });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const call of pending.values()) call.reject(new Error('the SQLite read worker is closed'));
      pending.clear();
      await worker.terminate();
    },
  };
}
