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
  /** UTC ISO 8601, skew-corrected. */
  timestamp: string;
  /** The client's time exactly as sent (`timestamp`, else `originalTimestamp`). */
  originalTimestamp: string | null;
  sentAt: string | null;
  /** UTC ISO 8601 server time of the request. */
  receivedAt: string;
  /** The event's JSON as received, before any normalisation. */
  raw: string;
}

/** One refused event, kept with its reason so it can be fixed and replayed. */
export interface QuarantineRow {
  source: string | null;
  messageId: string | null;
  receivedAt: string;
  code: string;
  reason: string;
  raw: string;
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
 * PostgreSQL and a group-commit writer share one interface. `write` resolves only once the
 * rows are durably committed; it rejects when they are not (the request then answers 503).
 *
 * @example
 * const store = createSqliteStore({ path: './cairn.db' });
 * const { inserted, duplicates } = await store.write({ events, quarantined: [] });
 */
export interface Store {
  /** Short name for logs (`sqlite`, `postgres`). */
  readonly kind: string;
  write(batch: WriteBatch): Promise<WriteResult>;
  /** Resolves when the store can take writes; rejects otherwise (readiness probe). */
  ping(): Promise<void>;
  /** Releases the connection; later calls reject. Safe to call twice. */
  close(): Promise<void>;
}
