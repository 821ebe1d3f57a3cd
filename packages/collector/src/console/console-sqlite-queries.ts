import type Database from 'better-sqlite3';
import { prepared } from '../store/sqlite-prepared.js';
import type { StoredQuarantineRow } from '../store/store.js';
import type { EventCursor, EventFilters, EventSummary, OverviewParts, OverviewQuery, StoredEvent } from './console-reads.js';
import { overviewBounds } from './overview-bounds.js';

const SUMMARY = `source, message_id AS messageId, type, event, name, user_id AS userId, anonymous_id AS anonymousId,
  timestamp, received_at AS receivedAt, json_extract(coalesce(normalized, raw), '$.context.device.type') AS device`;

// One statement: each optional filter is `(@x IS NULL OR col = @x)`, which SQLite folds away
// when the parameter is NULL; the walk is the events_by_received index, newest first.
const LIST_EVENTS = `SELECT ${SUMMARY} FROM events
  WHERE received_at <= @beforeAt AND (received_at, source, message_id) < (@beforeAt, @beforeSource, @beforeId)
    AND (@source IS NULL OR source = @source) AND (@type IS NULL OR type = @type)
    AND (@event IS NULL OR event = @event) AND (@userId IS NULL OR user_id = @userId)
    AND (@anonymousId IS NULL OR anonymous_id = @anonymousId)
    AND (@device IS NULL OR json_extract(coalesce(normalized, raw), '$.context.device.type') = @device)
  ORDER BY received_at DESC, source DESC, message_id DESC LIMIT @limit`;

const EVENTS_SINCE = `SELECT ${SUMMARY} FROM events
  WHERE received_at >= @afterAt AND (received_at, source, message_id) > (@afterAt, @afterSource, @afterId)
  ORDER BY received_at, source, message_id LIMIT @limit`;

const QUARANTINE = 'id, source, message_id AS messageId, received_at AS receivedAt, code, reason, raw';

function listEvents(db: Database.Database, arg: { filters: EventFilters; before?: EventCursor; limit: number }): EventSummary[] {
  const f = arg.filters;
  return prepared(db, LIST_EVENTS).all({
    // '\uffff' sorts after every stored value: no cursor means "from the newest".
    beforeAt: arg.before?.receivedAt ?? '\uffff',
    beforeSource: arg.before?.source ?? '\uffff',
    beforeId: arg.before?.messageId ?? '\uffff',
    source: f.source ?? null,
    type: f.type ?? null,
    event: f.event ?? null,
    userId: f.userId ?? null,
    anonymousId: f.anonymousId ?? null,
    device: f.device ?? null,
    limit: arg.limit,
  }) as EventSummary[];
}

function eventsSince(db: Database.Database, arg: { after: EventCursor; limit: number }): EventSummary[] {
  return prepared(db, EVENTS_SINCE).all({
    afterAt: arg.after.receivedAt,
    afterSource: arg.after.source,
    afterId: arg.after.messageId,
    limit: arg.limit,
  }) as EventSummary[];
}

function getEvent(db: Database.Database, arg: { source: string; messageId: string }): StoredEvent | undefined {
  return prepared(
    db,
    `SELECT ${SUMMARY}, original_timestamp AS originalTimestamp, sent_at AS sentAt, raw, normalized
     FROM events WHERE source = ? AND message_id = ?`,
  ).get(arg.source, arg.messageId) as StoredEvent | undefined;
}

// `@source IS NULL OR source = @source` would hide the (source, hour) key from the planner, so
// each overview read has one statement per shape: all sources (hour index) or one (primary key).
const bySource = (sql: string, source: string | undefined) =>
  source === undefined ? sql.replaceAll('{source}', '') : sql.replaceAll('{source}', 'source = @source AND');

