import type Database from 'better-sqlite3';
import type { DerivedWritesOptions, SqliteDerivedWrite } from '../store/derived-writes.js';
import type { RollupDelta } from './overview-rollup.js';

/**
 * The overview's derived write on SQLite: only the resends a write refused, counted in
 * `overview_received.duplicates` in the events' own transaction (a resend has no row in
 * `events`, so nothing could count it again after a crash). The stored events are counted by
 * the fold after the commits (overview-fold-sqlite.ts). Off with `derived: { overview: false }`.
 *
 * @example
 * SQLITE_DERIVED_WRITES = [createSqliteOverviewRollup];
 */
export function createSqliteOverviewRollup(db: Database.Database, options: DerivedWritesOptions): SqliteDerivedWrite | undefined {
  if (options.overview === false) return undefined;
  const received = db.prepare(`
    INSERT INTO overview_received (source, hour, accepted, duplicates) VALUES (?, ?, 0, 1)
    ON CONFLICT (hour, source) DO UPDATE SET duplicates = duplicates + 1`);
  return (_inserted, duplicates = []) => {
    for (const row of duplicates) received.run(row.source, row.receivedAt.slice(0, 13));
  };
}

/**
 * Adds a delta to the overview tables (counters and `overview_people`), in key order so each
 * page is written once. Runs in the caller's transaction (the fold's, with its cursor).
 *
 * @example
 * const write = createSqliteRollupWriter(db);
 * write(accumulator.delta());
 */
export function createSqliteRollupWriter(db: Database.Database): (delta: RollupDelta) => void {
  const hourly = db.prepare(`
    INSERT INTO overview_hourly (source, hour, type, label, device, events) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (hour, source, type, label, device) DO UPDATE SET events = events + excluded.events`);
  const received = db.prepare(`
    INSERT INTO overview_received (source, hour, accepted, duplicates) VALUES (?, ?, ?, ?)
    ON CONFLICT (hour, source) DO UPDATE SET accepted = accepted + excluded.accepted, duplicates = duplicates + excluded.duplicates`);
  const campaigns = db.prepare(`
    INSERT INTO overview_campaigns (source, hour, utm_source, utm_medium, utm_campaign, ad_platform, events) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (hour, source, utm_source, utm_medium, utm_campaign, ad_platform) DO UPDATE SET events = events + excluded.events`);
  const consent = db.prepare(`
    INSERT INTO overview_consent (source, hour, category, granted, denied) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (hour, source, category) DO UPDATE SET granted = granted + excluded.granted, denied = denied + excluded.denied`);
  const people = db.prepare(`
    INSERT INTO overview_people (kind, month, source, id, days) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (kind, month, source, id) DO UPDATE SET days = days | excluded.days WHERE days | excluded.days != days`);
  return (delta) => {
    for (const r of delta.hourly) hourly.run(r.source, r.hour, r.type, r.label, r.device, r.events);
    for (const r of delta.received) received.run(r.source, r.hour, r.accepted, r.duplicates);
    for (const r of delta.campaigns) campaigns.run(r.source, r.hour, r.utmSource, r.utmMedium, r.utmCampaign, r.adPlatform, r.events);
    for (const r of delta.consent) consent.run(r.source, r.hour, r.category, r.granted, r.denied);
    for (const r of delta.people) people.run(r.kind, r.month, r.source, r.id, r.days);
  };
}
