import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTrackingPlanHolder } from '../node/load-tracking-plan.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';

const TOKEN = 'admin-secret-token';
let t: TestCollector;
let dir: string | undefined;
afterEach(async () => {
  await t.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const admin = (path: string, init: { method?: string; body?: string; token?: string } = {}) =>
  t.app.request(path, {
    method: init.method ?? 'POST',
    headers: init.token === '' ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` },
    ...(init.body === undefined ? {} : { body: init.body }),
  });

const wishlist = { type: 'track', event: 'Wishlist Shared', messageId: 'w1', anonymousId: 'a1', timestamp: '2024-06-01T12:00:00Z' };

/** A collector whose plan comes from a file the test can rewrite. */
async function withPlanFile(document: unknown) {
  dir = mkdtempSync(join(tmpdir(), 'cairn-plan-'));
  const path = join(dir, 'plan.json');
  writeFileSync(path, JSON.stringify(document));
  t = createTestCollector({ adminToken: TOKEN, plan: await loadTrackingPlanHolder(path) });
  return path;
}

describe('POST /admin/plan/reload and POST /admin/replay', () => {
  it('reloads a fixed plan without restart, then replays the quarantine into events', async () => {
    const path = await withPlanFile(shopPlan({ mode: 'quarantine' }));
    const refused = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch: [wishlist] });
    expect(await refused.json()).toMatchObject({ accepted: 0, rejected: [{ code: 'plan_violation' }] });

    // A broken edit is refused and the plan in force stays.
    writeFileSync(path, '{"events": {"Wishlist Shared": {"properties": {"type": "objekt"}}}}');
    const broken = await admin('/admin/plan/reload');
    expect(broken.status).toBe(422);
    expect(await broken.json()).toEqual({
      error: { code: 'invalid_plan', message: expect.stringMatching(/events\["Wishlist Shared"\]\.properties is not a valid JSON Schema.*\(the previous plan stays in force\)$/) },
    });
    expect((await (await admin('/admin/plan', { method: 'GET' })).json()) as unknown).toMatchObject({ plan: { mode: 'quarantine' } });

    const fixed = shopPlan({ mode: 'quarantine' });
    fixed.events = { ...fixed.events, 'Wishlist Shared': { category: 'marketing' } };
    writeFileSync(path, JSON.stringify(fixed));
    const reloaded = await admin('/admin/plan/reload');
    expect(reloaded.status).toBe(200);
    expect(await reloaded.json()).toMatchObject({
      reloaded: true,
      plan: { mode: 'quarantine', baseCurrency: 'USD', events: expect.arrayContaining([{ name: 'Wishlist Shared', aliases: [], category: 'marketing', schema: false }]) },
    });

    const replay = await admin('/admin/replay', { body: '' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ replayed: 1, duplicates: 0, stillFailing: 0 });
    expect(t.rows('SELECT message_id, event FROM events')).toEqual([{ message_id: 'w1', event: 'Wishlist Shared' }]);
    expect(await (await admin('/admin/replay', { body: '{"source":"default"}' })).json()).toEqual({ replayed: 0, duplicates: 0, stillFailing: 0 });
    expect(t.logs.find((log) => log.msg === 'replay')?.fields).toEqual({ source: null, replayed: 1, duplicates: 0, stillFailing: 0 });
  });

  it('needs the admin token, and does not exist without one', async () => {
    await withPlanFile({});
    expect((await admin('/admin/replay', { token: '' })).status).toBe(401);
    expect(await (await admin('/admin/plan/reload', { token: 'wrong' })).json()).toMatchObject({ error: { code: 'admin_unauthorized' } });
    await t.dispose();
    t = createTestCollector();
    expect((await admin('/admin/replay')).status).toBe(404);
  });

  it('refuses a bad replay body, and a reload when the plan came from no file', async () => {
    t = createTestCollector({ adminToken: TOKEN });
    expect(await (await admin('/admin/replay', { body: '{"sauce":"x"}' })).json()).toEqual({
      error: { code: 'invalid_body', message: 'unknown field sauce; expected source' },
    });
    expect((await admin('/admin/replay', { body: '[1]' })).status).toBe(400);
    const reload = await admin('/admin/plan/reload');
    expect(reload.status).toBe(404);
    expect(await reload.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('--tracking-plan') } });
    expect(await (await admin('/admin/plan', { method: 'GET' })).json()).toEqual({ plan: null });
  });
});
