import type postgres from 'postgres';
import { erasePostgresPeople } from '../people/people-erase.js';
import { toPgText } from './postgres-pack.js';
import type { ErasureSubject } from './store.js';

/**
 * Deletes the subject's events and quarantine rows in one transaction. Their `event_ids` rows
 * stay: they hold no personal data, and keeping them makes an SDK's late resend of an erased
 * event a duplicate instead of bringing it back.
 *
 * Quarantine keeps only the raw JSON, which may not even be JSON, and PostgreSQL's json
 * operators fail on a whole document holding `\u0000` anywhere; so the rows holding the id
 * as JSON text (raw is re-serialized with JSON.stringify escaping) are read and the match is
 * decided by JSON.parse, as the ingest reads ids (a number id matches its decimal text).
 *
 * @example
 * await eraseSubject(sql, { userId: 'u1' }) // { events: 12, quarantine: 1 }
 */
export async function eraseSubject(sql: postgres.Sql, subject: ErasureSubject): Promise<{ events: number; quarantine: number }> {
  const userId = subject.userId || null;
  const anonymousId = subject.anonymousId || null;
  // As the columns were written (U+0000 → U+FFFD); the JSON comparison below uses the ids as given.
  const source = subject.source === undefined ? null : toPgText(subject.source);
  const [userColumn, anonymousColumn] = [userId, anonymousId].map((id) => (id === null ? null : toPgText(id)));
  return sql.begin(async (tx) => {
    const events = await tx`
      DELETE FROM events WHERE (${source}::text IS NULL OR source = ${source})
        AND (user_id = ${userColumn ?? null} OR anonymous_id = ${anonymousColumn ?? null})`;
    const needles = [userId, anonymousId].flatMap((id) => (id === null ? [] : [JSON.stringify(id).slice(1, -1)]));
    const candidates = await tx<{ id: string; raw: string }[]>`
      SELECT id, raw FROM quarantine
      WHERE (${source}::text IS NULL OR source = ${source})
        AND EXISTS (SELECT 1 FROM unnest(${needles}::text[]) AS needle WHERE strpos(raw, needle) > 0)
      FOR UPDATE`;
    const doomed = candidates
      .filter(({ raw }) => {
        const doc = parseObject(raw);
        return doc !== undefined && ((userId !== null && idText(doc.userId) === userId) || (anonymousId !== null && idText(doc.anonymousId) === anonymousId));
      })
      .map(({ id }) => id);
    const quarantine = doomed.length === 0 ? { count: 0 } : await tx`DELETE FROM quarantine WHERE id = ANY(${doomed}::bigint[])`;
    await erasePostgresPeople(tx, { userId: userColumn ?? null, anonymousId: anonymousColumn ?? null });
    return { events: events.count, quarantine: quarantine.count };
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function idText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}
