import { Worker } from 'node:worker_threads';
import type { SqliteReadRunner } from './sqlite-read-runner.js';
import type { ReadCall } from './sqlite-read-worker-protocol.js';
import { createWorkerCalls } from './worker-calls.js';

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
  const calls = createWorkerCalls(worker, 'SQLite read worker');
  let closing = false;
  try {
    await calls.opened;
  } catch (error) {
    calls.close();
    await worker.terminate();
    throw error;
  }
  return {
    run: <T>(name: string, arg: unknown) => calls.call<T>((id) => ({ id, name, arg }) satisfies ReadCall),
    close: async () => {
      if (closing) return;
      closing = true;
      calls.close();
      await worker.terminate();
    },
  };
}
