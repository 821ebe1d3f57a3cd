import type { ErasureSubject } from '../store/store.js';
import type { DestinationCounts } from './outbox.js';

/** What an erasure did to the destinations. */
export interface DestinationErasure {
  /** Undelivered deliveries of the person's events that were deleted. */
  deliveriesDeleted: number;
  /** Destinations a deletion message was queued for. */
  deletionMessages: string[];
}

/**
 * The destinations as the collector app sees them (admin API, erasure): implemented by the
 * Node entry's `startDestinations`, so the app itself stays on Web APIs.
 */
export interface DestinationsControl {
  names(): readonly string[];
  counts(): Promise<(DestinationCounts & { kind: string })[]>;
  /** Dead letters of one destination back to pending; returns how many. */
  replay(name: string): Promise<number>;
  /** Deletes the subject's undelivered deliveries and queues deletion messages; run before the events go. */
  erase(subject: ErasureSubject): Promise<DestinationErasure>;
}
