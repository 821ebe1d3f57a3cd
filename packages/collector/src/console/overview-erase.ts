import type Database from 'better-sqlite3';
import type postgres from 'postgres';
import type { ErasureSubject } from '../store/store.js';

/**
 * Erasure's share of the overview rollup: `overview_people` keeps each user and anonymous id
 * seen per month (for the distinct-people counts), and an erased person must not stay there.
 * The counters keep no ids, so they stay. Runs in the store's erase, every source (people span
 * sources; an erasure errs on the side of forgetting).
 *
 * @example
 * const eraseOverview = createSqliteOverviewErase(db);
 * eraseOverview({ userId: 'u-42' });
 */
export function createSqliteOverviewErase(db: Database.Database): (subject: ErasureSubject) => void {
  const erase = db.prepare("DELETE FROM overview_people WHERE (kind = 'u' AND id = ?) OR (kind = 'a' AND id = ?)");
  return (subject) => {
    erase.run(subject.userId ?? null, subject.anonymousId ?? null);
  };
}

/** The PostgreSQL twin of {@link createSqliteOverviewErase}, on the erase transaction. */
export async function erasePostgresOverview(tx: postgres.TransactionSql, subject: { userId: string | null; anonymousId: string | null }): Promise<void> {
  await tx`DELETE FROM overview_people WHERE (kind = 'u' AND id = ${subject.userId}) OR (kind = 'a' AND id = ${subject.anonymousId})`;
}
