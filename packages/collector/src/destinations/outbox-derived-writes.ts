import type { PostgresDerivedFactory, SqliteDerivedFactory, DerivedWritesOptions } from '../store/derived-writes.js';
import { toPgText } from '../store/postgres-pack.js';
import type { EventRow } from '../store/store.js';
import type { DestinationRules } from './destination-config.js';
import { matchesDestination, parseEvent } from './match-destination.js';

/** The store's `derived.destinations`: each destination's matching rules. */
function rulesOf(options: DerivedWritesOptions): DestinationRules[] {
  const rules = options.destinations;
  return Array.isArray(rules) ? (rules as DestinationRules[]) : [];
}

/** (destination, row) for every stored event each destination takes, in the order stored. */
function matches(rules: readonly DestinationRules[], inserted: readonly EventRow[]): [string, EventRow][] {
  const out: [string, EventRow][] = [];
  for (const row of inserted) {
    // Parsed at most once per event, and only when a destination checks consent.
    let parsed: { value: Record<string, unknown> | undefined } | undefined;
    const event = () => (parsed ??= { value: parseEvent(row.raw) }).value;
    for (const rule of rules) if (matchesDestination(rule, row, event)) out.push([rule.name, row]);
  }
  return out;
}

/**
 * The outbox on SQLite: one `deliveries` row per stored event and matching destination, in the
 * event write's transaction (a crash between store and forward loses nothing; a resend is not
 * inserted, so it adds no delivery).
 *
 * @example
 * createSqliteStore({ path, derived: { destinations: [{ name: 'crm' }] } });
 */
export const sqliteOutboxWrite: SqliteDerivedFactory = (db, options) => {
  const rules = rulesOf(options);
  if (rules.length === 0) return undefined;
  const insert = db.prepare('INSERT INTO deliveries (destination, source, message_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)');
  return (inserted) => {
    const now = Date.now();
    for (const [destination, row] of matches(rules, inserted)) insert.run(destination, row.source, row.messageId, now, now);
  };
};

/** The PostgreSQL twin of {@link sqliteOutboxWrite}: one INSERT for the whole write. */
export const postgresOutboxWrite: PostgresDerivedFactory = (options) => {
  const rules = rulesOf(options);
  if (rules.length === 0) return undefined;
  return async (tx, inserted) => {
    const rows = matches(rules, inserted);
    if (rows.length === 0) return;
    const now = Date.now();
    // ORDER BY ordinality: ids follow the order events were stored.
    await tx`
      INSERT INTO deliveries (destination, source, message_id, event_timestamp, received_at, created_at, next_attempt_at)
      SELECT d, s, m, t, r, ${now}, ${now}
      FROM unnest(${rows.map(([name]) => name)}::text[], ${rows.map(([, row]) => toPgText(row.source))}::text[],
                  ${rows.map(([, row]) => toPgText(row.messageId))}::text[], ${rows.map(([, row]) => row.timestamp)}::timestamptz[],
                  ${rows.map(([, row]) => row.receivedAt)}::timestamptz[]) WITH ORDINALITY AS u(d, s, m, t, r, n)
      ORDER BY n`;
  };
};
