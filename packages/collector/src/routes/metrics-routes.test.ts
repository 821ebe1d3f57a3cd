import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { createGroupCommitStore } from '../store/group-commit.js';
import { collectorMetrics } from '../metrics/collector-metrics.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

describe('GET /metrics', () => {
  it('renders requests, events, batch sizes, quarantine and commit figures in Prometheus text', async () => {
    const metrics = createMetrics();
    t = createTestCollector({
      metrics,
      wrapStore: (store) => createGroupCommitStore(store, { maxQueuedEvents: 1000, metrics: collectorMetrics(metrics) }),
    });
    await t.post('/v1/batch', {
      writeKey: TEST_WRITE_KEY,
      batch: [{ type: 'page', messageId: 'a' }, { type: 'page', messageId: 'a' }, { type: 'bogus' }, { type: 'track', messageId: 'b' }],
    });
    await t.post('/v1/batch', { writeKey: 'wrong', batch: [] });
    const res = await t.app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    for (const line of [
      'cairn_http_requests_total{route="/v1/batch",status="200"} 1',
      'cairn_http_requests_total{route="/v1/batch",status="401"} 1',
      'cairn_ingest_requests_total{outcome="ok",source="default"} 1',
      'cairn_ingest_requests_total{outcome="unauthorized",source="unknown"} 1',
      'cairn_events_total{outcome="accepted",source="default"} 1',
      'cairn_events_total{outcome="duplicate",source="default"} 1',
      'cairn_events_total{outcome="rejected",source="default"} 2',
      'cairn_quarantined_total{code="invalid_event",source="default"} 2',
      'cairn_batch_events_bucket{le="5"} 1',
      'cairn_commit_requests_count 1',
      'cairn_commit_events_sum 4',
      'cairn_write_queue_events 0',
      '# TYPE cairn_commit_duration_seconds histogram',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('keeps route labels to known paths', async () => {
    t = createTestCollector();
    for (let i = 0; i < 3; i++) await t.app.request(`/random-${i}`);
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toContain('cairn_http_requests_total{route="other",status="404"} 3');
    expect(text).not.toContain('random-');
  });

  it('needs the metrics token when one is set', async () => {
    t = createTestCollector({ metricsToken: 'scrape-me', adminToken: 'admin' });
    expect((await t.app.request('/metrics')).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: { authorization: 'Bearer admin' } })).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: { authorization: 'Bearer scrape-me' } })).status).toBe(200);
  });
});

describe('request log', () => {
  it('logs one info line per request, without event contents, keys or addresses', async () => {
    t = createTestCollector();
    await t.post('/v1/batch', {
      writeKey: TEST_WRITE_KEY,
      batch: [{ type: 'track', event: 'Secret Event', messageId: 'm', userId: 'alice@example.com' }],
    }, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    await t.app.request('/healthz');
    const requests = t.logs.filter((log) => log.msg === 'request');
    expect(requests).toEqual([
      { level: 'info', msg: 'request', fields: { method: 'POST', path: '/v1/batch', status: 200, ms: expect.any(Number), source: 'default', events: 1 } },
      { level: 'info', msg: 'request', fields: { method: 'GET', path: '/healthz', status: 200, ms: expect.any(Number) } },
    ]);
    const all = JSON.stringify(t.logs);
    for (const secret of ['Secret Event', 'alice@example.com', TEST_WRITE_KEY, '203.0.113.9']) expect(all).not.toContain(secret);
    expect(t.logs.find((log) => log.msg === 'batch')?.fields).toEqual({ source: 'default', accepted: 1, duplicates: 0, rejected: 0 });
  });

  it('logs an unexpected failure at error with its cause, and answers 500 without details', async () => {
    t = createTestCollector({
      stages: [
        {
          name: 'exploding',
          run: () => {
            throw new Error('stage blew up', { cause: new Error('root cause') });
          },
        },
      ],
    });
    const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [{ type: 'page' }] });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    const error = t.logs.find((log) => log.level === 'error');
    expect(error?.fields).toMatchObject({ error: { message: 'stage blew up', cause: { message: 'root cause' } } });
    expect(t.logs.find((log) => log.msg === 'request')?.fields).toMatchObject({ status: 500 });
  });
});
