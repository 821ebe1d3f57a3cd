import type { OverviewResponse } from '@cairn/protocol';
import type { OverviewParts, OverviewQuery } from './console-reads.js';

const HOUR = 3_600_000;

/** `GET /admin/api/overview`'s answer (docs/admin-api.md). */
export type Overview = OverviewResponse;

/**
 * Shapes the stores' raw numbers: hourly buckets up to three days, daily beyond, every bucket
 * present; rates as fractions of everything received (accepted + duplicates + rejected).
 *
 * @example
 * shapeOverview({ from, to }, await reads.overview({ from, to }))
 */
export function shapeOverview(query: OverviewQuery, parts: OverviewParts): Overview {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  const bucket = to - from > 3 * 24 * HOUR ? 'day' : 'hour';
  const size = bucket === 'day' ? 24 * HOUR : HOUR;
  const counts = new Map<string, number>();
  const keyLength = bucket === 'day' ? 10 : 13;
  for (const { hour, events } of parts.hours) {
    const key = hour.slice(0, keyLength);
    counts.set(key, (counts.get(key) ?? 0) + events);
  }
  const eventsOverTime: Overview['eventsOverTime'] = [];
  for (let t = Math.floor(from / size) * size; t < to && eventsOverTime.length < 2000; t += size) {
    const start = new Date(t).toISOString();
    eventsOverTime.push({ start, events: counts.get(start.slice(0, keyLength)) ?? 0 });
  }
  const received = parts.accepted + parts.duplicates + parts.rejected;
  const rate = (n: number, total: number) => (total === 0 ? null : n / total);
  return {
    range: { from: query.from, to: query.to, source: query.source ?? null, bucket },
    eventsOverTime,
    topEvents: parts.top,
    people: { users: parts.users, anonymousIds: parts.anonymousIds },
    devices: parts.devices.map((d) => ({ device: d.device === '' ? 'unknown' : d.device, events: d.events })),
    campaigns: parts.campaigns,
    consent: parts.consent.map((c) => ({ ...c, grantRate: rate(c.granted, c.granted + c.denied) })),
    quality: {
      accepted: parts.accepted,
      duplicates: parts.duplicates,
      rejected: parts.rejected,
      duplicateRate: rate(parts.duplicates, received),
      rejectedRate: rate(parts.rejected, received),
    },
  };
}