function overview(db: Database.Database, query: OverviewQuery): OverviewParts {
  const b = overviewBounds(query);
  const params = { source: query.source ?? null, fromHour: b.fromHour, toHour: b.toHour, from: query.from, to: query.to };
  const all = <T>(sql: string) => prepared(db, bySource(sql, query.source)).all(params) as T[];
  const hourly = 'FROM overview_hourly WHERE {source} hour >= @fromHour AND hour < @toHour';
  const totals = all<{ accepted: number | null; duplicates: number | null }>(
    'SELECT sum(accepted) AS accepted, sum(duplicates) AS duplicates FROM overview_received WHERE {source} hour >= @fromHour AND hour < @toHour',
  )[0];
  // One row per id and month; the range's days of each month are a bit mask over `days`.
  const people = (kind: 'u' | 'a') =>
    (prepared(db, bySource(`SELECT count(DISTINCT p.id) AS n FROM json_each(@months) AS m
      JOIN overview_people AS p ON p.kind = @kind AND p.month = json_extract(m.value, '$.month')
      WHERE {source} (p.days & json_extract(m.value, '$.mask')) != 0`, query.source).replaceAll('source = @source', 'p.source = @source'))
      .get({ ...params, kind, months: JSON.stringify(b.months) }) as { n: number }).n;
  const rejected = prepared(
    db,
    `SELECT count(*) AS n FROM quarantine WHERE ${query.source === undefined ? '' : 'source = @source AND'} received_at >= @from AND received_at < @to`,
  ).get(params) as { n: number };
  return {
    hours: all(`SELECT hour, sum(events) AS events ${hourly} GROUP BY hour HAVING sum(events) > 0 ORDER BY hour`),
    top: all(`SELECT type, label, sum(events) AS events ${hourly} GROUP BY type, label HAVING sum(events) > 0 ORDER BY events DESC, type, label LIMIT 20`),
    devices: all(`SELECT device, sum(events) AS events ${hourly} GROUP BY device HAVING sum(events) > 0 ORDER BY events DESC, device`),
    campaigns: all(`SELECT utm_source AS utmSource, utm_medium AS utmMedium, utm_campaign AS utmCampaign, ad_platform AS adPlatform,
      sum(events) AS events FROM overview_campaigns WHERE {source} hour >= @fromHour AND hour < @toHour
      GROUP BY utm_source, utm_medium, utm_campaign, ad_platform ORDER BY events DESC, utmSource, utmMedium, utmCampaign, adPlatform LIMIT 20`),
    consent: all(`SELECT category, sum(granted) AS granted, sum(denied) AS denied FROM overview_consent
      WHERE {source} hour >= @fromHour AND hour < @toHour GROUP BY category ORDER BY category`),
    users: people('u'),
    anonymousIds: people('a'),
    accepted: totals?.accepted ?? 0,
    duplicates: totals?.duplicates ?? 0,
    rejected: rejected.n,
  };
}

function quarantineCounts(db: Database.Database, arg: { source?: string }): { code: string; count: number }[] {
  return prepared(db, 'SELECT code, count(*) AS count FROM quarantine WHERE (@source IS NULL OR source = @source) GROUP BY code ORDER BY count DESC, code').all({
    source: arg.source ?? null,
  }) as { code: string; count: number }[];
}

function listQuarantine(db: Database.Database, arg: { source?: string; code?: string; before?: number; limit: number }): StoredQuarantineRow[] {
  return prepared(
    db,
    `SELECT ${QUARANTINE} FROM quarantine WHERE id < @before AND (@source IS NULL OR source = @source) AND (@code IS NULL OR code = @code)
     ORDER BY id DESC LIMIT @limit`,
  ).all({ before: arg.before ?? Number.MAX_SAFE_INTEGER, source: arg.source ?? null, code: arg.code ?? null, limit: arg.limit }) as StoredQuarantineRow[];
}

function getQuarantine(db: Database.Database, arg: { id: number }): StoredQuarantineRow | undefined {
  return prepared(db, `SELECT ${QUARANTINE} FROM quarantine WHERE id = ?`).get(arg.id) as StoredQuarantineRow | undefined;
}

/** The console's read queries by name, for `SQLITE_READ_QUERIES`. */
export const CONSOLE_SQLITE_QUERIES = {
  'console.listEvents': listEvents,
  'console.eventsSince': eventsSince,
  'console.getEvent': getEvent,
  'console.overview': overview,
  'console.quarantineCounts': quarantineCounts,
  'console.listQuarantine': listQuarantine,
  'console.getQuarantine': getQuarantine,
} as const;
