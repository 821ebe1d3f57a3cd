import { stringEnd } from './string-end.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './json-chars.js';

/** The three ways an event names a person (Segment's `alias` links `previousId` to `userId`). */
export type IdKind = 'userId' | 'anonymousId' | 'previousId';

/** Keys whose values identify a person, and the kind each names: Segment's and snake_case. */
const ID_KEYS: ReadonlyMap<string, IdKind> = new Map([
  ['userId', 'userId'],
  ['user_id', 'userId'],
  ['anonymousId', 'anonymousId'],
  ['anonymous_id', 'anonymousId'],
  ['previousId', 'previousId'],
  ['previous_id', 'previousId'],
]);

/**
 * Most ids one text yields (distinct or not). A request holds at most 2,500 items: three ids
 * each is 7,500. Past it the scan stops (`truncated`), so a hostile text costs a bounded list.
 */
export const MAX_IDS_PER_TEXT = 10_000;

/** What {@link scanJsonIds} found. */
export interface JsonIds {
  /** Each value of a top-level `userId` / `anonymousId` / `previousId` member, in order, repeats included. */
  top: Record<IdKind, string[]>;
  /** Every other id: deeper, under snake_case keys, inside an id's object or array, or in a JSON string. */
  nested: string[];
  /** True when the scan stopped at MAX_IDS_PER_TEXT. */
  truncated: boolean;
}

/**
 * Every string or number the JSON text holds under an id key, at any depth, repeats included
 * (`JSON.parse` keeps only the last of repeated keys; SQLite's `json_extract` the first):
 * `userId: "a"`, `context.traits.user_id: "a"`, `userId: {"id": "a"}`, `userId: ["a"]`, and
 * in a string that holds JSON itself (a double-encoded event, `"{\"userId\":\"a\"}"`), which
 * is decoded once (not the strings inside it). Numbers as JavaScript prints them (`4.2e1` →
 * "42"), as the ingest reads an id. Undefined for text that is not JSON.
 *
 * Bounded: one `JSON.parse` to validate, then a loop (no recursion: any nesting `JSON.parse`
 * accepted is scanned) over the text and once more over each decoded JSON string, so at most
 * about twice the text's length; at most MAX_IDS_PER_TEXT ids.
 *
 * @example
 * scanJsonIds('{"userId":"a","userId":"b","context":{"user_id":7}}')
 * // { top: { userId: ['a', 'b'], anonymousId: [], previousId: [] }, nested: ['7'], truncated: false }
 */
export function scanJsonIds(text: string, maxIds = MAX_IDS_PER_TEXT): JsonIds | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  const found: JsonIds = { top: { userId: [], anonymousId: [], previousId: [] }, nested: [], truncated: false };
  scan(text, { found, left: maxIds }, true);
  return found;
}

interface Frame {
  object: boolean;
  /** The id kind every value inside this container counts as (it is an id key's value), if any. */
  under: IdKind | undefined;
  /** The id kind of the current member's key (objects). */
  key: IdKind | undefined;
  /** The current member's key is exactly `userId` / `anonymousId` / `previousId`. */
  exact: boolean;
}

interface Sink {
  found: JsonIds;
  left: number;
}

const NUMBER_CHAR = /[-+.eE0-9]/;

/** Scans JSON text `JSON.parse` accepted; `outer`: this is the row's own text (not a decoded string). */
function scan(text: string, sink: Sink, outer: boolean): void {
  const stack: Frame[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length && sink.left > 0) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      stack.push({ object: c === OPEN_BRACE, under: kindOfValue(stack), key: undefined, exact: false });
      expectKey = c === OPEN_BRACE;
      i++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === COMMA) {
      expectKey = stack.at(-1)?.object === true;
      i++;
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      const frame = stack.at(-1);
      if (expectKey && frame !== undefined) {
        const inner = text.slice(i + 1, end - 1);
        const key = inner.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : inner;
        frame.key = ID_KEYS.get(key);
        frame.exact = frame.key === key;
        expectKey = false;
      } else {
        const kind = kindOfValue(stack);
        if (kind !== undefined) {
          add(sink, kind, JSON.parse(text.slice(i, end)) as string, outer && isTopMember(stack));
        } else if (outer && looksLikeJson(text, i + 1)) {
          scanDecoded(JSON.parse(text.slice(i, end)) as string, sink);
        }
      }
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && NUMBER_CHAR.test(text[end] as string)) end++;
      const kind = kindOfValue(stack);
      const value = Number(text.slice(i, end));
      if (kind !== undefined && Number.isFinite(value)) add(sink, kind, String(value), outer && isTopMember(stack));
      i = end;
    } else {
      i++; // whitespace, ':', true / false / null
    }
  }
  if (sink.left <= 0) sink.found.truncated = true;
}

/** A string's content that is itself JSON (a double-encoded event): scanned once, its strings not decoded again. */
function scanDecoded(decoded: string, sink: Sink): void {
  try {
    JSON.parse(decoded);
  } catch {
    return;
  }
  scan(decoded, sink, false);
}

/** The id kind a value at this point counts as: its member's key, else its container's. */
function kindOfValue(stack: readonly Frame[]): IdKind | undefined {
  const frame = stack.at(-1);
  if (frame === undefined) return undefined;
  return (frame.object ? frame.key : undefined) ?? frame.under;
}

/** The value is a direct member of the top-level object, under an exact (camelCase) id key. */
function isTopMember(stack: readonly Frame[]): boolean {
  const frame = stack[0];
  return stack.length === 1 && frame !== undefined && frame.object && frame.exact;
}

/** The string starting at `from` (after its quote) opens with `{` or `[` (spaces allowed). */
function looksLikeJson(text: string, from: number): boolean {
  let i = from;
  while (text[i] === ' ') i++;
  return text[i] === '{' || text[i] === '[';
}

function add(sink: Sink, kind: IdKind, id: string, top: boolean): void {
  if (top) sink.found.top[kind].push(id);
  else sink.found.nested.push(id);
  sink.left--;
}
