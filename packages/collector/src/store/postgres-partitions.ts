import type postgres from 'postgres';
import { POSTGRES_DDL_LOCK } from './postgres-migrations.js';

const DAY_MS = 86_400_000;
/** Days created ahead of today, so midnight never waits for a CREATE TABLE. */
const DAYS_AHEAD = 2;
const PARTITION_NAME = /^events_(\d{4})(\d{2})(\d{2})$/;

interface Partition {
  name: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** A DETACH … CONCURRENTLY that did not finish. */
  pending: boolean;
}

/** The daily partitions of `events`: created on demand and ahead, dropped by retention. */
export interface EventPartitions {
  /** Makes sure the day of every `received_at` has its partition (and the next days exist). */
  ensureFor(receivedAts: readonly string[]): Promise<void>;
  /** Re-reads which partitions exist (another collector's retention may have dropped some). */
  reload(): Promise<void>;
  /** Drops every partition wholly before `cutoff`; returns how many rows they held. */
  dropBefore(cutoff: Date): Promise<number>;
}

/**
 * Keeps a cache of the days that have a partition, so a write normally costs one Set lookup;
 * a missing day is created through `cairn_ensure_event_partition`, which holds the schema's
 * advisory lock, so two collectors meeting a new day at once create it once.
 *
 * @example
 * const partitions = createEventPartitions(sql, Date.now);
 * await partitions.ensureFor(rows.map((row) => row.receivedAt));
 */
export function createEventPartitions(sql: postgres.Sql, now: () => number): EventPartitions {
  const known = new Set<string>();

  const list = async (db: postgres.Sql | postgres.ReservedSql = sql): Promise<Partition[]> => {
    const rows = await db<{ name: string; pending: boolean }[]>`
      SELECT c.relname AS name, i.inhdetachpending AS pending
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass`;
    return rows.flatMap(({ name, pending }) => {
      const match = PARTITION_NAME.exec(name);
      return match ? [{ name, pending, day: `${match[1]}-${match[2]}-${match[3]}` }] : [];
    });
  };
  const create = async (days: readonly string[]) => {
    await sql`SELECT cairn_ensure_event_partition(day::date) FROM unnest(${days as string[]}::text[]) AS day`;
    for (const day of days) known.add(day);
  };

  return {
    async ensureFor(receivedAts) {
      const missing = new Set<string>();
      const today = Math.floor(now() / DAY_MS) * DAY_MS;
      for (let ahead = 0; ahead <= DAYS_AHEAD; ahead++) {
        const day = dayOf(today + ahead * DAY_MS);
        if (!known.has(day)) missing.add(day);
      }
      for (const receivedAt of receivedAts) {
        const day = utcDay(receivedAt);
        if (day !== undefined && !known.has(day)) missing.add(day);
      }
      if (missing.size > 0) await create([...missing].sort());
    },
    async reload() {
      known.clear();
      for (const { day, pending } of await list()) if (!pending) known.add(day);
    },
    async dropBefore(cutoff) {
      // DROP TABLE on a partition locks the whole events table (ACCESS EXCLUSIVE): waiting
      // behind a long query, it would hold every insert back. DETACH … CONCURRENTLY takes a
      // lock inserts and queries never wait for, then waits for them itself; once detached, the
      // table is nobody's and goes at no cost. It cannot run in a transaction, so the schema's
      // advisory lock is taken at session level, on a connection of its own.
      const db = await sql.reserve();
      let dropped = 0;
      try {
        // DETACH … CONCURRENTLY waits for every transaction that may see the partition, and the
        // count reads a whole day: no write timeouts on this connection (RESET restores them).
        await db`SET lock_timeout = 0`;
        await db`SET statement_timeout = 0`;
        await db`SELECT pg_advisory_lock(${POSTGRES_DDL_LOCK}, hashtext(coalesce(current_schema(), current_setting('search_path'))))`;
        try {
          for (const partition of await list(db)) {
            const end = Date.parse(`${partition.day}T00:00:00Z`) + DAY_MS;
            if (end > cutoff.getTime()) continue;
            known.delete(partition.day);
            // A detach interrupted earlier (a crash between its two transactions) is finished.
            await (partition.pending
              ? db`ALTER TABLE events DETACH PARTITION ${db(partition.name)} FINALIZE`
              : db`ALTER TABLE events DETACH PARTITION ${db(partition.name)} CONCURRENTLY`);
            // Counted once detached: no insert can reach it any more, so the count is exact.
            const [counted] = await db<{ n: string }[]>`SELECT count(*) AS n FROM ${db(partition.name)}`;
            await db`DROP TABLE ${db(partition.name)}`;
            dropped += Number(counted?.n ?? 0);
          }
        } finally {
          await db`SELECT pg_advisory_unlock(${POSTGRES_DDL_LOCK}, hashtext(coalesce(current_schema(), current_setting('search_path'))))`;
        }
      } finally {
        await db`RESET lock_timeout`.catch(() => {});
        await db`RESET statement_timeout`.catch(() => {});
        db.release();
      }
      return dropped;
    },
  };
}

/** UTC day (`YYYY-MM-DD`) of an ISO time, or undefined if it is not one (the insert then fails). */
function utcDay(iso: string): string | undefined {
  // The collector's own times are `toISOString()` output: the date is the first 10 characters.
  if (iso.length === 24 && iso.endsWith('Z') && iso[10] === 'T') return iso.slice(0, 10);
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : dayOf(ms);
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
