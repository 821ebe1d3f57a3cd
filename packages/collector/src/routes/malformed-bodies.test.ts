import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
beforeAll(() => {
  t = createTestCollector();
});
afterAll(async () => {
  await t.dispose();
});

const key = JSON.stringify(TEST_WRITE_KEY);
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

// Bodies an attacker or a broken client might send; none may cause a 500.
const BODIES: [string, string][] = [
  ['null', 'null'],
  ['a number', '42'],
  ['a string', '"batch"'],
  ['true', 'true'],
  ['an array of numbers', '[1,2,3]'],
  ['an empty object', '{}'],
  ['batch: null', `{"writeKey":${key},"batch":null}`],
  ['batch: object', `{"writeKey":${key},"batch":{}}`],
  ['writeKey: object', '{"writeKey":{"toString":"x"},"batch":[]}'],
  ['writeKey: array', '{"writeKey":["a"],"batch":[]}'],
  ['__proto__ holding the batch', `{"__proto__":{"batch":[],"writeKey":${key}}}`],
  ['__proto__ as the key', `{"writeKey":${key},"__proto__":{"writeKey":"x"},"batch":[]}`],
  ['__proto__ events', `{"writeKey":${key},"batch":[{"__proto__":{"type":"track","event":"x"}},{"type":"track","event":"e","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}]}`],
  ['null events', `{"writeKey":${key},"batch":[null,null]}`],
  ['nested arrays as events', `{"writeKey":${key},"batch":[[[]],[{"type":"track"}]]}`],
  ['a very deep array as an event', `{"writeKey":${key},"batch":[${deepArray(100_000)}]}`],
  ['a very deep object as an event', `{"writeKey":${key},"batch":[${deepObject(40_000)}]}`],
  ['deep properties under the event limit', `{"writeKey":${key},"batch":[{"type":"track","event":"deep","messageId":"deep","properties":${deepArray(15_000)}}]}`],
  ['a very deep body', deepArray(200_000)],
  ['a huge string event name', `{"writeKey":${key},"batch":[{"type":"track","event":"${'x'.repeat(400_000)}"}]}`],
  ['a huge key', `{"writeKey":${key},"batch":[{"${'k'.repeat(100_000)}":1}]}`],
  ['lone surrogates and NUL', `{"writeKey":${key},"batch":[{"type":"track","event":"\\ud800\\u0000","messageId":"\\udfff","userId":"\\ud83d"}]}`],
  ['numbers out of range', `{"writeKey":${key},"sentAt":1e400,"batch":[{"type":"track","event":"n","timestamp":-1e400,"properties":{"v":1e400}}]}`],
  ['timestamps of every wrong type', `{"writeKey":${key},"sentAt":{},"batch":[{"type":"page","timestamp":[]},{"type":"page","originalTimestamp":{}},{"type":"page","timestamp":"2024-02-30T00:00:00Z"},{"type":"page","timestamp":"9999-12-31T23:59:59Z","sentAt":"0000-01-01T00:00:00Z"}]}`],
  ['messageIds of every wrong type', `{"writeKey":${key},"batch":[{"type":"page","messageId":""},{"type":"page","messageId":{}},{"type":"page","messageId":"${'m'.repeat(300)}"},{"type":"page","messageId":true}]}`],
  ['duplicate keys', `{"writeKey":${key},"batch":[],"batch":[{"type":"page","messageId":"dup-key","messageId":"dup-key-2"}]}`],
  ['2,500 empty events', `{"writeKey":${key},"batch":[${Array.from({ length: 2500 }, () => '{}').join(',')}]}`],
  ['2,501 empty events', `{"writeKey":${key},"batch":[${Array.from({ length: 2501 }, () => '{}').join(',')}]}`],
  ['250,000 zeros', `{"writeKey":${key},"batch":[${Array.from({ length: 250_000 }, () => '0').join(',')}]}`],
  ['trailing garbage', `{"writeKey":${key},"batch":[]} trailing`],
  ['a BOM in the middle', `{"writeKey":${key},\uFEFF"batch":[]}`],
];

describe('malformed bodies', () => {
  it.each(BODIES)('never answers 500 for %s', async (_label, body) => {
    const res = await t.post('/v1/batch', body);
    expect([200, 400, 401, 413]).toContain(res.status);
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status === 200) {
      const { rejectedCount, ...rest } = json;
      expect(rest).toEqual({ accepted: expect.any(Number), duplicates: expect.any(Number), rejected: expect.any(Array) });
      // Present only when the rejected list was cut short.
      if (rejectedCount !== undefined) expect(rejectedCount).toBeGreaterThan((rest.rejected as unknown[]).length);
    } else {
      expect(json).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });

  it('logged no internal error and polluted no prototype', () => {
    expect(t.logs.filter((log) => log.level === 'error')).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('quarantines a deeply nested event verbatim, with its reason', () => {
    expect(t.rows("SELECT message_id FROM events WHERE message_id = 'deep'")).toHaveLength(0);
    const [row] = t.rows("SELECT code, reason, raw FROM quarantine WHERE message_id = 'deep'");
    expect(row?.code).toBe('invalid_event');
    expect(row?.reason).toBe('properties must be an object');
    expect(row?.raw).toBe(`{"type":"track","event":"deep","messageId":"deep","properties":${deepArray(15_000)}}`);
  });

  it('quarantines every event of a batch of empty objects', () => {
    // 5,000 identical events without a messageId share one content hash: one quarantine row.
    expect(t.rows("SELECT count(*) AS n FROM quarantine WHERE raw = '{}'")).toEqual([{ n: 1 }]);
  });
});
