import type { ErrorCode } from './errors.js';

/** One event the collector refused; it is kept in quarantine with this reason. */
export interface RejectedEvent {
  /** The event's messageId, or its derived id where the sender set none. */
  messageId: string;
  /** Position of the event in the request's batch. */
  index: number;
  code: ErrorCode | string;
  message: string;
}

/**
 * 200 answer to `POST /v1/batch`, sent only once accepted events are durably committed.
 * `accepted + duplicates + rejected.length` equals the batch length.
 */
export interface BatchResponse {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
}
