import type { EventSummary } from '@cairn/protocol';
import type { StoredQuarantineRow } from '../store/store.js';

/** Where a page of the live view starts: the last row of the previous page. */
export interface EventCursor {
  receivedAt: string;
  source: string;
  messageId: string;
}

/** Filters of the live view and of `GET /admin/api/events`; each one exact match. */
export interface EventFilters {
  source?: string;
  type?: string;
  /** Track event name. */
  event?: string;
  userId?: string;
  anonymousId?: string;
  /** `context.device.type`: mobile, tablet, desktop. */
  device?: string;
}

/** One line of the live view (the wire type of `GET /admin/api/events`). */
export type { EventSummary };

/** A time range of the overview: UTC ISO strings, `from` inclusive, `to` exclusive. */
export interface OverviewQuery {
  from: string;
  to: string;
  source?: string;
}

/** The overview's numbers as the stores read them, before {@link shapeOverview} shapes them. */
export interface OverviewParts {
  /** Per hour ('YYYY-MM-DDTHH'), events stored. */
  hours: { hour: string; events: number }[];
  top: { type: string; label: string; events: number }[];
  devices: { device: string; events: number }[];
  campaigns: { utmSource: string; utmMedium: string; utmCampaign: string; adPlatform: string; events: number }[];
  consent: { category: string; granted: number; denied: number }[];
  users: number;
  anonymousIds: number;
  /** By receive time, like `rejected` (the quarantine's receive time). */
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * The reads behind the console and `/admin/api`, apart from the write path: on SQLite they run
 * on a read-only connection on a worker thread (a slow overview never stalls ingest), on
 * PostgreSQL on a small pool of their own.
 *
 * @example
 * const page = await reads.listEvents({ filters: { source: 'shop' }, limit: 50 });
 */
export interface ConsoleReads {
  /** Newest first (received time), after `before` when given. */
  listEvents(query: { filters: EventFilters; before?: EventCursor; limit: number }): Promise<EventSummary[]>;
  /** Oldest first, strictly after `after`: the live feed's poll. */
  eventsSince(query: { after: EventCursor; limit: number }): Promise<EventSummary[]>;
  /** One stored event with its raw and normalized JSON. */
  getEvent(query: { source: string; messageId: string }): Promise<StoredEvent | undefined>;
  overview(query: OverviewQuery): Promise<OverviewParts>;
  quarantineCounts(query: { source?: string }): Promise<{ code: string; count: number }[]>;
  /** Newest first (id), before the id `before`. */
  listQuarantine(query: { source?: string; code?: string; before?: number; limit: number }): Promise<StoredQuarantineRow[]>;
  getQuarantine(query: { id: number }): Promise<StoredQuarantineRow | undefined>;
  close(): Promise<void>;
}

/** An event as stored (the `EventRow` columns). */
export interface StoredEvent extends EventSummary {
  originalTimestamp: string | null;
  sentAt: string | null;
  raw: string;
  normalized: string | null;
}
