import type { QueuedEvent, Queue } from './ports.js';

/**
 * A queue in memory: the fallback where IndexedDB is unavailable (some private modes, SSR),
 * and the queue of the core's unit tests. Events do not survive a reload. Insertion order is
 * key order: one page's ULIDs are monotonic.
 *
 * @example
 * const queue = createMemoryQueue();
 * await queue.add([{ id: '01H…', json: '{…}', bytes: 5 }]);
 */
export function createMemoryQueue(): Queue {
  const events = new Map<string, QueuedEvent>();
  return {
    add: async (batch) => batch.forEach((event) => events.set(event.id, event)),
    read: async () => [...events.values()],
    remove: async (batch) => batch.forEach((event) => events.delete(event.id)),
  };
}
