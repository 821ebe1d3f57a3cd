import { describe, expect, it } from 'vitest';
import { serializeJson } from './serialize-json.js';
import { utf8Length } from './utf8-length.js';

describe('serializeJson', () => {
  it.each([
    null,
    0,
    -1.5e-7,
    1e21,
    'tab\t"quote" \u2028 \ud800 é',
    true,
    [],
    {},
    [1, 'a', null, [2, [3]], { b: 1 }],
    { z: 1, a: { y: [true, false], x: {} }, 10: 'int key first', '': 'empty', __proto__x: 1 },
    JSON.parse('{"__proto__":{"polluted":1},"constructor":1}'),
  ])('matches JSON.stringify for %j', (value) => {
    expect(serializeJson(value)).toBe(JSON.stringify(value));
  });

  it('drops undefined members like JSON.stringify', () => {
    const value = { a: undefined, b: [undefined, 1], c: () => 1 };
    expect(serializeJson(value)).toBe(JSON.stringify(value));
  });

  it('sorts keys at every level for a canonical form', () => {
    expect(serializeJson({ b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } }, { sortKeys: true })).toBe(
      '{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}',
    );
  });

  it.each([
    { b: 1, a: 2 },
    { a: 1, b: { d: [{ y: 1, x: 2 }, {}], c: 'é' } },
    { 10: 'a', 9: 'b', x: { 2: 1, 1: 2 } },
    [{ b: [] }, { a: {}, c: [{ z: null, y: [1, { q: 1, p: 2 }] }] }],
    JSON.parse('{"z":{"__proto__":{"b":1,"a":2}},"a":[]}'),
  ])('sorts keys like a reference canonical form for %j', (value) => {
    expect(serializeJson(value, { sortKeys: true })).toBe(referenceSorted(value));
  });

  it('sorts keys of nesting deeper than the fast path takes', () => {
    const deep = `${'{"b":1,"a":'.repeat(3_000)}0${'}'.repeat(3_000)}`;
    expect(serializeJson(JSON.parse(deep), { sortKeys: true })).toBe(`${'{"a":'.repeat(3_000)}0${',"b":1}'.repeat(3_000)}`);
  });

  it('serializes nesting far deeper than JSON.stringify can', () => {
    const text = '['.repeat(200_000) + ']'.repeat(200_000);
    const value: unknown = JSON.parse(text);
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(serializeJson(value)).toBe(text);
  });
});

/** Sorted keys by copying every object: obviously right, slow. */
function referenceSorted(value: unknown): string {
  const sortDeep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortDeep);
    if (v === null || typeof v !== 'object') return v;
    const record = v as Record<string, unknown>;
    // A Map keeps insertion order for integer-like keys too (a plain object would not).
    return new Map(Object.keys(record).sort().map((key) => [key, sortDeep(record[key])]));
  };
  const write = (v: unknown): string =>
    v instanceof Map
      ? `{${[...v].map(([key, item]) => `${JSON.stringify(key)}:${write(item)}`).join(',')}}`
      : Array.isArray(v)
        ? `[${v.map(write).join(',')}]`
        : JSON.stringify(v);
  return write(sortDeep(value));
}

describe('utf8Length', () => {
  it.each(['', 'ascii', 'é', '€', '😀', 'a\ud800b', '\udc00', 'mixed é € 😀 \ud83d'])('counts %j like TextEncoder', (text) => {
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});
