import type { DerivedWritesOptions, PostgresDerivedWrite } from '../store/derived-writes.js';
import { toPgJson } from '../store/postgres-pack.js';
import { buildRollupDelta } from './overview-rollup.js';


/**
 * One statement, one round trip: each table's delta arrives as a JSON array and is upserted
 * in key order (the delta is sorted), so concurrent writers cannot deadlock on these rows.
 */
const ROLLUP_SQL = `
  WITH hourly AS (
    INSERT INTO overview_hourly (source, hour, type, label, device, events)
    SELECT source, hour, type, label, device, events
    FROM json_to_recordset($1::text::json) AS t(source text, hour text, type text, label text, device text, events bigint)
    ON CONFLICT (source, hour, type, label, device) DO UPDATE SET events = overview_hourly.events + excluded.events
  ),
  received AS (
    INSERT INTO overview_received (source, hour, accepted, duplicates)
    SELECT source, hour, accepted, duplicates
    FROM json_to_recordset($5::text::json) AS t(source text, hour text, accepted bigint, duplicates bigint)
    ON CONFLICT (source, hour)
    DO UPDATE SET accepted = overview_received.accepted + excluded.accepted, duplicates = overview_received.duplicates + excluded.duplicates
  ),
  campaigns AS (
    INSERT INTO overview_campaigns (source, hour, utm_source, utm_medium, utm_campaign, ad_platform, events)
    SELECT source, hour, "utmSource", "utmMedium", "utmCampaign", "adPlatform", events
    FROM json_to_recordset($2::text::json) AS t(source text, hour text, "utmSource" text, "utmMedium" text, "utmCampaign" text, "adPlatform" text, events bigint)
    ON CONFLICT (source, hour, utm_source, utm_medium, utm_campaign, ad_platform)
    DO UPDATE SET events = overview_campaigns.events + excluded.events
  ),
  consent AS (
    INSERT INTO overview_consent (source, hour, category, granted, denied)
    SELECT source, hour, category, granted, denied
    FROM json_to_recordset($3::text::json) AS t(source text, hour text, category text, granted bigint, denied bigint)
    ON CONFLICT (source, hour, category)
    DO UPDATE SET granted = overview_consent.granted + excluded.granted, denied = overview_consent.denied + excluded.denied
  ),
  people AS (
    INSERT INTO overview_people (kind, month, source, id, days)
    SELECT kind, month, source, id, days FROM json_to_recordset($4::text::json) AS t(kind text, month text, source text, id text, days integer)
    ON CONFLICT (kind, month, source, id) DO UPDATE SET days = overview_people.days | excluded.days
    WHERE overview_people.days | excluded.days <> overview_people.days
  )
  SELECT 1`;

/**
 * The overview's derived write on PostgreSQL (see {@link createSqliteOverviewRollup}).
 * Off with `derived: { overview: false }`.
 *
 * @example
 * POSTGRES_DERIVED_WRITES = [createPostgresOverviewRollup];
 */
export function createPostgresOverviewRollup(options: DerivedWritesOptions): PostgresDerivedWrite | undefined {
  if (options.overview === false) return undefined;
  return async (tx, inserted, duplicates = []) => {
    const delta = buildRollupDelta(inserted, duplicates);
    // prepare: parsed and planned once per connection, not in every ingest transaction
    // (unsafe() defaults to the unnamed statement, re-parsed each time).
    const params = [toPgJson(delta.hourly), toPgJson(delta.campaigns), toPgJson(delta.consent), toPgJson(delta.people), toPgJson(delta.received)];
    await tx.unsafe(ROLLUP_SQL, params, { prepare: true });
  };
}
