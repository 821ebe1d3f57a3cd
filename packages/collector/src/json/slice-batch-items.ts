import { stringEnd } from './string-end.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './json-chars.js';

/**
 * The source text of each element of the top-level `batch` array of a JSON object, as sent
 * (the last `batch` key, as `JSON.parse` keeps the last), or undefined when `batch` is absent
 * or not an array. `text` must be JSON that `JSON.parse` accepted: nothing is validated here.
 *
 * Why: each event's `raw` column is its JSON text. Slicing the body costs one pass over its
 * characters, without allocation; serializing every parsed event again cost about a tenth of
 * the request thread's time per ingest request (docs/benchmarks.md). The slice is the event
 * exactly as the client wrote it (its whitespace, escapes and number spelling included).
 * Loops, no recursion: any nesting `JSON.parse` accepted is scanned.
 *
 * With `maxItems`, the scan stops at the first `batch` array (any of them, not only the last)
 * holding more than `maxItems` elements and returns its first `maxItems + 1`: the caller can
 * refuse an oversized batch before `JSON.parse` builds its items. On text that is not JSON the
 * scan still ends (each step moves forward), with a result that means nothing.
 *
 * @example
 * sliceBatchItems('{"writeKey":"k","batch":[{"event":"A"}, {"event":"B"}]}') // ['{"event":"A"}', '{"event":"B"}']
 * sliceBatchItems('{"batch":[0,0,0]}', 1)?.length // 2: over the limit
 */
export function sliceBatchItems(text: string, maxItems = Number.POSITIVE_INFINITY): string[] | undefined {
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i++;
  let items: string[] | undefined;
  for (;;) {
    i = skipWhitespace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE || Number.isNaN(c)) return items;
    if (c === COMMA) {
      i++;
      continue;
    }
    const keyEnd = stringEnd(text, i);
    const key = text.slice(i, keyEnd);
    // A key written with escapes ("b\u0061tch") is still `batch` to JSON.parse.
    const isBatch = key === '"batch"' || (key.includes('\\') && JSON.parse(key) === 'batch');
    i = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    if (isBatch) {
      items = text.charCodeAt(i) === OPEN_BRACKET ? [] : undefined;
      if (items) {
        i = sliceArray(text, i, items, maxItems);
        if (items.length > maxItems) return items;
      } else i = valueEnd(text, i);
    } else {
      i = valueEnd(text, i);
    }
  }
}

/**
 * Pushes each element's text of the array opening at `i`; returns the index after it, or
 * stops once `items` holds more than `maxItems`.
 */
function sliceArray(text: string, i: number, items: string[], maxItems: number): number {
  i++;
  for (;;) {
    i = skipWhitespace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return i + 1;
    if (Number.isNaN(c)) return i;
    if (c === COMMA) {
      i++;
      continue;
    }
    const end = valueEnd(text, i);
    if (items.push(text.slice(i, end)) > maxItems) return end;
    i = end;
  }
}

/** Index just after the value starting at `i`. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return compositeEnd(text, i);
  // A number, true, false or null: runs to the next delimiter or whitespace.
  let j = i + 1;
  for (;;) {
    const d = text.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d <= 0x20 || Number.isNaN(d)) return j;
    j++;
  }
}

/** Index just after the object or array opening at `i` (depth counted, strings skipped). */
function compositeEnd(text: string, i: number): number {
  let depth = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    // Past the end (text that JSON.parse would have refused): stop rather than loop.
    if (Number.isNaN(c)) return i;
    if (c === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
}

function skipWhitespace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return i;
}
