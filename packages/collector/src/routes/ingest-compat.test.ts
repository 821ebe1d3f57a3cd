// Issue #13: Segment's and RudderStack's browser libraries, as their requests really are
// (bodies captured from the libraries in Chromium), against the compatibility routes.
import { afterEach, describe, expect, it } from 'vitest';
import { RUDDERSTACK_BODIES, SEGMENT_BODIES } from '../testing/browser-library-payloads.js';
import { basicAuth, createTestCollector, TEST_NOW, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const SEGMENT_KEY = 'segment-dropin-e2e';
const RUDDER_KEY = 'rudderstack-dropin-e2e';
const SITE = 'https://www.example.com';
const sources = [
  { name: 'segment-site', writeKey: SEGMENT_KEY, allowedOrigins: [SITE] },
  { name: 'rudder-site', writeKey: RUDDER_KEY, allowedOrigins: [SITE] },
  { name: 'default', writeKey: TEST_WRITE_KEY },
];

/** An `events` row: the columns read here are all text or NULL, `raw` never NULL. */
type Row = { raw: string } & Record<string, string | null>;
const rows = () => t.rows('SELECT * FROM events ORDER BY original_timestamp') as Row[];

/** The time the collector stores for a client time and sentAt read on one (wrong) clock. */
const corrected = (clientTime: string, sentAt: string) => new Date(TEST_NOW - (Date.parse(sentAt) - Date.parse(clientTime))).toISOString();

/** What Segment's fetch dispatcher sends beside the body. */
const segmentHeaders = { 'content-type': 'text/plain', authorization: basicAuth(SEGMENT_KEY), origin: SITE };

describe("Segment analytics.js's short paths", () => {
  it('stores /v1/p, /v1/t and /v1/i as page, track and identify, raw verbatim minus the write key', async () => {
    t = createTestCollector({ sources });
    for (const [path, body] of Object.entries(SEGMENT_BODIES)) {
      const res = await t.post(`/v1/${path}`, body, { headers: segmentHeaders });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    }
    const stored = rows();
    expect(stored.map((row) => [row.source, row.type, row.event, row.user_id])).toEqual([
      ['segment-site', 'page', null, 'user-0'],
      ['segment-site', 'track', 'Signed Up', 'user-0'],
      ['segment-site', 'identify', null, 'user-0'],
    ]);
    for (const [row, body] of stored.map((r, i) => [r, Object.values(SEGMENT_BODIES)[i]!] as const)) {
      const { writeKey, ...sent } = JSON.parse(body) as Record<string, any>;
      expect(writeKey).toBe(SEGMENT_KEY);
      // _metadata, integrations, context.library, context.page … all kept as sent.
      expect(JSON.parse(row.raw)).toEqual(sent);
      expect(JSON.parse(row.raw)._metadata).toEqual({ bundled: ['Segment.io'], unbundled: [], bundledIds: [] });
      expect(row.anonymous_id).toBe(sent.anonymousId);
      // The client clock is 2.5 years ahead of the collector's: corrected by sentAt − timestamp.
      expect(row.original_timestamp).toBe(sent.timestamp);
      expect(row.sent_at).toBe(sent.sentAt);
      expect(row.timestamp).toBe(corrected(sent.timestamp, sent.sentAt));
      expect(row.normalized).toBeNull();
    }
  });

  it('maps /v1/g, /v1/a and /v1/s to group, alias and screen', async () => {
    t = createTestCollector({ sources });
    const base = { anonymousId: 'a1', timestamp: '2024-06-01T12:00:00.000Z', writeKey: SEGMENT_KEY };
    const sent = [
      ['g', { ...base, type: 'group', groupId: 'acme', messageId: 'ajs-g' }],
      ['a', { ...base, type: 'alias', previousId: 'a1', userId: 'u1', messageId: 'ajs-a' }],
      ['s', { ...base, type: 'screen', name: 'Home', messageId: 'ajs-s' }],
    ] as const;
    for (const [path, body] of sent) expect((await t.post(`/v1/${path}`, body, { headers: segmentHeaders })).status).toBe(200);
    // The path says the type when the body does not.
    expect((await t.post('/v1/g', { ...base, groupId: 'other', messageId: 'ajs-g2' }, { headers: segmentHeaders })).status).toBe(200);
    expect(t.rows('SELECT message_id, type, name FROM events ORDER BY message_id')).toEqual([
      { message_id: 'ajs-a', type: 'alias', name: null },
      { message_id: 'ajs-g', type: 'group', name: null },
      { message_id: 'ajs-g2', type: 'group', name: null },
      { message_id: 'ajs-s', type: 'screen', name: 'Home' },
    ]);
  });

  it('stores a /v1/b batch (the batching strategy: no per-event sentAt, one for the batch)', async () => {
    t = createTestCollector({ sources });
    const events = Object.values(SEGMENT_BODIES).map((body) => {
      const { writeKey: _key, sentAt: _sentAt, ...event } = JSON.parse(body) as Record<string, unknown>;
      return event;
    });
    const sentAt = '2026-12-06T08:10:25.000Z';
    const res = await t.post('/v1/b', JSON.stringify({ writeKey: SEGMENT_KEY, batch: events, sentAt }), { headers: segmentHeaders });
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const stored = rows();
    expect(stored.map((row) => row.type)).toEqual(['page', 'track', 'identify']);
    for (const row of stored) {
      expect(row.sent_at).toBe(sentAt);
      expect(row.timestamp).toBe(corrected(row.original_timestamp!, sentAt));
    }
    // A retry of the same batch (keepalive on page exit, then again on the next load) adds nothing.
    const again = await t.post('/v1/b', JSON.stringify({ writeKey: SEGMENT_KEY, batch: events, sentAt }), { headers: segmentHeaders });
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
  });

  it('takes /v1/import as a batch', async () => {
    t = createTestCollector({ sources });
    const res = await t.post('/v1/import', {
      batch: [{ type: 'track', event: 'Imported', userId: 'u1', messageId: 'imp-1', timestamp: '2023-01-01T00:00:00Z' }],
    }, { headers: { authorization: basicAuth(TEST_WRITE_KEY) } });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(t.rows('SELECT type, event, timestamp FROM events')).toEqual([{ type: 'track', event: 'Imported', timestamp: '2023-01-01T00:00:00.000Z' }]);
  });

  it('refuses a short path from an origin the write key does not allow, and an unknown key', async () => {
    t = createTestCollector({ sources });
    const other = await t.post('/v1/t', SEGMENT_BODIES.t, { headers: { ...segmentHeaders, origin: 'https://evil.example.net' } });
    expect(other.status).toBe(403);
    const unknown = await t.post('/v1/t', SEGMENT_BODIES.t.replace(SEGMENT_KEY, 'nope'), { headers: { ...segmentHeaders, authorization: basicAuth('nope') } });
    expect(unknown.status).toBe(401);
    expect(rows()).toEqual([]);
  });
});

describe("RudderStack analytics-js v3's requests", () => {
  const headers = (body: string) => ({
    'content-type': 'application/json;charset=UTF-8',
    authorization: basicAuth(RUDDER_KEY),
    anonymousid: btoa((JSON.parse(body) as { anonymousId: string }).anonymousId),
    sentat: (JSON.parse(body) as { sentAt: string }).sentAt,
    origin: SITE,
  });

  it('stores /v1/page, /v1/track and /v1/identify with originalTimestamp as the client time, skew-corrected', async () => {
    t = createTestCollector({ sources });
    for (const [path, body] of Object.entries(RUDDERSTACK_BODIES)) {
      const res = await t.post(`/v1/${path}`, body, { headers: headers(body) });
      expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    }
    const stored = rows();
    // "userId": "" (before identify) means no user: NULL, not a person named "".
    expect(stored.map((row) => [row.source, row.type, row.event, row.user_id])).toEqual([
      ['rudder-site', 'page', null, null],
      ['rudder-site', 'track', 'Signed Up', null],
      ['rudder-site', 'identify', null, 'user-0'],
    ]);
    for (const [row, body] of stored.map((r, i) => [r, Object.values(RUDDERSTACK_BODIES)[i]!] as const)) {
      const sent = JSON.parse(body) as Record<string, any>;
      expect(JSON.parse(row.raw)).toEqual(sent);
      expect(sent).toMatchObject({ channel: 'web', integrations: { All: true } });
      expect(sent.timestamp).toBeUndefined();
      expect(row.anonymous_id).toBe('78625ab1-1a5a-4dff-a068-6da23e2aaaa5');
      expect(row.original_timestamp).toBe(sent.originalTimestamp);
      expect(row.sent_at).toBe(sent.sentAt);
      expect(row.timestamp).toBe(corrected(sent.originalTimestamp, sent.sentAt));
    }
  });

  it("keeps an older SDK's rudderId and a batch's own sentAt", async () => {
    t = createTestCollector({ sources });
    const event = { ...(JSON.parse(RUDDERSTACK_BODIES.track) as Record<string, unknown>), rudderId: 'c2a6b4b8-0d8c-4c4e-9d2a-1b7b9f0e3a11' };
    const res = await t.post('/v1/batch', JSON.stringify({ batch: [event], sentAt: '2026-12-06T08:09:40.000Z' }), { headers: headers(RUDDERSTACK_BODIES.track) });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const [row] = rows();
    expect(JSON.parse(row!.raw).rudderId).toBe('c2a6b4b8-0d8c-4c4e-9d2a-1b7b9f0e3a11');
    // The event's own sentAt wins over the batch's (both from the same clock; the event's is the latest send).
    expect(row!.sent_at).toBe('2026-12-06T08:09:36.421Z');
  });
});

describe('RudderStack beacon: POST /beacon/v1/batch?writeKey=', () => {
  const beaconBody = () =>
    JSON.stringify({
      batch: Object.values(RUDDERSTACK_BODIES).map((body) => JSON.parse(body) as unknown),
      sentAt: '2026-12-06T08:09:37.000Z',
    });

  it.each(['text/plain;charset=UTF-8', 'application/json'])('stores the batch sent as %s with the key in the query', async (type) => {
    t = createTestCollector({ sources });
    const res = await t.post(`/beacon/v1/batch?writeKey=${RUDDER_KEY}`, beaconBody(), { headers: { 'content-type': type, origin: SITE } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(rows().map((row) => [row.source, row.type])).toEqual([
      ['rudder-site', 'page'],
      ['rudder-site', 'track'],
      ['rudder-site', 'identify'],
    ]);
  });

  it('refuses a missing, empty or unknown key (401) and an origin the source does not allow (403)', async () => {
    t = createTestCollector({ sources });
    const noKey = await t.post('/beacon/v1/batch', beaconBody());
    expect(noKey.status).toBe(401);
    expect((await t.post('/beacon/v1/batch?writeKey=', beaconBody())).status).toBe(401);
    const unknown = await t.post('/beacon/v1/batch?writeKey=nope', beaconBody());
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ error: { code: 'unauthorized', message: 'unknown write key' } });
    const evil = await t.post(`/beacon/v1/batch?writeKey=${RUDDER_KEY}`, beaconBody(), { headers: { origin: 'https://evil.example.net' } });
    expect(evil.status).toBe(403);
    expect(rows()).toEqual([]);
  });

  it('is the only beacon route: single events are not taken there', async () => {
    t = createTestCollector({ sources });
    const res = await t.post(`/beacon/v1/track?writeKey=${RUDDER_KEY}`, RUDDERSTACK_BODIES.track);
    expect(res.status).toBe(404);
  });
});

describe("Segment's client metrics: POST /v1/m", () => {
  const series = (metric: unknown, value: unknown = 1) => ({ type: 'Counter', metric, value, tags: { library: 'analytics.js', library_version: 'next-1.84.3' } });

  it('answers 200, stores nothing, and counts each series on /metrics by metric name', async () => {
    t = createTestCollector({ sources });
    const res = await t.post('/v1/m', { series: [series('analytics_js.invoke.track'), series('analytics_js.invoke.track', 2), series('analytics_js.invoke.page')] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ counted: 3 });
    expect(rows()).toEqual([]);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('cairn_client_metrics_total{metric="analytics_js.invoke.track"} 3');
    expect(metrics).toContain('cairn_client_metrics_total{metric="analytics_js.invoke.page"} 1');
    // Not an ingest request: no event counted, no source.
    expect(metrics).not.toMatch(/cairn_ingest_requests_total\{[^}]*\} /);
  });

  it('folds made-up metric names into "other" so a client cannot grow the registry', async () => {
    t = createTestCollector({ sources });
    const made = Array.from({ length: 60 }, (_, i) => series(`analytics_js.made_up_${'x'.repeat(i % 5)}${String.fromCharCode(97 + (i % 26))}${i}`));
    await t.post('/v1/m', { series: [series('evil{label="x"}'), series(42), ...made.slice(0, 40)] });
    await t.post('/v1/m', { series: made.slice(40) });
    const metrics = await (await t.app.request('/metrics')).text();
    const lines = metrics.split('\n').filter((line) => line.startsWith('cairn_client_metrics_total{'));
    expect(lines.length).toBeLessThanOrEqual(51);
    expect(metrics).not.toContain('evil');
    expect(metrics).toMatch(/cairn_client_metrics_total\{metric="other"\} \d+/);
  });

  it('refuses a body that is not JSON (400) or too large (413)', async () => {
    t = createTestCollector({ sources });
    expect((await t.post('/v1/m', 'not json')).status).toBe(400);
    expect((await t.post('/v1/m', JSON.stringify({ series: [], pad: 'x'.repeat(20_000) }))).status).toBe(413);
  });
});

