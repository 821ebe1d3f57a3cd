// Worker-thread entry of the SQLite read runner (see sqlite-read-worker-client.ts): a read-only
// connection of its own, running the named queries of SQLITE_READ_QUERIES one at a time, so a
// slow overview never holds the request thread (ingest, /healthz) of the collector.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openReadOnly, runNamedQuery } from './sqlite-read-runner.js';
import { toWireError, type ReadCall, type ReadReply } from './sqlite-read-worker-protocol.js';

const port = parentPort;
if (port) {
  let db: Database.Database | undefined;
  try {
    db = openReadOnly((workerData as { path: string }).path);
    port.postMessage({ id: 0, ok: true, value: null } satisfies ReadReply);
  } catch (error) {
    port.postMessage({ id: 0, ok: false, error: toWireError(error) } satisfies ReadReply);
  }
  port.on('message', (call: ReadCall) => {
    try {
      if (!db) throw new Error('the SQLite read connection did not open');
      port.postMessage({ id: call.id, ok: true, value: runNamedQuery(db, call.name, call.arg) } satisfies ReadReply);
    } catch (error) {
      port.postMessage({ id: call.id, ok: false, error: toWireError(error) } satisfies ReadReply);
    }
  });
}
