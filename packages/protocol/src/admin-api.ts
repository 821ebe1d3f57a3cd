// Answers of the admin JSON API (`/admin/api`, docs/admin-api.md): shared by the collector that
// sends them and the web console that reads them.

/** One stored event as the live view lists it (`GET /admin/api/events`, the SSE stream). */
export interface EventSummary {
  source: string;
  messageId: string;
  type: string;
  /** Track event name, else null. */
  event: string | null;
  /** Page/screen name, else null. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** UTC ISO 8601, skew-corrected. */
  timestamp: string;
  receivedAt: string;
  /** `context.device.type`, when the event has one. */
  device: string | null;
}

/** One quarantined event (`GET /admin/api/quarantine`). */
export interface QuarantineEntry {
  id: number;
  source: string | null;
  messageId: string | null;
  receivedAt: string;
  code: string;
  reason: string;
  /** The event as received (not always JSON: that may be why it is here). */
  raw: string;
}

/** `GET /admin/api/overview`. */
export interface OverviewResponse {
  range: { from: string; to: string; source: string | null; bucket: 'hour' | 'day' };
  /** One entry per bucket of the range, zeros included, so a chart has no gaps. */
  eventsOverTime: { start: string; events: number }[];
  topEvents: { type: string; label: string; events: number }[];
  people: { users: number; anonymousIds: number };
  devices: { device: string; events: number }[];
  campaigns: { utmSource: string; utmMedium: string; utmCampaign: string; adPlatform: string; events: number }[];
  consent: { category: string; granted: number; denied: number; grantRate: number | null }[];
  /** By receive time: stored, resends refused, quarantined; rates are shares of all three. */
  quality: { accepted: number; duplicates: number; rejected: number; duplicateRate: number | null; rejectedRate: number | null };
}

/** `POST /admin/api/quarantine/replay`. */
export interface ReplayResponse {
  replayed: number;
  duplicates: number;
  stillFailing: number;
}
