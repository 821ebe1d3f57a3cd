// Worker-thread entry of the SQLite store (see sqlite-worker-store.ts): owns the connection
// and runs each call it is sent, in order, so the main thread never waits on SQLite or fsync.
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { Store } from './store.js';
import type { WorkerCall, WorkerReply } from './sqlite-worker-protocol.js';
import { toWireError } from './sqlite-read-worker-protocol.js';

const port = parentPort;
if (port) {
  let store: Store | undefined;
  try {
    store = createSqliteStore(workerData as SqliteStoreOptions);
    // The method names go back so that the proxy forwards every Store method, including
    // those added after this file was written.
    const methods = Object.keys(store).filter((key) => typeof store?.[key as keyof Store] === 'function');
    port.postMessage({ id: 0, ok: true, value: methods } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({ id: 0, ok: false, error: toWireError(error) } satisfies WorkerReply);
  }
  port.on('message', (call: WorkerCall) => {
    void run(call).then((reply) => port.postMessage(reply));
  });

  async function run(call: WorkerCall): Promise<WorkerReply> {
    try {
      if (!store) throw new Error('the SQLite store did not open');
      const method = store[call.method] as (arg?: unknown) => Promise<unknown>;
      return { id: call.id, ok: true, value: await method(call.arg) };
    } catch (error) {
      return { id: call.id, ok: false, error: toWireError(error) };
    }
  }
}
