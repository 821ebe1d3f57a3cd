import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, type BatchResponse, type ErrorBody } from '@cairn/protocol';
import { reject } from '../ingest/stage.js';
import { DEFAULT_STAGES } from '../ingest/default-stages.js';
import { basicAuth, createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const track = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Product Added',
  messageId,
  timestamp: '2024-06-01T12:00:00.000Z',
  anonymousId: 'anon-1',
  properties: { sku: 'A1', price: 9.5 },
  ...extra,
});

describe('POST /v1/batch', () => {
  it("stores each event's JSON text exactly as sent, whatever its spacing, escapes or numbers", async () => {
    t = createTestCollector();
    const first = String.raw`{ "type" : "track",` + '\n' + String.raw`  "event": "Caf\u00e9 \\ \"Visited\"", "messageId": "raw-1", "properties": { "price": 1.50, "big": 1E3 } }`;
    const second = '{"type":"page","name":"Home","messageId":"raw-2"}';
    const body = `{"writeKey": "${TEST_WRITE_KEY}", "batch": [ ${first} ,\n ${second}\t], "batch2": [] }`;
    const res = await t.post('/v1/batch', body);
    expect(await res.json()).toMatchObject({ accepted: 2 });
    expect(t.rows('SELECT message_id, event, raw FROM events ORDER BY message_id')).toEqual([
      { message_id: 'raw-1', event: 'Café \\ "Visited"', raw: first },
      { message_id: 'raw-2', event: null, raw: second },
    ]);
  });

  it('stores each event verbatim beside its query columns and answers after the commit', async () => {
    t = createTestCollector();
    const events = [
      track('m1', { userId: 'u1' }),
      { type: 'page', name: 'Home', messageId: 'm2', timestamp: '2024-06-01T12:00:01Z', anonymousId: 'anon-1' },
    ];
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: events });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] } satisfies BatchResponse);

    const rows = t.rows('SELECT * FROM events ORDER BY message_id');
    expect(rows).toEqual([
      {
        source: 'default',
        message_id: 'm1',
        type: 'track',
        event: 'Product Added',
        name: null,
        anonymous_id: 'anon-1',
        user_id: 'u1',
        timestamp: '2024-06-01T12:00:00.000Z',
        original_timestamp: '2024-06-01T12:00:00.000Z',
        sent_at: null,
        received_at: '2024-06-01T12:00:10.000Z',
        raw: JSON.stringify(events[0]),
        normalized: null,
        previous_id: null,
      },
      expect.objectContaining({ message_id: 'm2', type: 'page', event: null, name: 'Home', user_id: null }),
    ]);
    expect(t.logs).toContainEqual({
      level: 'info',
      msg: 'batch',
      fields: { source: 'default', accepted: 2, duplicates: 0, rejected: 0 },
    });
  });

  it('counts a resent batch as duplicates and keeps one row per messageId', async () => {
    t = createTestCollector();
    const body = { writeKey: TEST_WRITE_KEY, batch: [track('m1'), track('m2')] };
    expect(await (await t.post('/v1/batch', body)).json()).toMatchObject({ accepted: 2, duplicates: 0 });
    const again = await t.post('/v1/batch', { ...body, sentAt: '2024-06-01T12:00:09Z' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    // A repeat inside one batch is a duplicate too.
    const inner = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [track('m3'), track('m3')] });
    expect(await inner.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    expect(t.rows('SELECT message_id FROM events ORDER BY message_id')).toEqual([
      { message_id: 'm1' },
      { message_id: 'm2' },
      { message_id: 'm3' },
    ]);
  });

  it('stores the good events of a mixed batch and quarantines each bad one with a reason', async () => {
    t = createTestCollector();
    const batch = [
      track('ok-1'),
      { type: 'bogus', messageId: 'bad-type' },
      'not an event',
      { type: 'track', messageId: 'no-name' },
      { type: 'page', messageId: 'bad-time', timestamp: 'yesterday' },
      { type: 'identify', messageId: 42, userId: 'u1' },
      { type: 'identify', messageId: 'bad-user', userId: { id: 1 } },
      track('too-big', { properties: { blob: 'x'.repeat(40_000) } }),
      { type: 'identify', messageId: 'ok-2', userId: 7 },
    ];
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch });
    expect(res.status).toBe(200);
    const body = (await res.json()) as BatchResponse;
    expect(body.accepted).toBe(2);
    expect(body.rejected.map(({ index, code }) => [index, code])).toEqual([
      [1, 'invalid_event'],
      [2, 'invalid_event'],
      [3, 'invalid_event'],
      [4, 'invalid_event'],
      [5, 'invalid_event'],
      [6, 'invalid_event'],
      [7, 'event_too_large'],
    ]);
    const byIndex = Object.fromEntries(body.rejected.map((r) => [r.index, r]));
    expect(byIndex[1]).toMatchObject({ messageId: 'bad-type', message: expect.stringContaining('type') });
    expect(byIndex[2]?.message).toContain('JSON object');
    expect(byIndex[2]?.messageId).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(byIndex[3]?.message).toContain('event');
    expect(byIndex[4]?.message).toContain('timestamp');
    expect(byIndex[5]?.message).toContain('messageId');
    expect(byIndex[6]?.message).toContain('userId');
    expect(byIndex[7]?.message).toContain('32768');

    expect(t.rows('SELECT message_id, user_id FROM events ORDER BY message_id')).toEqual([
      { message_id: 'ok-1', user_id: null },
      { message_id: 'ok-2', user_id: '7' },
    ]);
    const quarantined = t.rows('SELECT * FROM quarantine ORDER BY id');
    expect(quarantined).toHaveLength(7);
    expect(quarantined[0]).toEqual({
      id: 1,
      source: 'default',
      message_id: 'bad-type',
      received_at: '2024-06-01T12:00:10.000Z',
      code: 'invalid_event',
      reason: byIndex[1]?.message,
      raw: JSON.stringify(batch[1]),
      user_id: null,
      anonymous_id: null,
      previous_id: null,
      other_ids: null,
      sent_at: null,
      dedup_key: `m:bad-type:${createHash('sha256').update('{"type":"bogus","messageId":"bad-type"}').digest('hex')}`,
    });
    expect(quarantined.map((row) => row.raw)).toEqual(body.rejected.map((r) => JSON.stringify(batch[r.index])));
  });

  it('answers an empty batch without touching the store', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [] });
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 0, rejected: [] });
  });

  it('runs extra pipeline stages given in the options', async () => {
    t = createTestCollector({
      stages: [
        ...DEFAULT_STAGES,
        {
          name: 'no-test-events',
          run: (draft) =>
            draft.event.event === 'Test' ? reject(ERROR_CODES.planViolation, 'event "Test" is not in the plan') : draft,
        },
      ],
    });
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [track('a'), track('b', { event: 'Test' })] });
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, messageId: 'b', code: 'plan_violation' }] });
    expect(t.rows('SELECT code FROM quarantine')).toEqual([{ code: 'plan_violation' }]);
  });
});

