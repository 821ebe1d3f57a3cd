import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@cairn/protocol';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const TOKEN = 'admin-secret';
const auth = { authorization: `Bearer ${TOKEN}` };
const track = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Product Added',
  messageId,
  timestamp: '2024-06-01T12:00:00.000Z',
  anonymousId: 'anon-1',
  ...extra,
});
const send = (events: unknown[]) => t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: events });
const code = async (res: Response) => ((await res.json()) as ErrorBody).error.code;

describe('admin endpoints', () => {
  it.each([
    ['GET', '/admin/export'],
    ['POST', '/admin/erase'],
    ['GET', '/admin/stats'],
  ])('%s %s is 404 without an admin token configured, 401 with a wrong one', async (method, path) => {
    t = createTestCollector();
    const disabled = await t.app.request(path, { method, headers: auth });
    expect(disabled.status).toBe(404);
    await t.dispose();
    t = createTestCollector({ adminToken: TOKEN });
    const wrong = await t.app.request(path, { method, headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await code(wrong)).toBe('admin_unauthorized');
    expect((await t.app.request(path, { method })).status).toBe(401);
  });
});

describe('GET /admin/export', () => {
  it('streams NDJSON of every event, raw and normalized as JSON values', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    await send([track('m1', { properties: { sku: 'A1' } }), track('m2', { timestamp: '2024-06-02T00:00:00Z' })]);
    const res = await t.app.request('/admin/export', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cairn-events-\d{4}-\d{2}-\d{2}\.ndjson"$/);
    const lines = (await res.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.messageId)).toEqual(['m1', 'm2']);
    expect(lines[0]).toMatchObject({
      source: 'default',
      type: 'track',
      event: 'Product Added',
      anonymousId: 'anon-1',
      timestamp: '2024-06-01T12:00:00.000Z',
      raw: { messageId: 'm1', properties: { sku: 'A1' } },
    });
  });

  it('filters by time (from inclusive, to exclusive, dates or date-times) and source', async () => {
    t = createTestCollector({
      adminToken: TOKEN,
      sources: [
        { name: 'default', writeKey: TEST_WRITE_KEY },
        { name: 'shop', writeKey: 'k-shop' },
      ],
    });
    await send([track('may', { timestamp: '2024-05-31T23:59:59.999Z' }), track('june', { timestamp: '2024-06-01T00:00:00Z' })]);
    await t.post('/v1/batch', { writeKey: 'k-shop', batch: [track('shop-june')] });
    const ids = async (query: string) => {
      const res = await t.app.request(`/admin/export?${query}`, { headers: auth });
      expect(res.status).toBe(200);
      return (await res.text()).trimEnd().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { messageId: string }).messageId);
    };
    expect(await ids('from=2024-06-01')).toEqual(['june', 'shop-june']);
    expect(await ids('to=2024-06-01T00:00:00Z')).toEqual(['may']);
    expect(await ids('from=2024-06-01&source=shop')).toEqual(['shop-june']);
    expect(await ids('source=nobody')).toEqual([]);
  });

  it('exports CSV with a header, quoting, and formula-looking cells defused', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    await send([track('m1', { event: '=HYPERLINK("http://evil")', properties: { note: 'a,b\nc' } })]);
    const res = await t.app.request('/admin/export?format=csv', { headers: auth });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await res.text();
    const [header, record] = text.split('\r\n');
    expect(header).toBe('source,message_id,type,event,name,anonymous_id,user_id,timestamp,original_timestamp,sent_at,received_at,raw,normalized');
    expect(record).toContain(`default,m1,track,"'=HYPERLINK(""http://evil"")",,anon-1,`);
    expect(text).toContain('a,b\\nc'); // inside the quoted raw JSON cell
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('pages through more rows than one store read', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    for (let b = 0; b < 5; b++) await send(Array.from({ length: 500 }, (_, i) => track(`m-${b}-${String(i).padStart(3, '0')}`)));
    const text = await (await t.app.request('/admin/export', { headers: auth })).text();
    const ids = text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { messageId: string }).messageId);
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
  });

  it.each([
    ['format=xml', /format/],
    ['from=yesterday', /from must be an ISO 8601/],
    ['to=2024-13-45', /to must be/],
  ])('answers 400 invalid_query for %s', async (query, message) => {
    t = createTestCollector({ adminToken: TOKEN });
    const res = await t.app.request(`/admin/export?${query}`, { headers: auth });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_query', message: expect.stringMatching(message) } });
  });
});