describe("RudderStack's source configuration: GET /sourceConfig", () => {
  // What the library asks for with configUrl set to the collector.
  const path = `/sourceConfig/?p=npm&v=3.34.1&build=modern&writeKey=${RUDDER_KEY}&lockIntegrationsVersion=false&lockPluginsVersion=false`;

  it('answers a valid source with no destinations for a known key, from an allowed origin', async () => {
    t = createTestCollector({ sources });
    const res = await t.app.request(path, { headers: { origin: SITE, authorization: basicAuth(RUDDER_KEY), accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
    const body = (await res.json()) as { source: Record<string, unknown> };
    // The checks the library makes (isValidSourceConfig) and what it reads.
    expect(body.source).toMatchObject({ id: 'rudder-site', enabled: true, config: {}, destinations: [] });
    expect(JSON.stringify(body)).not.toContain(RUDDER_KEY);
    // Without the trailing slash, and with the key in the query only.
    expect((await t.app.request(`/sourceConfig?writeKey=${RUDDER_KEY}`)).status).toBe(200);
  });

  it('refuses an unknown or missing key (401) and an origin the source does not allow (403)', async () => {
    t = createTestCollector({ sources });
    expect((await t.app.request('/sourceConfig/?writeKey=nope')).status).toBe(401);
    expect((await t.app.request('/sourceConfig/')).status).toBe(401);
    expect((await t.app.request(path, { headers: { origin: 'https://evil.example.net' } })).status).toBe(403);
  });

  it('answers its preflight (GET with Authorization) for an allowed origin only', async () => {
    t = createTestCollector({ sources: sources.filter((source) => source.allowedOrigins) });
    const preflight = (origin: string) =>
      t.app.request(path, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const ok = await preflight(SITE);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-methods')).toContain('GET');
    expect((await preflight('https://evil.example.net')).status).toBe(403);
  });
});