describe('write keys', () => {
  it('takes the key from HTTP Basic auth or from the body', async () => {
    t = createTestCollector();
    const viaHeader = await t.post('/v1/batch', { batch: [track('h')] }, { headers: { authorization: basicAuth(TEST_WRITE_KEY) } });
    expect(viaHeader.status).toBe(200);
    const viaBody = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [track('b')] });
    expect(viaBody.status).toBe(200);
    expect(t.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);
  });

  it.each([
    ['no key at all', { batch: [] }, undefined, 'missing write key'],
    ['an unknown body key', { writeKey: 'nope', batch: [] }, undefined, 'unknown write key'],
    ['a non-string body key', { writeKey: 12, batch: [] }, undefined, 'missing write key'],
    ['an unknown Basic key, even with a good body key', { writeKey: TEST_WRITE_KEY, batch: [] }, basicAuth('nope'), 'unknown'],
    ['a Bearer header', { batch: [] }, 'Bearer abc', 'Basic'],
    ['Basic with broken base64', { batch: [] }, 'Basic %%%', 'Basic'],
  ])('answers 401 for %s', async (_label, body, authorization, message) => {
    t = createTestCollector();
    const res = await t.post('/v1/batch', body, authorization ? { headers: { authorization } } : {});
    expect(res.status).toBe(401);
    const error = (await res.json()) as ErrorBody;
    expect(error.error.code).toBe('unauthorized');
    expect(error.error.message).toContain(message);
    expect(t.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });

  it('stores each source under its own name, with messageIds scoped per source', async () => {
    t = createTestCollector({
      sources: [
        { name: 'shop', writeKey: 'k-shop' },
        { name: 'blog', writeKey: 'k-blog' },
      ],
    });
    await t.post('/v1/batch', { writeKey: 'k-shop', batch: [track('same')] });
    await t.post('/v1/batch', { writeKey: 'k-blog', batch: [track('same')] });
    expect(t.rows('SELECT source, message_id FROM events ORDER BY source')).toEqual([
      { source: 'blog', message_id: 'same' },
      { source: 'shop', message_id: 'same' },
    ]);
  });
});

