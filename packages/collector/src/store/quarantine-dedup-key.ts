import { createHash } from 'node:crypto';
import { stringEnd } from '../json/string-end.js';
import type { QuarantineRow } from './store.js';

/** Top-level fields a client rewrites on every send attempt (as derive-message-id.ts leaves out). */
const PER_ATTEMPT_FIELDS = new Set(['sentAt', 'writeKey']);

/**
 * The quarantine's dedup key within a source: the messageId with a hash of the event's text,
 * else (no messageId) a hash of the raw text, so a resent batch adds none of its rejected
 * rows again while a different event that reuses a messageId is kept too (it was dropped,
 * while the response told the client it was quarantined). The hash leaves out the top-level
 * `sentAt` and `writeKey` members: Segment's and RudderStack's browser libraries stamp each
 * event's own `sentAt` at every send, so a resend's text differs there and only there.
 *
 * @example
 * quarantineDedupKey({ messageId: 'm1', raw: '{"a":1,"sentAt":"…"}' }) // 'm:m1:' + sha256('{"a":1}')
 */
export function quarantineDedupKey(row: Pick<QuarantineRow, 'messageId' | 'raw'>): string {
  if (row.messageId !== null && row.messageId !== '') return `m:${row.messageId}:${sha256(eventIdentityText(row.raw))}`;
  return `h:${sha256(row.raw)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The raw text without its top-level per-attempt members (the text as is when it has none, or
 * is not a JSON object). Members are cut from the text as written, so nothing is re-serialized.
 *
 * @example
 * eventIdentityText('{"a":1, "sentAt":"x","b":2}') // '{"a":1,"b":2}'
 */
export function eventIdentityText(raw: string): string {
  const members = topLevelMembers(raw);
  if (members === undefined || !members.some((member) => PER_ATTEMPT_FIELDS.has(member.key))) return raw;
  return `{${members.filter((member) => !PER_ATTEMPT_FIELDS.has(member.key)).map((member) => member.text).join(',')}}`;
}

/** Each top-level member of a JSON object text (its key decoded, its text as written); undefined for other text. */
function topLevelMembers(text: string): { key: string; text: string }[] | undefined {
  const members: { key: string; text: string }[] = [];
  try {
    let i = skipSpace(text, 0);
    if (text[i] !== '{') return undefined;
    i = skipSpace(text, i + 1);
    if (text[i] === '}') return skipSpace(text, i + 1) === text.length ? members : undefined;
    for (;;) {
      if (text[i] !== '"') return undefined;
      const start = i;
      const keyEnd = stringEnd(text, i);
      const key = JSON.parse(text.slice(i, keyEnd)) as unknown;
      i = skipSpace(text, keyEnd);
      if (text[i] !== ':' || typeof key !== 'string') return undefined;
      const end = valueEnd(text, skipSpace(text, i + 1));
      members.push({ key, text: text.slice(start, end) });
      i = skipSpace(text, end);
      if (text[i] === '}') return skipSpace(text, i + 1) === text.length ? members : undefined;
      if (text[i] !== ',') return undefined;
      i = skipSpace(text, i + 1);
    }
  } catch {
    return undefined;
  }
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** Index just past the JSON value starting at `from` (text JSON.parse accepted is assumed). */
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
