import type { PostgresDerivedFactory, SqliteDerivedFactory, DerivedWritesOptions } from '../store/derived-writes.js';
import { toPgText } from '../store/postgres-pack.js';
import type { EventRow } from '../store/store.js';
import type { DestinationRules } from './destination-config.js';
import { onlyColumn, rangeOfColumns, restrict, toRange } from './delivery-ranges.js';
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
 * The outbox on SQLite: per matching destination, ONE `deliveries` row for the write
 * transaction, holding the rowid range of the events it takes (sqlite-migrations.ts v8), in
 * the events' transaction: a crash between store and forward loses nothing, and a resend is
 * not inserted, so it adds no delivery. One row per transaction instead of one per event keeps
 * the outbox off ingest's bill (docs/destinations.md, "Outbox").
 *
 * A rowid is reused only when the newest events were deleted (an erasure, retention deleting
 * everything): before a range that starts at or below a rowid some row still refers to is
 * written, those stale references are cut off, so a new event is never sent under an older
 * event's delivery (whose rules it may not match). The write is installed whenever rows are
 * left, even without destinations, for that reason.
 *
 * @example
 * createSqliteStore({ path, derived: { destinations: [{ name: 'crm' }] } });
 */
export const sqliteOutboxWrite: SqliteDerivedFactory = (db, options) => {
  const rules = rulesOf(options);
  // The highest rowid any row refers to. Only this write adds references (settling and erasure
  // only remove some), so it is tracked here; a rolled-back write leaves it too high, which
  // costs one needless look at the rows.
  let referenced = Number(db.prepare('SELECT coalesce(max(last_event), 0) FROM deliveries').pluck().get());
  if (rules.length === 0 && referenced === 0) return undefined;
  // id and seq from one max(id): seq is the queue order (see the migration).
  const insert = db.prepare(`
    INSERT INTO deliveries (id, seq, destination, first_event, last_event, only_events, created_at, next_attempt_at)
    SELECT n, n, ?, ?, ?, ?, ?, ? FROM (SELECT coalesce(max(id), 0) + 1 AS n FROM deliveries)`);
  const stale = db.prepare("SELECT id, first_event, last_event, only_events FROM deliveries WHERE kind = 'event' AND last_event >= ?").raw(true);
  const clip = db.prepare('UPDATE deliveries SET last_event = ?, only_events = ? WHERE id = ?');
  const drop = db.prepare('DELETE FROM deliveries WHERE id = ?');
  return (inserted, _duplicates, rowids) => {
    const lowest = rowids[0];
    if (lowest === undefined) return;
    if (lowest <= referenced) {
      for (const [id, first, last, only] of stale.all(lowest) as [number, number, number, string | null][]) {
        const left = restrict(rangeOfColumns(first, last, only), { below: lowest });
        if (left === undefined) drop.run(id);
        else clip.run(left.last, onlyColumn(left), id);
      }
    }
    referenced = Math.max(referenced, rowids[rowids.length - 1] ?? 0);
    if (rules.length === 0) return;
    const now = Date.now();
    for (const [destination, taken] of matchingRowids(rules, inserted, rowids)) {
      const range = toRange(taken);
      if (range) insert.run(destination, range.first, range.last, onlyColumn(range), now, now);
    }
  };
};

/** Per destination, the rowids of the inserted events it takes (ascending). */
function matchingRowids(rules: readonly DestinationRules[], inserted: readonly EventRow[], rowids: readonly number[]): Map<string, number[]> {
  const out = new Map<string, number[]>(rules.map((rule) => [rule.name, []]));
  inserted.forEach((row, index) => {
    let parsed: { value: Record<string, unknown> | undefined } | undefined;
    const event = () => (parsed ??= { value: parseEvent(row.raw) }).value;
    for (const rule of rules) if (matchesDestination(rule, row, event)) out.get(rule.name)?.push(rowids[index] as number);
  });
  return out;
}

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
