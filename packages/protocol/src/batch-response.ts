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
 * `accepted + duplicates + (rejectedCount ?? rejected.length)` equals the batch length.
 *
 * @example
 * // 2,500 items, 2,400 of them rejected: the first 100 rejections are listed.
 * { accepted: 100, duplicates: 0, rejected: [ … 100 entries … ], rejectedCount: 2400 }
 */
export interface BatchResponse {
  accepted: number;
  duplicates: number;
  /** The first MAX_REJECTED_LISTED rejected events, in batch order. */
  rejected: RejectedEvent[];
  /**
   * How many events were rejected in all; present only when that is more than
   * MAX_REJECTED_LISTED, i.e. when `rejected` does not list every one of them.
   */
  rejectedCount?: number;
}
