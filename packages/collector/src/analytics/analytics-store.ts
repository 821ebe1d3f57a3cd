import type { FunnelQuery, FunnelResult } from '../funnels/funnel-result.js';
import type { SegmentQuery, SegmentResult } from '../segments/segment-result.js';

/** A stored segment: its name and the definition as it was PUT (validated). */
export interface StoredSegment {
  name: string;
  definition: unknown;
  createdAt: string;
  updatedAt: string;
}

/** Which cart events the abandoned-cart rule reads: names, [from, to) on the event time, at most `limit`. */
export interface CartEventQuery {
  events: string[];
  from: string;
  to: string;
  limit: number;
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
  queryFunnel(query: FunnelQuery): Promise<FunnelResult>;
  /** Creates or replaces a segment; `created` is false when it replaced one. */
  putSegment(segment: { name: string; definition: unknown; now: string }): Promise<{ created: boolean }>;
  getSegment(name: string): Promise<StoredSegment | null>;
  listSegments(): Promise<StoredSegment[]>;
  deleteSegment(name: string): Promise<boolean>;
  readCartEvents(query: CartEventQuery): Promise<CartEventRow[]>;
  /** Every anonymousId linked to a userId (identify, signedIn, alias): the rest of that person. */
  linkedAnonymousIds(userId: string): Promise<string[]>;
}