describe('POST /admin/erase', () => {
  it('deletes the events and quarantine rows of a user and answers the counts, logging no id', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    await send([track('u1-a', { userId: 'u1' }), track('u1-b', { userId: 'u1' }), track('other', { userId: 'u2' }), { type: 'bogus', userId: 'u1' }]);
    const erase = (body: unknown) => t.app.request('/admin/erase', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    const res = await erase({ userId: 'u1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ erased: { events: 2, quarantine: 1 } });
    expect(t.rows('SELECT message_id FROM events')).toEqual([{ message_id: 'other' }]);
    expect(await (await erase({ anonymousId: 'anon-1', source: 'default' })).json()).toEqual({ erased: { events: 1, quarantine: 0 } });
    const line = t.logs.find((log) => log.msg === 'erasure');
    expect(line?.fields).toEqual({ by: 'userId', source: null, events: 2, quarantine: 1, linkedAnonymousIds: 0 });
    expect(JSON.stringify(t.logs)).not.toContain('"u1"');
  });

  it('reaches rejected events whatever way their ids were written, and alias events by previousId', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    // Raw JSON text: escapes, a number id, a repeated key and alias events as a client sent them.
    const body = `{"writeKey":"${TEST_WRITE_KEY}","batch":[
      {"type":"bogus","messageId":"q1","userId":"user\\/1"},
      {"type":"bogus","messageId":"q2","userId":"\\u00e9mile"},
      {"type":"bogus","messageId":"q3","userId":42},
      {"type":"bogus","messageId":"q4","userId":"first","userId":"last"},
      {"type":"alias","messageId":"q5","previousId":"anon-9"},
      {"type":"alias","messageId":"e1","previousId":"anon-9","userId":"u9","timestamp":"2024-06-01T12:00:00.000Z"}]}`;
    const sent = await t.post('/v1/batch', body);
    expect(await sent.json()).toMatchObject({ accepted: 1, rejected: [{ messageId: 'q1' }, { messageId: 'q2' }, { messageId: 'q3' }, { messageId: 'q4' }, { messageId: 'q5' }] });
    const erase = async (subject: Record<string, string>) =>
      (await (await t.app.request('/admin/erase', { method: 'POST', headers: auth, body: JSON.stringify(subject) })).json()) as unknown;
    expect(await erase({ userId: 'user/1' })).toEqual({ erased: { events: 0, quarantine: 1 } });
    expect(await erase({ userId: 'émile' })).toEqual({ erased: { events: 0, quarantine: 1 } });
    expect(await erase({ userId: '42' })).toEqual({ erased: { events: 0, quarantine: 1 } });
    expect(await erase({ userId: 'first' })).toEqual({ erased: { events: 0, quarantine: 1 } });
    expect(await erase({ anonymousId: 'anon-9' })).toEqual({ erased: { events: 1, quarantine: 1 } });
    expect(t.rows('SELECT count(*) AS n FROM quarantine')).toEqual([{ n: 0 }]);
  });

  it.each([
    ['no id', {}, /userId or an anonymousId/],
    ['an empty id', { userId: '' }, /userId must be a non-empty string/],
    ['a number id', { anonymousId: 5 }, /anonymousId must be/],
    ['an unknown field', { userId: 'u', email: 'x@example.com' }, /unknown field email/],
    ['not an object', ['u1'], /JSON object/],
  ])('answers 400 for %s', async (_label, body, message) => {
    t = createTestCollector({ adminToken: TOKEN });
    const res = await t.app.request('/admin/erase', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(message);
  });

  it('bounds the body it reads', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    const res = await t.app.request('/admin/erase', { method: 'POST', headers: auth, body: JSON.stringify({ userId: 'x'.repeat(20_000) }) });
    expect(res.status).toBe(413);
  });
});

describe('GET /admin/stats', () => {
  it('counts events per source/type/event and quarantine per code, with totals', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    await send([track('1'), track('2'), { type: 'page', name: 'Home', messageId: '3' }, { type: 'bogus' }, track('4', { event: 7 })]);
    const res = await t.app.request('/admin/stats', { headers: auth });
    expect(await res.json()).toEqual({
      store: 'sqlite',
      totals: { events: 3, quarantine: 2 },
      events: [
        { source: 'default', type: 'page', event: null, count: 1 },
        { source: 'default', type: 'track', event: 'Product Added', count: 2 },
      ],
      quarantine: [{ source: 'default', code: 'invalid_event', count: 2 }],
    });
  });
});
