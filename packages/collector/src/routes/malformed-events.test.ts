import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchResponse } from '@cairn/protocol';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';

// Property-based, with a seeded generator (no dependency, reproducible): random events made
// of valid parts and hostile ones, through the full rules and a quarantine-mode plan.
let t: TestCollector;
beforeAll(() => {
  t = createTestCollector({ plan: compileTrackingPlan(shopPlan({ mode: 'quarantine' })) });
});
afterAll(async () => {
  await t.dispose();
});

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const deepObject = (depth: number): unknown => (depth === 0 ? 1 : { a: deepObject(depth - 1) });
const HOSTILE: unknown[] = [
  null, true, 0, -1e308, 1e21, '', 'x'.repeat(9000), 'x'.repeat(40_000), '\u0000', '\ud800', 'ok\udfffok', [], [[[]]], {},
  deepObject(30), JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: { polluted: 1 } } },
  Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])), '2024-02-30T00:00:00Z', 'yesterday', 1717243200,
  '1717243200000', 99999999999999, 'EUR', 'XBT', 'add to cart', 'Product Added',
];
const FIELDS = ['type', 'event', 'name', 'messageId', 'userId', 'anonymousId', 'groupId', 'previousId', 'timestamp', 'originalTimestamp', 'sentAt', 'properties', 'traits', 'context'];
const TYPES = ['track', 'page', 'identify', 'group', 'alias', 'screen', 'bogus'];

function randomEvent(random: () => number, n: number): unknown {
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  if (random() < 0.05) return pick(HOSTILE);
  const event: Record<string, unknown> = {
    type: pick(TYPES),
    event: pick(['add to cart', 'Product Added', 'Order Completed', 'Unknown Thing']),
    messageId: random() < 0.2 ? `dup-${n % 7}` : `m-${n}`,
    anonymousId: 'anon-1',
    userId: 'u1',
    groupId: 'g1',
    previousId: 'anon-0',
    timestamp: pick(['2024-06-01T12:00:00Z', 1717243200, '2024-06-01T14:00:00+02:00']),
    properties: { product_id: 'p1', price: 10, currency: pick(['USD', 'EUR', 'XBT']), products: [{ product_id: 'p2', price: 5 }] },
  };
  for (let i = Math.floor(random() * 4); i > 0; i--) {
    const field = pick(FIELDS);
    const value = pick(HOSTILE);
    const properties = event.properties;
    if (random() < 0.5 || typeof properties !== 'object' || properties === null || Array.isArray(properties)) event[field] = value;
    else (properties as Record<string, unknown>)[pick(['price', 'currency', 'products', 'quantity', 'nested'])] = value;
  }
  return event;
}

describe('malformed events through every rule', () => {
  it('never answers 5xx and stores or quarantines every event of 150 random batches', async () => {
    const random = mulberry32(20240601);
    let n = 0;
    for (let round = 0; round < 150; round++) {
      const batch = Array.from({ length: 1 + Math.floor(random() * 12) }, () => randomEvent(random, n++));
      const before = t.rows('SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM quarantine) AS quarantine')[0];
      const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, sentAt: '2024-06-01T12:00:05Z', batch });
      expect(res.status, `round ${round}`).toBe(200);
      const body = (await res.json()) as BatchResponse;
      expect(body.accepted + body.duplicates + body.rejected.length).toBe(batch.length);
      const ids = [...new Set(body.rejected.map((r) => r.messageId))];
      const after = t.rows(
        `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM quarantine) AS quarantine,
                (SELECT count(*) FROM json_each(?) WHERE value IN (SELECT message_id FROM quarantine)) AS kept`,
        JSON.stringify(ids),
      )[0];
      expect(Number(after?.events) - Number(before?.events)).toBe(body.accepted);
      // A rejected event already quarantined (same messageId, or same content without one) adds no row.
      expect(Number(after?.quarantine) - Number(before?.quarantine)).toBeLessThanOrEqual(body.rejected.length);
      expect(after?.kept, `round ${round}: every rejected event is in quarantine`).toBe(ids.length);
      for (const rejected of body.rejected) expect(rejected.message.length).toBeGreaterThan(0);
    }
    expect(t.rows("SELECT count(*) AS n FROM quarantine WHERE reason = '' OR code = ''")).toEqual([{ n: 0 }]);
    expect(t.logs.filter((log) => log.level === 'error')).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 60_000);

  it.each([
    ['not JSON', 'batch=1'],
    ['invalid UTF-8 inside a string', new Uint8Array([...new TextEncoder().encode(`{"writeKey":"${TEST_WRITE_KEY}","batch":[{"type":"track","event":"`), 0xff, 0xfe, ...new TextEncoder().encode('"}]}')])],
    ['a truncated body', `{"writeKey":"${TEST_WRITE_KEY}","batch":[{"type":"track"`],
    ['an event over 32 KiB beside a good one', JSON.stringify({ writeKey: TEST_WRITE_KEY, batch: [{ type: 'page', messageId: 'big', properties: { blob: 'x'.repeat(33_000) } }, { type: 'page', messageId: 'small' }] })],
  ])('answers %s without a 5xx', async (_label, body) => {
    const res = await t.post('/v1/batch', body);
    expect(res.status).toBeLessThan(500);
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status === 200) expect(json).toMatchObject({ accepted: 1, rejected: [{ messageId: 'big', code: 'event_too_large' }] });
    else expect(json).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } });
  });
});
