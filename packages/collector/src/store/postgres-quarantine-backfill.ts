import type postgres from 'postgres';
import { toPgJson } from './postgres-pack.js';
import { pgIdList } from './postgres-write.js';
import { quarantineDedupKey } from './quarantine-dedup-key.js';
import { quarantineSubjects } from './quarantine-subjects.js';

/** Rows read and updated per statement: a bounded page of raw texts in memory at a time. */
const PAGE = 500;

/**
 * Schema version 7's backfill (as SQLite's 9): every quarantine row gets the ids erasure now
 * matches (quarantine-subjects.ts: at any depth, in arrays, in double-encoded events) and,
 * where it had a dedup key, the one that tells a different event reusing a messageId from a
 * resend (quarantine-dedup-key.ts). The collector's own readers, which SQL cannot express:
 * the rows are read and written back in pages of PAGE, by id, inside the migration's
 * transaction. Rows quarantined before version 2 have no dedup key and keep none.
 *
 * @example
 * await backfillQuarantineColumns(tx);
 */
export async function backfillQuarantineColumns(tx: postgres.TransactionSql): Promise<void> {
  let after = '0';
  for (;;) {
    const rows = await tx<{ id: string; message_id: string | null; raw: string; dedup_key: string | null }[]>`
      SELECT id::text AS id, message_id, raw, dedup_key FROM quarantine
      WHERE quarantine.id > ${after}::bigint ORDER BY quarantine.id LIMIT ${PAGE}`;
    if (rows.length === 0) return;
    const page = rows.map((row) => {
      const ids = quarantineSubjects(row.raw);
      return {
        id: row.id,
        user_id: ids.userId,
        anonymous_id: ids.anonymousId,
        previous_id: ids.previousId,
        other_ids: pgIdList(ids.otherIds),
        dedup_key: row.dedup_key === null ? null : quarantineDedupKey({ messageId: row.message_id, raw: row.raw }),
      };
    });
    // Ids decoded from escapes may hold what PostgreSQL text refuses: stored as the writes store them.
    const json = toPgJson(page);
    await tx`
      UPDATE quarantine q SET user_id = v.user_id, anonymous_id = v.anonymous_id, previous_id = v.previous_id,
          other_ids = CASE WHEN v.other_ids IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(v.other_ids::json)) END,
          dedup_key = v.dedup_key
        FROM json_to_recordset(${json}::text::json)
          AS v(id bigint, user_id text, anonymous_id text, previous_id text, other_ids text, dedup_key text)
        WHERE q.id = v.id`;
    after = rows[rows.length - 1]?.id ?? after;
  }
}
