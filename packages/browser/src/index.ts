export { createTracker } from './create-tracker.js';
export { createTrackerCore } from './core/tracker.js';
export { CairnError, type CairnErrorCode } from './core/cairn-error.js';
export { createMemoryQueue } from './core/memory-queue.js';
export { createMemoryStorage } from './core/memory-storage.js';
export { systemClock } from './core/clock.js';
export { createIdbQueue } from './browser/idb-queue.js';
export { fetchTransport } from './browser/fetch-transport.js';
export { createUlid } from './browser/ulid.js';
export type {
  CallOptions,
  Clock,
  KeyValueStorage,
  Lock,
  Properties,
  Queue,
  QueuedEvent,
  StubEntry,
  Tracker,
  TrackerDeps,
  TrackerOptions,
  Transport,
  TransportResponse,
} from './core/types.js';
