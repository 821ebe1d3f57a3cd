import { stringEnd } from './string-end.js';
import { OPEN_BRACE, OPEN_BRACKET, QUOTE } from './json-chars.js';

/**
 * How many objects and arrays `JSON.parse(text)` would build, counted on the text (the
 * brackets outside strings), stopping once past `stopAfter`.
 *
 * Why: what a parsed body costs depends on how many values it holds more than on its bytes.
 * 500 KiB of `[{},{},…]` is 170,000 objects: tens of MB of heap and a garbage collection
 * that holds the thread for 100 ms or more, while the same bytes as event data are a few
 * thousand values. Counting first lets the collector refuse such a body unparsed.
 * On text that is not JSON the count is still bounded by the text's length.
 *
 * @example
 * countContainers('{"batch":[{"a":"[{"},{}]}') // 4
 */
export function countContainers(text: string, stopAfter = Number.POSITIVE_INFINITY): number {
  let count = 0;
  let i = 0;
  for (;;) {
    // Jump from one bracket or quote to the next: most of a body is string content.
    const next = nextSpecial(text, i);
    if (next < 0) return count;
    const c = text.charCodeAt(next);
    if (c === QUOTE) {
      i = stringEnd(text, next);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      count++;
      if (count > stopAfter) return count;
    }
    i = next + 1;
  }
}

function nextSpecial(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET) return i;
  }
  return -1;
}
