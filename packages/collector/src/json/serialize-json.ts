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
  if (!sortKeys) {
    // Fast path (several times faster on ordinary events); only absurd nesting overflows it.
    try {
      return JSON.stringify(value) ?? 'null';
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
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

function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function primitiveJson(value: unknown): string {
  if (typeof value === 'bigint') throw new TypeError('a BigInt is not JSON');
  // Strings, finite/non-finite numbers, booleans and null: the native encoder is exact.
  return JSON.stringify(value) ?? 'null';
}
