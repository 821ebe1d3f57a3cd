import type { AnalyticsStore } from '../analytics/analytics-store.js';

/** One accepted event: the raw JSON as received beside the columns queries filter on. */
export interface EventRow {
  source: string;
  messageId: string;
  type: string;
  /** Track event name, else null. */
  event: string | null;
  /** Page/screen name, else null. */
  name: string | null;
  anonymousId: string | null;
  userId: string | null;
  /**
   * The id an `alias` call links to `userId` (Segment's `previousId`), else null. Erasure of
   * that id removes the alias event too. Optional for callers that predate it (read as null).
   */
  previousId?: string | null;
  /** UTC ISO 8601, skew-corrected. */
  timestamp: string;
  /** The client's time exactly as sent (`timestamp`, else `originalTimestamp`). */
  originalTimestamp: string | null;
  sentAt: string | null;
  /** UTC ISO 8601 server time of the request. */
  receivedAt: string;
  /** The event's JSON as received, before any normalisation. */
  raw: string;
  /**
   * JSON of the event after the ingest rules (canonical name, defaults, base-currency amounts,
   * corrected timestamp); null where no rule changed it. Queries read `coalesce(normalized, raw)`.
   */
  normalized?: string | null;
}

/** One refused event, kept with its reason so it can be fixed and replayed. */
export interface QuarantineRow {
  source: string | null;
  messageId: string | null;
  receivedAt: string;
  code: string;
  reason: string;
  raw: string;
  /**
   * The request's `sentAt` as sent (the batch's; an event's own `sentAt` is in `raw`), so a
   * replay corrects the client's clock skew as ingest does. Null or absent: none was sent.
   */
  sentAt?: string | null;
}

/** A quarantine row as read back, with its id (for replay). */
export interface StoredQuarantineRow extends QuarantineRow {
  id: number;
}

/** Which quarantine rows to read (see {@link Store.readQuarantine}). */
export interface QuarantineQuery {
  afterId?: number;
  limit: number;
  source?: string;
  code?: string;
  /** At most 1,000 ids. */
  ids?: number[];
}

/** Who an erasure request is about; at least one of userId / anonymousId. */
export interface ErasureSubject {
  userId?: string;
  anonymousId?: string;
  /** Limit to one source; all sources when absent. */
  source?: string;
}

/**
 * One page of an export (`GET /admin/export`). Times are UTC ISO 8601 on the event's
 * (skew-corrected) `timestamp`: `from` inclusive, `to` exclusive. Rows come in
 * (source, timestamp, messageId) order; `after` is the last row of the previous page.
 */
export interface EventQuery {
  source?: string;
  from?: string;
  to?: string;
  after?: { source: string; timestamp: string; messageId: string };
  limit: number;
}

/** Counts for `GET /admin/stats`, each list sorted by its keys. */
export interface StoreStats {
  /** Stored events per source, type and (track) event name. */
  events: { source: string; type: string; event: string | null; count: number }[];
  /** Quarantined events per source and rejection code. */
  quarantine: { source: string | null; code: string; count: number }[];
}

/** Everything one request stores: written in one transaction, all or nothing. */
export interface WriteBatch {
  events: EventRow[];
  quarantined: QuarantineRow[];
}

export interface WriteResult {
  /** messageIds of the rows this write inserted. */
  inserted: string[];
  /** messageIds already stored for their source (a resend), or repeated within the batch. */
  duplicates: string[];
}

/**
 * Where the collector keeps events. Every method is async so SQLite (synchronous driver),
 * PostgreSQL and a group-commit writer share one interface, and takes at most one argument
 * (the SQLite worker forwards calls as a method name and one structured-cloned argument). `write` resolves only once the
 * rows are durably committed; it rejects when they are not (the request then answers 503).
 *
 * @example
 * const store = createSqliteStore({ path: './cairn.db' });
 * const { inserted, duplicates } = await store.write({ events, quarantined: [] });
 */
export interface Store extends Partial<AnalyticsStore> {
  /** Short name for logs (`sqlite`, `postgres`). */
  readonly kind: string;
  write(batch: WriteBatch): Promise<WriteResult>;
  /** Resolves when the store can take writes; rejects otherwise (readiness probe). */
  ping(): Promise<void>;
  /** Releases the connection; later calls reject. Safe to call twice. */
  close(): Promise<void>;
  /**
   * Quarantined rows with id > `afterId`, oldest first, at most `limit` (replay pages through);
   * only those of `source`, of rejection `code`, or among `ids` when given.
   */
  readQuarantine(query: QuarantineQuery): Promise<StoredQuarantineRow[]>;
  /** Deletes the quarantine rows `ids` (the console's "delete"); returns how many went. */
  deleteQuarantine(ids: number[]): Promise<number>;
  /**
   * Replay's commit, in one transaction: inserts `events` (dedup on (source, message_id) still
   * holds, so a replayed event already stored counts as a duplicate) and deletes the quarantine
   * rows `resolvedIds` that they came from.
   */
  replay(batch: { events: EventRow[]; resolvedIds: number[] }): Promise<WriteResult>;
  /**
   * Right to erasure: deletes every event and quarantine row of the subject (rows whose user_id
   * or anonymous_id is the given id, alias events whose previousId is either, quarantined rows
   * holding either under any of those keys); returns the counts.
   */
  erase(subject: ErasureSubject): Promise<{ events: number; quarantine: number }>;
  /**
   * Retention: deletes events and quarantine rows with `received_at` before the cutoff (UTC
   * ISO) in short chunks that leave the event loop free; returns how many rows went (both tables).
   */
  deleteOlderThan(cutoffIso: string): Promise<number>;
  /** A page of stored events for an export, in (source, timestamp, messageId) order. */
  readEvents(query: EventQuery): Promise<EventRow[]>;
  /** Event and quarantine counts (a full scan: an admin call, not a hot path). */
  stats(): Promise<StoreStats>;
}
