import { CROCKFORD, ulidTime } from '../core/ulid-time.js';

/**
 * A monotonic ULID generator (48-bit ms time + 80 random bits, Crockford base32). Within one
 * millisecond the random part is incremented instead of redrawn, so one page's ids sort in
 * the order they were made: the IndexedDB queue relies on that to send events in order.
 * Ours rather than the `ulid` package's monotonicFactory, which would add ~735 bytes gzip to
 * dist/cairn.js (its error classes and validation come along).
 *
 * @example
 * const ulid = createUlid();
 * ulid(); // '01JD3Q7X9K2M4N6P8R0S2T4V6W'
 */
export function createUlid(
  clock: () => number = Date.now,
  fill: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): () => string {
  let last = -1;
  let time = '';
  let digits: number[] = [];
  let id = '';
  return () => {
    const now = clock();
    // The first random digit that changed: all of them in a new ms, mostly the last one else.
    let i = 16;
    if (now > last) {
      time = ulidTime((last = now));
      // 256 is a multiple of 32: masking keeps every digit uniform.
      digits = Array.from(fill(new Uint8Array(16)), (byte) => byte & 31);
      i = 0;
    } else {
      // Same ms, or the clock stepped back: keep the last time and count up, with carry.
      while (i-- && !(digits[i] = (digits[i]! + 1) & 31));
    }
    // Only the changed tail is rebuilt: a burst of track() calls mostly shares the ms, and
    // 16 concatenations per id were a tenth of track()'s cost. (i is -1 if all 16 wrapped.)
    id = i > 0 ? id.slice(0, 10 + i) : time;
    for (i = i > 0 ? i : 0; i < 16; i++) id += CROCKFORD[digits[i]!];
    return id;
  };
}
