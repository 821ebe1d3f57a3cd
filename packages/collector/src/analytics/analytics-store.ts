import type { FunnelQuery, FunnelResult } from '../funnels/funnel-result.js';
import type { SegmentPerson, SegmentQuery, SegmentResult } from '../segments/segment-result.js';
import type { AbandonedCart } from '../carts/detect-abandoned-carts.js';

/** A stored segment: its name and the definition as it was PUT (validated). */
export interface StoredSegment {
  name: string;
  definition: unknown;
  createdAt: string;
  updatedAt: string;
}

/**
 * One run of the abandoned-cart rule: every event named `events` with a time in [from, to) is
 * replayed, oldest first, through the cart rule (createCartDetector) at `now` with `idleMs`.
 * The store streams them (a SQLite statement iterator; a PostgreSQL cursor `chunkRows` rows at
 * a time), so memory holds the open carts, never the events, whatever their number.
 */
export interface CartScanQuery {
  events: string[];
  from: string;
  to: string;
  now: number;
  idleMs: number;
  /** Rows per fetch from PostgreSQL's cursor (default 5,000); SQLite reads one row at a time. */
  chunkRows?: number;
}

/** One cart event as the abandoned-cart rule reads it (its properties are read, not stored). */
export interface CartEventRow {
  source: string;
  messageId: string;
  event: string;
  /** The person key (people.person_id) of the event. */
  person: string;
  userId: string | null;
  anonymousId: string | null;
  timestamp: string;
  properties: Record<string, unknown> | null;
}

/**
 * The reads and writes behind people, segments, funnels and the abandoned-cart rule (issue
 * #15). Both stores implement them; each takes at most one argument (the SQLite worker
 * forwards calls by name).
 */
export interface AnalyticsStore {
  querySegment(query: SegmentQuery): Promise<SegmentResult>;
  /**
   * The person ids of a segment's members, latest seen first (the order of querySegment): an
   * export reads them once, then their details page by page (readPeople).
   */
  segmentMembers(query: Omit<SegmentQuery, 'limit' | 'offset'>): Promise<string[]>;
  /** These people (person ids, at most EXPORT_PAGE_SIZE), in the order given; ids no longer stored are left out. */
  readPeople(personIds: string[]): Promise<SegmentPerson[]>;
  queryFunnel(query: FunnelQuery): Promise<FunnelResult>;
  /** Creates or replaces a segment; `created` is false when it replaced one. */
  putSegment(segment: { name: string; definition: unknown; now: string }): Promise<{ created: boolean }>;
  getSegment(name: string): Promise<StoredSegment | null>;
  listSegments(): Promise<StoredSegment[]>;
  deleteSegment(name: string): Promise<boolean>;
  /** The carts the abandoned-cart rule reports now, read from every cart event in the range. */
  findAbandonedCarts(query: CartScanQuery): Promise<AbandonedCart[]>;
  /** Every anonymousId linked to a userId (identify, signedIn, alias): the rest of that person. */
  linkedAnonymousIds(userId: string): Promise<string[]>;
}
