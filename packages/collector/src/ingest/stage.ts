import type { ErrorCode, EventType } from '@cairn/protocol';
import type { CairnNotes } from './cairn-notes.js';
import type { ClientTimeFormat } from './client-time.js';

/** What every stage may read about the request an event came in. */
export interface IngestContext {
  /** Name of the source the write key resolved to. */
  source: string;
  /** Server time the request was received, epoch milliseconds. */
  receivedAt: number;
  /** The batch's `sentAt` as sent, if any (an event's own `sentAt` wins). */
  sentAt?: unknown;
  /** Set on the single-event routes (`/v1/track` …): the type the path implies. */
  pathType?: EventType;
  /** The client's address as the entry resolved it (`clientIp` option); only the IP stage reads it. */
  clientIp?: string;
}

/**
 * One event on its way through the pipeline. `received` and `rawJson` are what the client
 * sent and never change (but for the privacy stage's `context.ip` rewrite: see
 * createIpStage); stages read `event` and replace it (spread a copy, never mutate: `event`
 * starts as the very object that was received).
 */
export interface Draft {
  readonly index: number;
  readonly received: Record<string, unknown>;
  /** JSON text of `received` as the client sent it (else serialized), stored verbatim in `raw`. */
  readonly rawJson: string;
  event: Record<string, unknown>;
  messageId?: string;
  /** Normalised UTC ISO time, set by the timestamp stage. */
  timestamp?: string;
  /** The client's time exactly as sent. */
  originalTimestamp?: string;
  /** The sentAt used for skew correction, as sent. */
  sentAt?: string;
  /** How the client wrote its time; a format other than UTC ISO 8601 is rewritten. */
  timeFormat?: ClientTimeFormat;
  /** What the rules did, stored as `context.cairn` in the normalized JSON. */
  notes?: CairnNotes;
}

/** A stage's refusal: the event goes to quarantine with this code and a message naming the field. */
export interface Rejection {
  /** `raw`: what the quarantine keeps instead of the event (a consent refusal keeps no content). */
  reject: { code: ErrorCode; message: string; raw?: string };
}

/**
 * One rule of the ingest pipeline: returns the (possibly updated) draft, or a rejection.
 * Data-integrity rules (tracking plan, defaults, currency, name aliases) are further stages.
 *
 * @example
 * const requireUserId: Stage = {
 *   name: 'require-user-id',
 *   run: (draft) => typeof draft.event.userId === 'string' ? draft
 *     : reject(ERROR_CODES.invalidEvent, 'userId is required'),
 * };
 */
export interface Stage {
  readonly name: string;
  run(draft: Draft, context: IngestContext): Draft | Rejection | Promise<Draft | Rejection>;
  /** Called once after each batch (e.g. to move per-event tallies into the metrics). */
  flush?(): void;
}

/**
 * Builds a {@link Rejection}.
 *
 * @example
 * return reject(ERROR_CODES.invalidEvent, 'type must be one of track, page, …');
 */
export function reject(code: ErrorCode, message: string): Rejection {
  return { reject: { code, message } };
}

/** Narrows a stage result. */
export function isRejection(result: Draft | Rejection): result is Rejection {
  return 'reject' in result;
}
