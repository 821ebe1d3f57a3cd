import { createHash } from 'node:crypto';
import type { QuarantineRow } from './store.js';

/** The keys whose values identify a person (Segment's `alias` links `previousId` to `userId`). */
const ID_KEYS = ['userId', 'anonymousId', 'previousId'] as const;
type IdKey = (typeof ID_KEYS)[number];

/**
 * Who a quarantined event is about, as the columns erasure matches on. `userId`,
 * `anonymousId` and `previousId` are what `JSON.parse(raw)` reads (the last of repeated keys,
 * escapes decoded, a number as its JavaScript text: `42` → "42"); `otherIds` holds every other
 * value the raw text has under those keys (an earlier repeat of a key, which SQLite's
 * `json_extract` and other parsers read instead), so no reading of the event escapes erasure.
 */
export interface QuarantineSubjects {
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
  /** JSON array text of the other ids, or null when there are none (the common case). */
  otherIds: string | null;
}

/**
 * The ids of a quarantined row, read from the raw JSON it keeps (what the quarantine holds is
 * what erasure must find: a consent refusal keeps no ids, so it has none). Raw that is not a
 * JSON object has no ids.
 *
 * @example
 * quarantineSubjects('{"userId":"a","userId":"b\\/1","anonymousId":42}')
 * // { userId: 'b/1', anonymousId: '42', previousId: null, otherIds: '["a"]' }
 */
export function quarantineSubjects(raw: string): QuarantineSubjects {
  const found = scanTopLevelIds(raw);
  const last = (key: IdKey) => found?.[key].at(-1) ?? null;
  const subjects = { userId: last('userId'), anonymousId: last('anonymousId'), previousId: last('previousId') };
  const kept = new Set([subjects.userId, subjects.anonymousId, subjects.previousId]);
  const others = new Set<string>();
  if (found) for (const key of ID_KEYS) for (const id of found[key]) if (!kept.has(id)) others.add(id);
  return { ...subjects, otherIds: others.size === 0 ? null : JSON.stringify([...others]) };
}

/**
 * The quarantine's dedup key within a source: the messageId where there is one, else a hash
 * of the raw text, so a resent batch adds none of its rejected rows again.
 *
 * @example
 * quarantineDedupKey({ messageId: 'm1', … }) // 'm:m1'
 */
export function quarantineDedupKey(row: Pick<QuarantineRow, 'messageId' | 'raw'>): string {
  if (row.messageId !== null && row.messageId !== '') return `m:${row.messageId}`;
  return `h:${createHash('sha256').update(row.raw).digest('hex')}`;
}

/**
 * Every value of a top-level `userId` / `anonymousId` / `previousId` key of a JSON object
 * text, in order, repeats included; undefined when the text is not a JSON object. A scan, not
 * `JSON.parse`, because parsing keeps only the last of repeated keys.
 */
function scanTopLevelIds(text: string): Record<IdKey, string[]> | undefined {
  const found: Record<IdKey, string[]> = { userId: [], anonymousId: [], previousId: [] };
  try {
    let i = skipSpace(text, 0);
    if (text[i] !== '{') return undefined;
    i = skipSpace(text, i + 1);
    if (text[i] === '}') return found;
    for (;;) {
      if (text[i] !== '"') return undefined;
      const keyEnd = stringEnd(text, i);
      const key: unknown = JSON.parse(text.slice(i, keyEnd));
      i = skipSpace(text, keyEnd);
      if (text[i] !== ':') return undefined;
      const start = skipSpace(text, i + 1);
      const end = valueEnd(text, start);
      if (typeof key === 'string' && (ID_KEYS as readonly string[]).includes(key)) {
        const id = idText(JSON.parse(text.slice(start, end)));
        if (id !== undefined) found[key as IdKey].push(id);
      }
      i = skipSpace(text, end);
      if (text[i] === '}') return found;
      if (text[i] !== ',') return undefined;
      i = skipSpace(text, i + 1);
    }
  } catch {
    return undefined;
  }
}

/** An id as the ingest reads it (to-event-row): a string as is, a finite number as its text. */
function idText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** Index just past the string starting at `from` (a `"`); throws on an unterminated one. */
function stringEnd(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw new SyntaxError('unterminated string');
}

/** Index just past the JSON value starting at `from`; the slice is checked by JSON.parse where used. */
function valueEnd(text: string, from: number): number {
  const first = text[from];
  if (first === '"') return stringEnd(text, from);
  if (first !== '{' && first !== '[') {
    let i = from;
    while (i < text.length && /[-+.\w]/.test(text[i] as string)) i++;
    if (i === from) throw new SyntaxError('value expected');
    return i;
  }
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  throw new SyntaxError('unterminated value');
}
