import type { Store } from './store.js';

// Messages between the SQLite store's proxy (sqlite-worker-store.ts) and its worker thread
// (sqlite-worker.ts), kept apart from the worker entry, which runs on import. Rows cross by
// structured clone as plain objects: measured, that costs ~3 µs per event, no more than a
// flattened array or an encoded buffer would.

/** A call from the main thread: a Store method name and its one argument. */
export interface WorkerCall {
  id: number;
  method: keyof Store;
  arg?: unknown;
}

/** The answer to a call, or the open result (`id` 0). */
export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };
