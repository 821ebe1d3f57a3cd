import { scanJsonIds, type IdKind } from '../json/scan-json-ids.js';

/**
 * Who a quarantined event is about, as the columns erasure matches on. `userId`,
 * `anonymousId` and `previousId` are what `JSON.parse(raw)` reads at the top level (the last
 * of repeated keys, escapes decoded, a number as its JavaScript text: `42` → "42");
 * `otherIds` holds every other id the raw text has (see scanJsonIds: an earlier repeat of a
 * key, which SQLite's `json_extract` and other parsers read instead; ids at any depth, under
 * snake_case keys, in an id's object or array, in a double-encoded event string), so no
 * reading of the event escapes erasure. Erasure matches `otherIds` by either id.
 */
export interface QuarantineSubjects {
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
  /** JSON array text of the other ids, or null when there are none (the common case). */
  otherIds: string | null;
}

const NONE: QuarantineSubjects = { userId: null, anonymousId: null, previousId: null, otherIds: null };

/**
 * The ids of a quarantined row, read from the raw JSON it keeps (what the quarantine holds is
 * what erasure must find: a consent refusal keeps no ids, so it has none). Raw that is not
 * JSON has no ids.
 *
 * @example
 * quarantineSubjects('{"userId":"a","userId":"b\\/1","anonymousId":42,"context":{"user_id":"c"}}')
 * // { userId: 'b/1', anonymousId: '42', previousId: null, otherIds: '["a","c"]' }
 */
export function quarantineSubjects(raw: string): QuarantineSubjects {
  const found = scanJsonIds(raw);
  if (found === undefined) return NONE;
  const last = (kind: IdKind) => found.top[kind].at(-1) ?? null;
  const subjects = { userId: last('userId'), anonymousId: last('anonymousId'), previousId: last('previousId') };
  const kept = new Set([subjects.userId, subjects.anonymousId, subjects.previousId]);
  const others = new Set<string>();
  for (const ids of [found.top.userId, found.top.anonymousId, found.top.previousId, found.nested]) {
    for (const id of ids) if (!kept.has(id)) others.add(id);
  }
  return { ...subjects, otherIds: others.size === 0 ? null : JSON.stringify([...others]) };
}
