import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_ITEMS, MAX_REJECTED_LISTED, MAX_REQUEST_OBJECTS, type BatchResponse, type ErrorBody } from '@cairn/protocol';
import { DEFAULT_STAGES } from '../ingest/default-stages.js';
import type { Stage } from '../ingest/stage.js';
import { basicAuth, createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const track = (id: string) => ({ type: 'track', event: 'Tiny', messageId: id, timestamp: '2024-06-01T12:00:00Z' });
const batchOf = (items: unknown[]) => JSON.stringify({ writeKey: TEST_WRITE_KEY, batch: items });

/** The default stages behind one that counts the events it saw (did the pipeline run?). */
function countingStages(): { stages: Stage[]; seen: { events: number } } {
  const seen = { events: 0 };
  const counter: Stage = {
    name: 'count',
    run: (draft) => {
      seen.events++;
      return draft;
    },
  };
  return { stages: [counter, ...DEFAULT_STAGES], seen };
}

async function count(table: 'events' | 'quarantine'): Promise<number> {
  return Number(t.rows(`SELECT count(*) AS n FROM ${table}`)[0]?.n);
}

describe('items per batch', () => {
  it(`stores a batch of exactly ${MAX_BATCH_ITEMS} events`, async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', batchOf(Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => track(`e${i}`))));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: MAX_BATCH_ITEMS, duplicates: 0, rejected: [] });
  });

  it('answers 413 batch_too_large one item over, before the pipeline or the store sees any', async () => {
    const { stages, seen } = countingStages();
    t = createTestCollector({ stages });
    const res = await t.post('/v1/batch', batchOf(Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => track(`e${i}`))));
    expect(res.status).toBe(413);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('batch_too_large');
    expect(body.error.message).toContain(String(MAX_BATCH_ITEMS));
    expect(seen.events).toBe(0);
    expect(await count('events')).toBe(0);
    expect(await count('quarantine')).toBe(0);
  });

  it('counts 250,000 zeros in 500 KiB (a gzip body too) and refuses them, key in the header or the body', async () => {
    t = createTestCollector();
    const zeros = `{"batch":[${Array.from({ length: 250_000 }, () => '0').join(',')}],"writeKey":"${TEST_WRITE_KEY}"}`;
    const plain = await t.post('/v1/batch', zeros);
    expect([plain.status, ((await plain.json()) as ErrorBody).error.code]).toEqual([413, 'batch_too_large']);
    const zipped = await t.post('/v1/batch', gzipSync(zeros), { headers: { 'content-encoding': 'gzip', authorization: basicAuth(TEST_WRITE_KEY) } });
    expect([zipped.status, ((await zipped.json()) as ErrorBody).error.code]).toEqual([413, 'batch_too_large']);
    expect(await count('quarantine')).toBe(0);
  });

  it('refuses an oversized batch array that a later batch key would replace (JSON.parse would still build it)', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', `{"writeKey":"${TEST_WRITE_KEY}","batch":[${'{},'.repeat(MAX_BATCH_ITEMS)}{}],"batch":[]}`);
    expect(res.status).toBe(413);
  });

  it('does not count a batch key on the single-event routes (the body is the event)', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/track', JSON.stringify({ ...track('one'), writeKey: TEST_WRITE_KEY, batch: Array.from({ length: 3000 }, () => 0) }));
    expect(res.status).toBe(200);
  });
});

