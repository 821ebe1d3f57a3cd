import { afterEach, describe, expect, it } from 'vitest';
import { createTestCollector, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

describe('health and routing', () => {
  it('answers /healthz and /readyz while the store is open', async () => {
    t = createTestCollector();
    const health = await t.app.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', store: 'sqlite' });
  });

  it('reports not ready (503 + Retry-After) once the store is gone, while still live', async () => {
    t = createTestCollector();
    await t.store.close();
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).not.toBeNull();
    expect(await ready.json()).toMatchObject({ error: { code: 'storage_unavailable' } });
    expect((await t.app.request('/healthz')).status).toBe(200);
  });

  it.each([
    ['GET', '/nowhere'],
    ['GET', '/v1/batch'],
    ['POST', '/v1/unknown-type'],
    ['POST', '/v2/batch'],
  ])('answers %s %s with a JSON 404', async (method, path) => {
    t = createTestCollector();
    const res = await t.app.request(path, { method });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining(path) } });
  });
});
