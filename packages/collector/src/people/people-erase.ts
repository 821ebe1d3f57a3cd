import type Database from 'better-sqlite3';
import type postgres from 'postgres';
import type { ErasureSubject } from '../store/store.js';
import { anonymousPerson, userPerson } from './plan-people-writes.js';

/**
 * Erasure's share of the people tables (run inside the store's erase transaction): a userId
 * loses its person row (traits included) and every anonymousId linked to it; an anonymousId
 * loses its link, and its own person row if it was never linked. Done whatever `source` the
 * request names: people span sources, and an erasure errs on the side of forgetting.
 *
 * @example
 * const erasePeople = createSqlitePeopleErase(db);
 * erasePeople({ userId: 'u-42' });
 */
export function createSqlitePeopleErase(db: Database.Database): (subject: ErasureSubject) => void {
  const deleteLinksOf = db.prepare('DELETE FROM person_ids WHERE person_id = ?');
  const deleteLink = db.prepare('DELETE FROM person_ids WHERE anonymous_id = ?');
  const deletePerson = db.prepare('DELETE FROM people WHERE person_id = ?');
  return (subject) => {
    if (subject.userId) {
      deleteLinksOf.run(userPerson(subject.userId));
      deletePerson.run(userPerson(subject.userId));
    }
    if (subject.anonymousId) {
      deleteLink.run(subject.anonymousId);
      deletePerson.run(anonymousPerson(subject.anonymousId));
    }
  };
}

/** The PostgreSQL twin of {@link createSqlitePeopleErase}, on the erase transaction. */
export async function erasePostgresPeople(tx: postgres.TransactionSql, subject: { userId: string | null; anonymousId: string | null }): Promise<void> {
  const people = [subject.userId === null ? null : userPerson(subject.userId), subject.anonymousId === null ? null : anonymousPerson(subject.anonymousId)].filter(
    (id): id is string => id !== null,
  );
  await tx`DELETE FROM person_ids WHERE person_id = ANY(${people}::text[]) OR anonymous_id = ${subject.anonymousId}`;
  await tx`DELETE FROM people WHERE person_id = ANY(${people}::text[])`;
}
