import type Database from 'better-sqlite3';
import { prepared } from '../store/sqlite-prepared.js';
import type { StoredQuarantineRow } from '../store/store.js';
import type { EventCursor, EventFilters, EventSummary, OverviewParts, OverviewQuery, StoredEvent } from './console-reads.js';
import { ROLLUP_COLUMNS_SQL } from './overview-fold-sqlite.js';
import { overviewBounds } from './overview-bounds.js';
import { createRollupAccumulator, type RollupColumns } from './overview-rollup.js';

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

// The events the fold has not counted yet (overview-fold-sqlite.ts: a few thousand at most)
// are counted here by the same code as at ingest; each read adds that small delta (JSON rows,
// so the connection stays read-only) to the rollups' rows with UNION ALL.
const TAIL_COLUMNS = {
  overview_hourly: ['source', 'hour', 'type', 'label', 'device', 'events'],
  overview_received: ['source', 'hour', 'accepted', 'duplicates'],
  overview_campaigns: ['source', 'hour', 'utm_source', 'utm_medium', 'utm_campaign', 'ad_platform', 'events'],
  overview_consent: ['source', 'hour', 'category', 'granted', 'denied'],
} as const;
type TailTable = keyof typeof TAIL_COLUMNS;

/** The not-yet-folded events' delta, per table as JSON rows in TAIL_COLUMNS order. */
function tailOf(db: Database.Database): Record<TailTable, string> {
  const rows = prepared(db, `SELECT ${ROLLUP_COLUMNS_SQL} FROM events WHERE rowid > (SELECT last_rowid FROM overview_cursor)`).all() as RollupColumns[];
  const rollup = createRollupAccumulator({ people: false });
  rollup.add(rows);
  const d = rollup.delta();
  return {
    overview_hourly: JSON.stringify(d.hourly.map((r) => [r.source, r.hour, r.type, r.label, r.device, r.events])),
    overview_received: JSON.stringify(d.received.map((r) => [r.source, r.hour, r.accepted, r.duplicates])),
    overview_campaigns: JSON.stringify(d.campaigns.map((r) => [r.source, r.hour, r.utmSource, r.utmMedium, r.utmCampaign, r.adPlatform, r.events])),
    overview_consent: JSON.stringify(d.consent.map((r) => [r.source, r.hour, r.category, r.granted, r.denied])),
  };
}

/** `table`'s rows of the range, the rollup's and the tail's (`@tail`): `FROM (…)` for a read. */
function inRange(table: TailTable, columns: string): string {
  const where = 'WHERE {source} hour >= @fromHour AND hour < @toHour';
  const fromJson = TAIL_COLUMNS[table].map((column, i) => `value ->> ${i} AS ${column}`).join(', ');
  return `FROM (SELECT ${columns} FROM ${table} ${where}
    UNION ALL SELECT ${columns} FROM (SELECT ${fromJson} FROM json_each(@tail)) ${where})`;
}

function overview(db: Database.Database, query: OverviewQuery): OverviewParts {
  // One read transaction: the rollups, the cursor and the events past it from one snapshot.
  return db.transaction(() => overviewOfSnapshot(db, query, tailOf(db)))();
}

function overviewOfSnapshot(db: Database.Database, query: OverviewQuery, tail: Record<TailTable, string>): OverviewParts {
  const b = overviewBounds(query);
  const params = { source: query.source ?? null, fromHour: b.fromHour, toHour: b.toHour, from: query.from, to: query.to };
  const all = <T>(sql: string, table?: TailTable) =>
    prepared(db, bySource(sql, query.source)).all(table === undefined ? params : { ...params, tail: tail[table] }) as T[];
  const hourly = inRange('overview_hourly', 'hour, type, label, device, events');
  const totals = all<{ accepted: number | null; duplicates: number | null }>(
    `SELECT sum(accepted) AS accepted, sum(duplicates) AS duplicates ${inRange('overview_received', 'accepted, duplicates')}`,
    'overview_received',
  )[0];
  // One row per id and month; the range's days of each month are a bit mask over `days`. The
  // events past the fold's cursor are not in overview_people yet: their ids come from their own
  // columns (no JSON), and UNION counts an id once whichever side it is on.
  const people = (kind: 'u' | 'a') =>
    (prepared(db, bySource(`SELECT count(*) AS n FROM (
        SELECT p.id FROM json_each(@months) AS m
        JOIN overview_people AS p ON p.kind = @kind AND p.month = json_extract(m.value, '$.month')
        WHERE {source} (p.days & json_extract(m.value, '$.mask')) != 0
      UNION
        SELECT e.${kind === 'u' ? 'user_id' : 'anonymous_id'} FROM events AS e
        WHERE e.rowid > (SELECT last_rowid FROM overview_cursor) AND {tail}
          e.${kind === 'u' ? 'user_id' : 'anonymous_id'} != '' AND e.timestamp >= @fromDay AND e.timestamp < @toDay)`, query.source)
      .replace('source = @source', 'p.source = @source').replace('{tail}', query.source === undefined ? '' : 'e.source = @source AND'))
      .get({ ...params, kind, months: JSON.stringify(b.months), fromDay: b.fromDay, toDay: b.toDay }) as { n: number }).n;
  const rejected = prepared(
    db,
    `SELECT count(*) AS n FROM quarantine WHERE ${query.source === undefined ? '' : 'source = @source AND'} received_at >= @from AND received_at < @to`,
  ).get(params) as { n: number };
  return {
    hours: all(`SELECT hour, sum(events) AS events ${hourly} GROUP BY hour HAVING sum(events) > 0 ORDER BY hour`, 'overview_hourly'),
    top: all(`SELECT type, label, sum(events) AS events ${hourly} GROUP BY type, label HAVING sum(events) > 0 ORDER BY events DESC, type, label LIMIT 20`, 'overview_hourly'),
    devices: all(`SELECT device, sum(events) AS events ${hourly} GROUP BY device HAVING sum(events) > 0 ORDER BY events DESC, device`, 'overview_hourly'),
    campaigns: all(`SELECT utm_source AS utmSource, utm_medium AS utmMedium, utm_campaign AS utmCampaign, ad_platform AS adPlatform,
      sum(events) AS events ${inRange('overview_campaigns', 'utm_source, utm_medium, utm_campaign, ad_platform, events')}
      GROUP BY utm_source, utm_medium, utm_campaign, ad_platform ORDER BY events DESC, utmSource, utmMedium, utmCampaign, adPlatform LIMIT 20`, 'overview_campaigns'),
    consent: all(`SELECT category, sum(granted) AS granted, sum(denied) AS denied ${inRange('overview_consent', 'category, granted, denied')}
      GROUP BY category ORDER BY category`, 'overview_consent'),
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
