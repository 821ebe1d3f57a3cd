import type { ErasureSubject } from '../store/store.js';

/** One delivery taken from the outbox, with the event it carries. */
export interface OutboxItem {
  id: number;
  /** `event`: a stored event; `erase`: an erasure's deletion message. */
  kind: 'event' | 'erase';
  source: string | null;
  /** The event's messageId, or the deletion message's own id. */
  messageId: string;
  /**
   * The stored event's JSON (normalized, else raw); null for a deletion message. The SQLite
   * outbox gives the UTF-8 bytes as read (no string made: the HTTP senders sign and send bytes).
   */
  body: string | Buffer | null;
  userId: string | null;
  anonymousId: string | null;
  attempts: number;
  /** Epoch ms the delivery was queued. */
  createdAt: number;
}

/** What the sender made of a batch. */
export type SendOutcome =
  | { ok: true }
  /** `retryAt` (epoch ms) for a retryable failure; `permanent` dead-letters the batch at once. */
  | { ok: false; error: string; retryAt: number; permanent?: boolean };

/** What one step of a forwarder did. */
export interface StepResult {
  /** Another instance holds the destination (PostgreSQL): try again later. */
  busy?: boolean;
  /** Epoch ms when the head of the queue is due; undefined when the queue is empty or was just worked. */
  dueAt?: number;
  /** Deliveries in the batch that was sent (0 when nothing was due). */
  sent: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  /** Deliveries dropped because their event no longer exists (erased, or past retention). */
  orphaned: number;
}

/** Per destination, as `GET /admin/api/destinations` shows it. */
export interface DestinationCounts {
  name: string;
  delivered: number;
  pending: number;
  failed: number;
  deadLettered: number;
  /** Age in seconds of the oldest pending delivery; 0 when none is pending. */
  lagSeconds: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** A deletion message to queue for one destination. */
export interface ErasureDelivery {
  destination: string;
  messageId: string;
}

/** How one batch is settled (see {@link Outbox.step}). */
export interface StepOptions {
  limit: number;
  now: () => number;
  /** Pending deliveries queued before this (epoch ms) are dead-lettered after a failure. */
  deadLetterBefore: () => number;
}

/**
 * The destinations' outbox: rows written with the events (outbox-derived-writes.ts), worked by
 * one forwarder per destination. Implemented on SQLite and PostgreSQL.
 */
export interface Outbox {
  /**
   * Takes the destination's oldest pending deliveries (up to `limit`) when the head is due,
   * calls `send` with them and settles them by its outcome: delivered rows are deleted and
   * counted; failed ones are rescheduled, and dead-lettered when permanent or too old. On
   * PostgreSQL the whole step holds a per-destination lock, so two collectors never send the
   * same destination's deliveries at once and the order holds.
   */
  step(destination: string, options: StepOptions, send: (items: OutboxItem[]) => Promise<SendOutcome>): Promise<StepResult>;
  counts(destinations: readonly string[], now: number): Promise<DestinationCounts[]>;
  /** Dead letters back to pending (due now); returns how many. */
  replayDeadLetters(destination: string, now: number): Promise<number>;
  /**
   * Right to erasure: deletes the subject's undelivered deliveries (pending and dead) and queues
   * `deletions`. Run before the events are deleted (the rows are found through them).
   */
  erase(subject: ErasureSubject, deletions: readonly ErasureDelivery[], now: number): Promise<number>;
  close(): Promise<void>;
}