describe('objects and arrays per request', () => {
  const nested = (count: number) => ({ ...track('nested'), properties: { list: Array.from({ length: count }, () => ({})) } });

  it(`answers 413 payload_too_large past ${MAX_REQUEST_OBJECTS}, on a batch or a single-event route, before the pipeline`, async () => {
    const { stages, seen } = countingStages();
    t = createTestCollector({ stages });
    const batch = await t.post('/v1/batch', batchOf([nested(MAX_REQUEST_OBJECTS)]));
    expect([batch.status, ((await batch.json()) as ErrorBody).error.code]).toEqual([413, 'payload_too_large']);
    const single = await t.post('/v1/track', JSON.stringify({ ...nested(MAX_REQUEST_OBJECTS), writeKey: TEST_WRITE_KEY }));
    expect([single.status, ((await single.json()) as ErrorBody).error.code]).toEqual([413, 'payload_too_large']);
    expect(seen.events).toBe(0);
  });

  it('takes a body at the limit (the event itself, over 32 KiB, is quarantined)', async () => {
    t = createTestCollector();
    // The body, the batch array, the event, its properties and the list: 5 more.
    const res = await t.post('/v1/batch', batchOf([nested(MAX_REQUEST_OBJECTS - 5)]));
    expect(res.status).toBe(200);
    expect(((await res.json()) as BatchResponse).rejected.map((r) => r.code)).toEqual(['event_too_large']);
  });
});

describe('rejected list', () => {
  it(`lists the first ${MAX_REJECTED_LISTED} rejections and counts them all; every one is quarantined`, async () => {
    t = createTestCollector();
    const batch = Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => (i % 2 === 0 ? track(`ok${i}`) : { type: 'bogus', messageId: `bad${i}` }));
    const res = await t.post('/v1/batch', batchOf(batch));
    const body = (await res.json()) as BatchResponse;
    expect(body.accepted).toBe(MAX_BATCH_ITEMS / 2);
    expect(body.rejected).toHaveLength(MAX_REJECTED_LISTED);
    expect(body.rejectedCount).toBe(MAX_BATCH_ITEMS / 2);
    expect(body.rejected.map((r) => r.index)).toEqual(Array.from({ length: MAX_REJECTED_LISTED }, (_, i) => 2 * i + 1));
    expect(body.accepted + body.duplicates + (body.rejectedCount ?? 0)).toBe(batch.length);
    expect(await count('quarantine')).toBe(MAX_BATCH_ITEMS / 2);
  });

  it('has no rejectedCount when the list is complete', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', batchOf([track('a'), { type: 'bogus', messageId: 'b' }]));
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['accepted', 'duplicates', 'rejected']);
  });

  it('counts every rejection in the metrics, listed or not', async () => {
    t = createTestCollector();
    await t.post('/v1/batch', batchOf(Array.from({ length: 300 }, (_, i) => ({ type: 'bogus', messageId: `b${i}` }))));
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(/cairn_events_total\{outcome="rejected",source="default"\} 300\n/);
  });
});

describe('items that are not objects', () => {
  it('become one quarantine row per request, holding them all, each rejection naming that row', async () => {
    t = createTestCollector();
    const batch = [0, track('ok'), 'x', null, [1, 2], ...Array.from({ length: MAX_BATCH_ITEMS - 5 }, () => 0)];
    const res = await t.post('/v1/batch', batchOf(batch));
    const body = (await res.json()) as BatchResponse;
    expect(body.accepted).toBe(1);
    expect(body.rejectedCount).toBe(MAX_BATCH_ITEMS - 1);
    expect(body.rejected.slice(0, 4).map((r) => r.index)).toEqual([0, 2, 3, 4]);
    expect(new Set(body.rejected.map((r) => r.messageId)).size).toBe(1);
    const rows = t.rows('SELECT message_id, code, reason, raw FROM quarantine');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.message_id).toBe(body.rejected[0]?.messageId);
    expect(rows[0]?.code).toBe('invalid_event');
    expect(rows[0]?.reason).toContain(`${MAX_BATCH_ITEMS - 1} items of the batch are not JSON objects (positions 0, 2, 3, 4, 5`);
    expect(JSON.parse(String(rows[0]?.raw))).toEqual(batch.filter((_, i) => i !== 1));
  });

  it('keeps a lone non-object as sent', async () => {
    t = createTestCollector();
    await t.post('/v1/batch', batchOf([track('ok'), 'just text']));
    expect(t.rows('SELECT raw, reason FROM quarantine')).toEqual([{ raw: '"just text"', reason: 'event must be a JSON object' }]);
  });
});
