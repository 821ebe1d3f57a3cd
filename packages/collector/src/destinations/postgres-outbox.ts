import postgres from 'postgres';
import { toPgText } from '../store/postgres-pack.js';
import type { Outbox } from './outbox.js';
import { runStep, toCounts, type CountsRow, type QueueRow, type StepStore } from './outbox-step.js';

/** First half of the per-destination advisory lock (the DDL lock is 1128352082). */
export const POSTGRES_DESTINATION_LOCK = 1128352083;

/**
 * The outbox on PostgreSQL, with a small pool of its own (one connection per destination
 * working at once). A step runs in one transaction holding a transaction-level advisory lock on
 * (schema, destination): with several collectors on one database, one of them works a
 * destination at a time (the others skip it), so each delivery is sent by one instance at a
 * time and in order; a collector killed mid-send releases the lock with its connection, and
 * the unsettled batch is sent again (at least once).
 *
 * @example
 * const outbox = createPostgresOutbox({ url: process.env.DATABASE_URL, connections: 3 });
 */
export function createPostgresOutbox(options: { url: string; schema?: string; connections: number }): Outbox {
  const sql = postgres(options.url, {
    max: Math.max(2, options.connections),
    connect_timeout: 10,
    onnotice: () => {},
    ...(options.schema === undefined ? {} : { connection: { search_path: options.schema } }),
  });
  const steps = (tx: postgres.TransactionSql): StepStore => ({
    head: async (destination, limit) => {
      const rows = await tx<(Omit<QueueRow, 'id' | 'createdAt' | 'nextAttemptAt'> & { id: string; createdAt: string; nextAttemptAt: string })[]>`
        SELECT d.id, d.kind, d.source, d.message_id AS "messageId", d.user_id AS "userId", d.anonymous_id AS "anonymousId",
               d.attempts, d.created_at AS "createdAt", d.next_attempt_at AS "nextAttemptAt", coalesce(e.normalized, e.raw) AS body
        FROM (SELECT * FROM deliveries WHERE destination = ${destination} AND state = 'pending' ORDER BY id LIMIT ${limit}) d
        LEFT JOIN events e ON d.kind = 'event' AND e.source = d.source AND e.timestamp = d.event_timestamp
          AND e.message_id = d.message_id AND e.received_at = d.received_at
        ORDER BY d.id`;
      return rows.map((row) => ({ ...row, id: Number(row.id), createdAt: Number(row.createdAt), nextAttemptAt: Number(row.nextAttemptAt) }));
    },
    remove: async (ids) => {
      await tx`DELETE FROM deliveries WHERE id = ANY(${ids}::bigint[])`;
    },
    delivered: async (destination, ids) => {
      await tx`DELETE FROM deliveries WHERE id = ANY(${ids}::bigint[])`;
      await count(tx, destination, ids.length, 0, null, null);
    },
    failed: async (destination, ids, failure) => {
      const error = toPgText(failure.error);
      await count(tx, destination, 0, ids.length, error, failure.at);
      if (failure.permanent) {
        return (await tx`UPDATE deliveries SET state = 'dead', attempts = attempts + 1, last_error = ${error} WHERE id = ANY(${ids}::bigint[])`).count;
      }
      await tx`UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ${failure.retryAt}, last_error = ${error}
               WHERE id = ANY(${ids}::bigint[])`;
      return (await tx`UPDATE deliveries SET state = 'dead'
                       WHERE destination = ${destination} AND state = 'pending' AND created_at < ${failure.deadBefore}`).count;
    },
  });
  const count = async (tx: postgres.TransactionSql, destination: string, delivered: number, failed: number, error: string | null, at: number | null) => {
    await tx`
      INSERT INTO destination_stats (destination, delivered, failed, last_error, last_error_at)
      VALUES (${destination}, ${delivered}, ${failed}, ${error}, ${at})
      ON CONFLICT (destination) DO UPDATE SET delivered = destination_stats.delivered + excluded.delivered,
        failed = destination_stats.failed + excluded.failed,
        last_error = coalesce(excluded.last_error, destination_stats.last_error),
        last_error_at = CASE WHEN excluded.last_error IS NULL THEN destination_stats.last_error_at ELSE excluded.last_error_at END`;
  };

  return {
    step: async (destination, stepOptions, send) =>
      (await sql.begin(async (tx) => {
        const [lock] = await tx<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${POSTGRES_DESTINATION_LOCK}, hashtext(current_schema() || '/' || ${destination})) AS locked`;
        if (!lock?.locked) return { busy: true, sent: 0, delivered: 0, retried: 0, deadLettered: 0, orphaned: 0 };
        return runStep(steps(tx), destination, stepOptions, send);
      })) as Awaited<ReturnType<Outbox['step']>>,
    counts: async (destinations, now) => {
      const rows = await sql<CountsRow[]>`
        SELECT n.destination,
          (SELECT count(*) FROM deliveries WHERE destination = n.destination AND state = 'pending') AS pending,
          (SELECT count(*) FROM deliveries WHERE destination = n.destination AND state = 'dead') AS dead,
          (SELECT min(created_at) FROM deliveries WHERE destination = n.destination AND state = 'pending') AS oldest,
          s.delivered, s.failed, s.last_error, s.last_error_at
        FROM unnest(${destinations as string[]}::text[]) AS n(destination)
        LEFT JOIN destination_stats s ON s.destination = n.destination`;
      return toCounts(destinations, rows, now);
    },
    replayDeadLetters: async (destination, now) =>
      (await sql`UPDATE deliveries SET state = 'pending', attempts = 0, created_at = ${now}, next_attempt_at = ${now}
                 WHERE destination = ${destination} AND state = 'dead'`).count,
    erase: async (subject, deletions, now) => {
      const source = subject.source === undefined ? null : toPgText(subject.source);
      const userId = subject.userId ? toPgText(subject.userId) : null;
      const anonymousId = subject.anonymousId ? toPgText(subject.anonymousId) : null;
      return (await sql.begin(async (tx) => {
        const removed = await tx`
          DELETE FROM deliveries d USING events e
          WHERE d.kind = 'event' AND d.state IN ('pending', 'dead') AND e.source = d.source AND e.message_id = d.message_id
            AND (e.user_id = ${userId} OR e.anonymous_id = ${anonymousId}) AND (${source}::text IS NULL OR e.source = ${source})`;
        for (const { destination, messageId } of deletions) {
          await tx`INSERT INTO deliveries (destination, kind, source, message_id, user_id, anonymous_id, created_at, next_attempt_at)
                   VALUES (${destination}, 'erase', ${source}, ${messageId}, ${userId}, ${anonymousId}, ${now}, ${now})`;
        }
        return removed.count;
      })) as number;
    },
    close: async () => {
      await sql.end({ timeout: 5 });
    },
  };
}
