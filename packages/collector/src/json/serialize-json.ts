type Work = { literal: string } | { value: unknown };

/**
 * JSON text of a parsed JSON value, byte-for-byte what `JSON.stringify` gives, but without
 * recursion: `JSON.parse` in V8 accepts any nesting a 500 KiB body can hold, while
 * `JSON.stringify` overflows the stack around ten thousand levels. An attacker's
 * `[[[[…]]]]` must end in quarantine, not in a 500.
 *
 * `sortKeys` orders object keys (code-unit order) for a canonical form to hash.
 *
 * @example
 * serializeJson({ b: 1, a: [true, null] }) // '{"b":1,"a":[true,null]}'
 * serializeJson({ b: 1, a: 2 }, { sortKeys: true }) // '{"a":2,"b":1}'
 */
export function serializeJson(value: unknown, options?: { sortKeys?: boolean }): string {
  // No `= {}` default: that would allocate an object on every call, i.e. per event ingested.
  const sortKeys = options?.sortKeys === true;
  // Fast paths (several times faster on ordinary events); only absurd nesting overflows them.
  try {
    return sortKeys ? sortedJson(value) : (JSON.stringify(value) ?? 'null');
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const out: string[] = [];
  const work: Work[] = [{ value }];
  while (work.length > 0) {
    const item = work.pop() as Work;
    if ('literal' in item) {
      out.push(item.literal);
      continue;
    }
    const current = item.value;
    if (Array.isArray(current)) {
      // Pushed in reverse: the work list is a stack.
      work.push({ literal: ']' });
      for (let i = current.length - 1; i >= 0; i--) {
        const element: unknown = current[i];
        work.push({ value: isSkipped(element) ? null : element });
        if (i > 0) work.push({ literal: ',' });
      }
      work.push({ literal: '[' });
    } else if (current !== null && typeof current === 'object') {
      const record = current as Record<string, unknown>;
      const keys = Object.keys(record).filter((key) => !isSkipped(record[key]));
      if (sortKeys) keys.sort();
      work.push({ literal: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        work.push({ value: record[key] });
        work.push({ literal: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
      work.push({ literal: '{' });
    } else {
      out.push(primitiveJson(current));
    }
  }
  return out.join('');
}

/** Deeper than this, the sorted fast path hands over to the work list (no stack overflow). */
const MAX_RECURSION = 1_000;

/**
 * The sorted-keys form, fast: one pass finds the objects whose keys are out of order and
 * their ancestors ("unsorted" nodes); everything else is already canonical and is written by
 * the native `JSON.stringify`. A 500 KiB body of 170,000 empty objects costs a few ms, not
 * the quarter second of building it through the work list (a /healthz stall per request).
 * Throws RangeError past MAX_RECURSION levels.
 */
function sortedJson(value: unknown): string {
  const unsorted = new Set<object>();
  findUnsorted(value, unsorted, 0);
  return unsorted.size === 0 ? (JSON.stringify(value) ?? 'null') : writeSorted(value, unsorted, 0);
}

/** True when `value` or something in it has keys out of code-unit order (recorded in `unsorted`). */
function findUnsorted(value: unknown, unsorted: Set<object>, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_RECURSION) throw new RangeError('nested too deeply for the fast path');
  let found = false;
  if (Array.isArray(value)) {
    for (const element of value) if (findUnsorted(element, unsorted, depth + 1)) found = true;
  } else {
    let previous: string | undefined;
    // Object.keys order puts integer-like keys first, numerically: "10" after "9" counts as
    // out of order here, which only sends the object the slow way.
    for (const key of Object.keys(value)) {
      if (previous !== undefined && previous > key) found = true;
      previous = key;
      if (findUnsorted((value as Record<string, unknown>)[key], unsorted, depth + 1)) found = true;
    }
  }
  if (found) unsorted.add(value);
  return found;
}

function writeSorted(value: unknown, unsorted: Set<object>, depth: number): string {
  if (value === null || typeof value !== 'object' || !unsorted.has(value)) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      out += `${i > 0 ? ',' : ''}${isSkipped(element) ? 'null' : writeSorted(element, unsorted, depth + 1)}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    if (isSkipped(record[key])) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${writeSorted(record[key], unsorted, depth + 1)}`;
  }
  return `${out}}`;
}

function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function primitiveJson(value: unknown): string {
  if (typeof value === 'bigint') throw new TypeError('a BigInt is not JSON');
  // Strings, finite/non-finite numbers, booleans and null: the native encoder is exact.
  return JSON.stringify(value) ?? 'null';
}
