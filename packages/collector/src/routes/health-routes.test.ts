import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommitStore } from '../store/group-commit.js';
import type { Store } from '../store/store.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

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

  it('reports not ready while the writer is behind, and 503 + Retry-After to writes past the queue bound', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The real SQLite store behind a commit that has not finished yet.
    const slow = (store: Store): Store => ({ ...store, write: async (batch) => (await gate, store.write(batch)) });
    t = createTestCollector({ wrapStore: (store) => createGroupCommitStore(slow(store), { maxQueuedEvents: 10 }) });
    const events = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ type: 'page', messageId: `${prefix}${i}` }));
    const first = t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: events('a', 5) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const queued = t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: events('b', 9) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'storage_unavailable', message: expect.stringContaining('not keeping up') } });
    const refused = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: events('c', 2) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(t.logs.some((log) => log.level === 'error')).toBe(false);
    release();
    expect((await first).status).toBe(200);
    expect((await queued).status).toBe(200);
    expect((await t.app.request('/readyz')).status).toBe(200);
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