describe('content types', () => {
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/json', 'application/octet-stream'])(
    'parses the body as JSON when it says %s',
    async (contentType) => {
      t = createTestCollector();
      const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [track('c')] }, { headers: { 'content-type': contentType } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1 });
    },
  );
});

describe('single-event routes', () => {
  it('takes one event as the body, its type from the path when absent, and leaves the key out of raw', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/track', { writeKey: TEST_WRITE_KEY, event: 'Signed In', messageId: 's1', userId: 'u1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    await t.post('/v1/page', { name: 'Pricing', messageId: 's2' }, { headers: { authorization: basicAuth(TEST_WRITE_KEY) } });
    await t.post('/v1/screen', { writeKey: TEST_WRITE_KEY, name: 'Cart', messageId: 's3' });
    // Each call type with the fields it requires (group: groupId; alias: previousId and userId).
    const required = { identify: {}, group: { groupId: 'g1' }, alias: { previousId: 'anon-1' } };
    for (const type of ['identify', 'group', 'alias'] as const) {
      const single = await t.post(`/v1/${type}`, { writeKey: TEST_WRITE_KEY, messageId: `s-${type}`, userId: 'u1', ...required[type] });
      expect(await single.json()).toMatchObject({ accepted: 1 });
    }
    expect(t.rows('SELECT message_id, type, event, name, raw FROM events ORDER BY message_id')).toEqual([
      { message_id: 's-alias', type: 'alias', event: null, name: null, raw: '{"messageId":"s-alias","userId":"u1","previousId":"anon-1"}' },
      { message_id: 's-group', type: 'group', event: null, name: null, raw: '{"messageId":"s-group","userId":"u1","groupId":"g1"}' },
      { message_id: 's-identify', type: 'identify', event: null, name: null, raw: '{"messageId":"s-identify","userId":"u1"}' },
      { message_id: 's1', type: 'track', event: 'Signed In', name: null, raw: '{"event":"Signed In","messageId":"s1","userId":"u1"}' },
      { message_id: 's2', type: 'page', event: null, name: 'Pricing', raw: '{"name":"Pricing","messageId":"s2"}' },
      { message_id: 's3', type: 'screen', event: null, name: 'Cart', raw: '{"name":"Cart","messageId":"s3"}' },
    ]);
  });

  it('keeps an explicit type and checks it like any other', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/track', { writeKey: TEST_WRITE_KEY, type: 'nonsense', messageId: 'x' });
    expect(await res.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0, messageId: 'x', code: 'invalid_event' }] });
  });

  it('answers 400 when the body is not one event object', async () => {
    t = createTestCollector();
    const res = await t.post('/v1/track', [{ event: 'A' }], { headers: { authorization: basicAuth(TEST_WRITE_KEY) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('invalid_body');
  });
});

describe('internal faults', () => {
  it('answers a bug with 500 internal_error, logs the cause, and leaks no detail', async () => {
    t = createTestCollector({
      stages: [
        ...DEFAULT_STAGES,
        {
          name: 'buggy',
          run: () => {
            throw new TypeError('secret detail of a bug');
          },
        },
      ],
    });
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [track('x')] });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(text).not.toContain('secret');
    expect(t.logs).toContainEqual({
      level: 'error',
      msg: 'internal error',
      fields: { error: expect.objectContaining({ name: 'TypeError', message: 'secret detail of a bug' }) },
    });
    expect(t.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });
});

describe('storage failures', () => {
  it('answers 503 with Retry-After when the store cannot commit, and logs the cause', async () => {
    t = createTestCollector();
    await t.store.close();
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [track('lost')] });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as ErrorBody).error.code).toBe('storage_unavailable');
    expect(t.logs.some((log) => log.level === 'error' && log.msg === 'store write failed')).toBe(true);
    expect(t.logs.some((log) => log.msg === 'batch')).toBe(false);
  });
});
