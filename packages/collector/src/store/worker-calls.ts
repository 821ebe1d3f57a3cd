import type { Worker } from 'node:worker_threads';
import { fromWireError, type ReadReply } from './sqlite-read-worker-protocol.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Calls to a worker thread that answers each message with `{id, ok, value | error}` (the
 * SQLite store's worker and the read worker): each call is a promise settled by the reply
 * with its id, in any order. Reply 0 is the worker's own "opened" message (`opened`). A worker
 * that fails or exits rejects every pending call and every later one, and `onFatal` hears of
 * it once; after `close()` calls reject with "the {name} is closed".
 *
 * @example
 * const calls = createWorkerCalls(worker, 'SQLite read worker');
 * await calls.opened;
 * const page = await calls.call((id) => ({ id, name: 'console.listEvents', arg }));
 */
export function createWorkerCalls(worker: Worker, name: string, onFatal?: (error: Error) => void) {
  const pending = new Map<number, Pending>();
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
  const rejectAll = (error: Error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  const fail = (error: Error) => {
    if (failure || closed) return;
    failure = error;
    rejectAll(error);
    onFatal?.(error);
  };
  worker.on('error', (error) => fail(new Error(`${name} failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(`${name} exited with code ${code}`)));
  return {
    /** Settles with the worker's "opened" reply (id 0): its value, or why it could not open. */
    opened,
    /** Whether the worker failed (then every call rejects with that error). */
    failed: () => failure,
    /** Posts the message `build(id)` makes and resolves with the worker's answer to it. */
    call<T>(build: (id: number) => unknown): Promise<T> {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error(`the ${name} is closed`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker.postMessage(build(id));
      });
    },
    /** From now on calls reject; those still waiting reject at once. */
    close() {
      closed = true;
      rejectAll(new Error(`the ${name} is closed`));
    },
  };
}
