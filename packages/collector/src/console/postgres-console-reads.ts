import postgres from 'postgres';
import { toStoredQuarantineRow, type QuarantineRecord } from '../store/postgres-read.js';
import type { ConsoleReads, EventSummary, OverviewParts, StoredEvent } from './console-reads.js';
import { overviewBounds } from './overview-bounds.js';

interface SummaryRecord {
  source: string;
  message_id: string;
  type: string;
  event: string | null;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: Date;
  received_at: Date;
  device: string | null;
}


/**
 * The console's reads on PostgreSQL, on a pool of their own (4 connections, a statement
 * timeout) so a slow read never takes a connection the writes need. Same answers as SQLite's.
 *
 * @example
 * const reads = createPostgresConsoleReads({ url: process.env.DATABASE_URL });
 */
export function createPostgresConsoleReads(options: { url: string; schema?: string }): ConsoleReads {
  const sql = postgres(options.url, {
    // The overview's nine reads run side by side on these.
    max: 4,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { statement_timeout: 10_000, ...(options.schema === undefined ? {} : { search_path: options.schema }) },
  });
  const summary = sql`source, message_id, type, event, name, user_id, anonymous_id, timestamp, received_at,
    coalesce(normalized, raw)::json #>> '{context,device,type}' AS device`;
  const bySource = (source: string | undefined) => (source === undefined ? sql`` : sql`AND source = ${source}`);
  const count = (value: unknown) => Number(value ?? 0);

  return {
    listEvents: async ({ filters: f, before, limit }) => {
      const rows = await sql<SummaryRecord[]>`SELECT ${summary} FROM events WHERE true
        ${before === undefined ? sql`` : sql`AND received_at <= ${before.receivedAt}::timestamptz
          AND (received_at, source, message_id) < (${before.receivedAt}::timestamptz, ${before.source}, ${before.messageId})`}
        ${bySource(f.source)}
        ${f.type === undefined ? sql`` : sql`AND type = ${f.type}`}
        ${f.event === undefined ? sql`` : sql`AND event = ${f.event}`}
        ${f.userId === undefined ? sql`` : sql`AND user_id = ${f.userId}`}
        ${f.anonymousId === undefined ? sql`` : sql`AND anonymous_id = ${f.anonymousId}`}
        ${f.device === undefined ? sql`` : sql`AND coalesce(normalized, raw)::json #>> '{context,device,type}' = ${f.device}`}
        ORDER BY received_at DESC, source DESC, message_id DESC LIMIT ${limit}`;
      return rows.map(toSummary);
    },
    eventsSince: async ({ after, limit }) => {
      const rows = await sql<SummaryRecord[]>`SELECT ${summary} FROM events
        WHERE received_at >= ${after.receivedAt}::timestamptz
          AND (received_at, source, message_id) > (${after.receivedAt}::timestamptz, ${after.source}, ${after.messageId})
        ORDER BY received_at, source, message_id LIMIT ${limit}`;
      return rows.map(toSummary);
    },
    getEvent: async ({ source, messageId }) => {
      // event_ids has the key (and the day): the event is then found in one partition.
      const rows = await sql<(SummaryRecord & { original_timestamp: string | null; sent_at: string | null; raw: string; normalized: string | null })[]>`
        SELECT ${summary}, original_timestamp, sent_at, raw, normalized FROM events
        WHERE received_at = (SELECT received_at FROM event_ids WHERE source = ${source} AND message_id = ${messageId})
          AND source = ${source} AND message_id = ${messageId}`;
      const row = rows[0];
      if (!row) return undefined;
      return { ...toSummary(row), originalTimestamp: row.original_timestamp, sentAt: row.sent_at, raw: row.raw, normalized: row.normalized } satisfies StoredEvent;
    },
    overview: async (query): Promise<OverviewParts> => {
      const b = overviewBounds(query);
      const hourly = sql`FROM overview_hourly WHERE hour >= ${b.fromHour} AND hour < ${b.toHour} ${bySource(query.source)}`;
      // One row per id and month; the range's days of each month are a bit mask over `days`.
      const months = `{${b.months.map((m) => m.month).join(',')}}`;
      const masks = `{${b.months.map((m) => m.mask).join(',')}}`;
      // count(*) over a DISTINCT subquery: PostgreSQL hashes it, where count(DISTINCT) sorts.
      const people = (kind: string) => sql<{ n: string }[]>`SELECT count(*) AS n FROM (SELECT DISTINCT p.id
        FROM unnest(${months}::text[], ${masks}::integer[]) AS m(month, mask)
        JOIN overview_people AS p ON p.kind = ${kind} AND p.month = m.month AND (p.days & m.mask) <> 0
        ${query.source === undefined ? sql`` : sql`AND p.source = ${query.source}`}) AS ids`;
      const [hours, top, devices, campaigns, consent, users, anonymous, totals, rejected] = await Promise.all([
        sql<{ hour: string; events: string }[]>`SELECT hour, sum(events) AS events ${hourly} GROUP BY hour HAVING sum(events) > 0 ORDER BY hour`,
        sql<{ type: string; label: string; events: string }[]>`SELECT type, label, sum(events) AS events ${hourly}
          GROUP BY type, label HAVING sum(events) > 0 ORDER BY events DESC, type, label LIMIT 20`,
        sql<{ device: string; events: string }[]>`SELECT device, sum(events) AS events ${hourly} GROUP BY device HAVING sum(events) > 0 ORDER BY events DESC, device`,
        sql<{ utm_source: string; utm_medium: string; utm_campaign: string; ad_platform: string; events: string }[]>`
          SELECT utm_source, utm_medium, utm_campaign, ad_platform, sum(events) AS events FROM overview_campaigns
          WHERE hour >= ${b.fromHour} AND hour < ${b.toHour} ${bySource(query.source)}
          GROUP BY utm_source, utm_medium, utm_campaign, ad_platform ORDER BY events DESC, utm_source, utm_medium, utm_campaign, ad_platform LIMIT 20`,
        sql<{ category: string; granted: string; denied: string }[]>`SELECT category, sum(granted) AS granted, sum(denied) AS denied
          FROM overview_consent WHERE hour >= ${b.fromHour} AND hour < ${b.toHour} ${bySource(query.source)} GROUP BY category ORDER BY category`,
        people('u'),
        people('a'),
        sql<{ accepted: string | null; duplicates: string | null }[]>`SELECT sum(accepted) AS accepted, sum(duplicates) AS duplicates
          FROM overview_received WHERE hour >= ${b.fromHour} AND hour < ${b.toHour} ${bySource(query.source)}`,
        sql<{ n: string }[]>`SELECT count(*) AS n FROM quarantine
          WHERE received_at >= ${query.from}::timestamptz AND received_at < ${query.to}::timestamptz ${bySource(query.source)}`,
      ]);
      return {
        hours: hours.map((r) => ({ hour: r.hour, events: count(r.events) })),
        top: top.map((r) => ({ type: r.type, label: r.label, events: count(r.events) })),
        devices: devices.map((r) => ({ device: r.device, events: count(r.events) })),
        campaigns: campaigns.map((r) => ({
          utmSource: r.utm_source, utmMedium: r.utm_medium, utmCampaign: r.utm_campaign, adPlatform: r.ad_platform, events: count(r.events),
        })),
        consent: consent.map((r) => ({ category: r.category, granted: count(r.granted), denied: count(r.denied) })),
        users: count(users[0]?.n),
        anonymousIds: count(anonymous[0]?.n),
        accepted: count(totals[0]?.accepted),
        duplicates: count(totals[0]?.duplicates),
        rejected: count(rejected[0]?.n),
      };
    },
    quarantineCounts: async ({ source }) => {
      const rows = await sql<{ code: string; count: string }[]>`SELECT code, count(*) AS count FROM quarantine WHERE true ${bySource(source)}
        GROUP BY code ORDER BY count DESC, code`;
      return rows.map((r) => ({ code: r.code, count: count(r.count) }));
    },
    listQuarantine: async ({ source, code, before, limit }) => {
      const rows = await sql<QuarantineRecord[]>`SELECT id, source, message_id, received_at, code, reason, raw FROM quarantine
        WHERE true ${before === undefined ? sql`` : sql`AND id < ${before}`} ${bySource(source)} ${code === undefined ? sql`` : sql`AND code = ${code}`}
        ORDER BY id DESC LIMIT ${limit}`;
      return rows.map(toStoredQuarantineRow);
    },
    getQuarantine: async ({ id }) => {
      const rows = await sql<QuarantineRecord[]>`SELECT id, source, message_id, received_at, code, reason, raw FROM quarantine WHERE id = ${id}`;
      return rows[0] ? toStoredQuarantineRow(rows[0]) : undefined;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

function toSummary(row: SummaryRecord): EventSummary {
  return {
    source: row.source,
    messageId: row.message_id,
    type: row.type,
    event: row.event,
    name: row.name,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    timestamp: row.timestamp.toISOString(),
    receivedAt: row.received_at.toISOString(),
    device: row.device,
  };
}
