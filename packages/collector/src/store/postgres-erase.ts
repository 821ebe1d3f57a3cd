import postgres from 'postgres';
import { erasePostgresOverview } from '../console/overview-erase.js';
import { erasePostgresPeople } from '../people/people-erase.js';
import { toPgText } from './postgres-pack.js';
import type { ErasureSubject } from './store.js';

/** Quarantine ids per erasure statement: each one a bounded range scan of the primary key. */
const QUARANTINE_RANGE = 50_000;

/**
 * Deletes the subject's events and quarantine rows: events whose user_id or anonymous_id is
 * the subject's, or whose previous_id (an alias event) is either of its ids; quarantine rows
 * holding either id in one of their id columns (filled at ingest from the raw JSON as the
 * collector reads it, plus the values of repeated keys, see quarantine-subjects.ts).
 *
 * One statement per events partition (a day) and per range of quarantine ids, so no statement
 * runs long whatever the table size (the writer's `statement_timeout` holds) and writes go on
 * meanwhile. Not one transaction: an erasure interrupted half-way is finished by running it
 * again. Their `event_ids` rows stay: they hold no personal data, and keeping them makes an
 * SDK's late resend of an erased event a duplicate instead of bringing it back.
 *
 * @example
 * await eraseSubject(sql, { userId: 'u1' }) // { events: 12, quarantine: 1 }
 */
export async function eraseSubject(sql: postgres.Sql, subject: ErasureSubject): Promise<{ events: number; quarantine: number }> {
  // As the columns were written (U+0000 → U+FFFD).
  const source = subject.source === undefined ? null : toPgText(subject.source);
  const userId = subject.userId ? toPgText(subject.userId) : null;
  const anonymousId = subject.anonymousId ? toPgText(subject.anonymousId) : null;
  const ids = [userId, anonymousId].filter((id): id is string => id !== null);
  const matches = sql`(${source}::text IS NULL OR source = ${source})
    AND (user_id = ${userId} OR anonymous_id = ${anonymousId} OR previous_id = ANY(${ids}::text[]))`;
  // An alias row without previous_id was stored before schema v2 (not backfilled, to spare a
  // start-up scan of every partition): its raw JSON is read, every repeat of the key included.
  const legacyAlias = sql`(type = 'alias' AND previous_id IS NULL AND cairn_json_ids(raw, 'previousId') && ${ids}::text[])`;

  let events = 0;
  const partitions = await sql<{ name: string }[]>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'events'::regclass ORDER BY c.relname`;
  for (const { name } of partitions) {
    try {
      events += (await sql`DELETE FROM ${sql(name)} WHERE (${matches}) OR ((${source}::text IS NULL OR source = ${source}) AND ${legacyAlias})`).count;
    } catch (error) {
      // Retention dropped the day meanwhile: nothing left to erase there.
      if (!(error instanceof postgres.PostgresError && error.code === '42P01')) throw error;
    }
  }

  let quarantine = 0;
  const [bounds] = await sql<{ low: string | null; high: string | null }[]>`SELECT min(id) AS low, max(id) AS high FROM quarantine`;
  if (bounds?.low != null && bounds.high != null) {
    for (let low = BigInt(bounds.low) - 1n, high = BigInt(bounds.high); low < high; low += BigInt(QUARANTINE_RANGE)) {
      const upper = low + BigInt(QUARANTINE_RANGE);
      quarantine += (
        await sql`DELETE FROM quarantine WHERE id > ${low.toString()}::bigint AND id <= ${upper.toString()}::bigint
          AND (${matches} OR other_ids && ${ids}::text[])`
      ).count;
    }
  }
  // The person's links and rollup ids go last: an erasure interrupted before them is simply run again.
  await sql.begin(async (tx) => {
    await erasePostgresPeople(tx, { userId, anonymousId });
    await erasePostgresOverview(tx, { userId, anonymousId });
  });
  return { events, quarantine };
}
