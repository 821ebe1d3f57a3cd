import type { OutboxItem } from './outbox.js';

/** What one attempt at a batch gave; the forwarder turns a failure into a retry time. */
export type SendResult =
  | { ok: true }
  | { ok: false; error: string; retryAfterMs?: number; permanent?: boolean };

/** Delivers batches to one destination (webhook, segment or nats). */
export interface Sender {
  /** Sends the items in order; ok only when every one of them was accepted. */
  send(items: readonly OutboxItem[]): Promise<SendResult>;
  close(): Promise<void>;
}
