import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDestinationRig, trackEvents, waitFor, RIG_ADMIN_TOKEN, type AdminJson } from '../testing/destination-rig.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';
import type { DestinationConfig } from './destination-config.js';

// Real HTTP receiver, real SQLite outbox, real forwarder; retry settings shortened per destination.
const FAST = { retryMinSeconds: 0.05, retryMaxSeconds: 0.3, timeoutSeconds: 2 } as const;
const SECRET = 'whsec-0123456789abcdef';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(destinations: (url: string) => DestinationConfig[], options: Parameters<typeof startDestinationRig>[1] = {}) {
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  const rig = await startDestinationRig(destinations(receiver.url), options);
  cleanups.push(() => rig.stop());
  return { receiver, rig };
}

const hook = (url: string, extra: Partial<DestinationConfig> = {}): DestinationConfig => ({ name: 'crm', kind: 'webhook', url, secret: SECRET, ...FAST, ...extra });
/** The verification snippet of docs/destinations.md, as a user would paste it. */
async function documentedVerifier(): Promise<(body: string, headers: Record<string, unknown>, secret: string) => boolean> {
  const doc = readFileSync(new URL('../../../../docs/destinations.md', import.meta.url), 'utf8');
  const snippet = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!snippet) throw new Error('docs/destinations.md has no js snippet');
  const file = join(mkdtempSync(join(tmpdir(), 'cairn-snippet-')), 'verify.mjs');
  writeFileSync(file, snippet);
  return (await import(file)).verifyCairnWebhook;
}
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('webhook destination', { timeout: 30_000 }, () => {
  it('delivers every stored event once, in order, signed (HMAC-SHA256 over timestamp.body) and with custom headers', async () => {
    const { receiver, rig } = await setup((url) => [hook(url, { headers: { 'X-Api-Key': 'k1', 'Content-Type': 'application/json; charset=utf-8' }, batchSize: 7 })]);
    expect((await rig.send(trackEvents(20, 'a'))).status).toBe(200);
    expect((await rig.send(trackEvents(10, 'b'))).status).toBe(200);
    // A resend of stored events is a duplicate: it adds no delivery.
    expect((await rig.send(trackEvents(5, 'a'))).status).toBe(200);
    await waitFor(() => receiver.delivered().length >= 30, '30 deliveries');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.delivered()).toEqual([...ids('a', 20), ...ids('b', 10)]);
    expect(Math.max(...receiver.requests.map((r) => r.json.batch.length))).toBeLessThanOrEqual(7);
    const verify = await documentedVerifier();
    for (const request of receiver.requests) {
      expect(verify(request.body, request.headers, SECRET)).toBe(true);
      expect(verify(`${request.body} `, request.headers, SECRET)).toBe(false);
      expect(verify(request.body, request.headers, 'another-secret-0123')).toBe(false);
      expect(request.headers['x-api-key']).toBe('k1');
      // A configured header replaces the sender's own, never doubles it.
      expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(request.json.destination).toBe('crm');
    }
    const first = receiver.requests[0]?.json.batch[0] as Record<string, unknown>;
    expect(first).toMatchObject({ type: 'track', event: 'Item Viewed', messageId: 'a-000', properties: { index: 0 } });
    const list = await rig.api<unknown[]>('/admin/api/destinations');
    expect(list).toEqual([
      expect.objectContaining({ name: 'crm', kind: 'webhook', delivered: 30, pending: 0, failed: 0, deadLettered: 0, lagSeconds: 0, lastError: null }),
    ]);
  });

  it.each([
    ['500', [{ status: 500 }, { status: 503 }]],
    ['a timeout', [{ status: 200, delayMs: 2_500 }]],
  ])('keeps order and delivers everything once the destination stops answering %s', async (_label, answers) => {
    const { receiver, rig } = await setup((url) => [hook(url, { batchSize: 5 })]);
    receiver.answers.push(...answers);
    await rig.send(trackEvents(12, 'r'));
    await waitFor(() => receiver.delivered().length >= 12, 'delivery after the failures', 15_000);
    await waitFor(async () => (await rig.api('/admin/api/destinations/crm')).pending === 0, 'the last batch settled');
    // Only 2xx-answered batches count as delivered; the failed batch was sent again, first.
    expect(receiver.delivered()).toEqual(ids('r', 12));
    expect(receiver.requests.length).toBeGreaterThan(Math.ceil(12 / 5));
    const row = (await rig.api<AdminJson[]>('/admin/api/destinations'))[0]!;
    expect(row).toMatchObject({ delivered: 12, pending: 0, deadLettered: 0 });
    expect(row.failed).toBeGreaterThanOrEqual(5);
    expect(row.lastError).toMatch(/HTTP 50|no answer within/);
    const rendered = rig.metrics.render();
    expect(rendered, rendered).toMatch(/cairn_destination_retried_total\{destination="crm"\} [1-9]/);
  });

  it('waits as long as Retry-After says after a 429', async () => {
    const { receiver, rig } = await setup((url) => [hook(url, { retryMaxSeconds: 5 })]);
    receiver.answers.push({ status: 429, headers: { 'retry-after': '1' } });
    await rig.send(trackEvents(3, 't'));
    await waitFor(() => receiver.delivered().length === 3, 'delivery after the 429');
    const [refused, accepted] = receiver.requests;
    expect(refused?.status).toBe(429);
    expect((accepted?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(receiver.delivered()).toEqual(ids('t', 3));
  });

  it('delivers in order what was stored while the destination was down, once it is back', async () => {
    const { receiver, rig } = await setup((url) => [hook(url, { batchSize: 4 })]);
    await receiver.down();
    for (let i = 0; i < 4; i++) await rig.send(trackEvents(5, `d${i}`));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const during = (await rig.api<AdminJson[]>('/admin/api/destinations'))[0]!;
    expect(during.pending).toBe(20);
    expect(during.lagSeconds).toBeGreaterThan(1);
    expect(during.lastError).toMatch(/ECONNREFUSED/);
    await receiver.up();
    await waitFor(() => receiver.delivered().length >= 20, 'delivery after the outage');
    expect(receiver.delivered()).toEqual([0, 1, 2, 3].flatMap((i) => ids(`d${i}`, 5)));
    // One warning when it started failing, naming the error, and one line when it recovered.
    const lines = rig.logs.filter((line) => line.msg.startsWith('destination'));
    expect(lines.map((line) => line.msg)).toEqual(['destination delivery failed; retrying', 'destination delivering again']);
    expect(lines[0]?.fields).toMatchObject({ destination: 'crm', error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('dead-letters a batch refused for good (4xx), and replays it on request', async () => {
    const { receiver, rig } = await setup((url) => [hook(url)]);
    receiver.answers.push({ status: 400 });
    await rig.send(trackEvents(3, 'x'));
    await waitFor(async () => (await rig.api('/admin/api/destinations/crm')).deadLettered === 3, 'dead letters');
    expect(receiver.delivered()).toEqual([]);
    expect(rig.metrics.render()).toMatch(/cairn_destination_dead_lettered_total\{destination="crm"\} 3/);
    const replay = await rig.admin('/admin/api/destinations/crm/replay', { method: 'POST' });
    expect(await replay.json()).toEqual({ replayed: 3 });
    await waitFor(() => receiver.delivered().length === 3, 'replayed delivery');
    expect(receiver.delivered()).toEqual(ids('x', 3));
    expect((await rig.admin('/admin/api/destinations/nope/replay', { method: 'POST' })).status).toBe(404);
  });

  it('dead-letters deliveries older than deadLetterAfterSeconds while the destination keeps failing', async () => {
    const { receiver, rig } = await setup((url) => [hook(url, { deadLetterAfterSeconds: 0.5 })]);
    await receiver.down();
    await rig.send(trackEvents(4, 'o'));
    await waitFor(async () => (await rig.api('/admin/api/destinations/crm')).deadLettered === 4, 'dead letters by age');
    const row = await rig.api('/admin/api/destinations/crm');
    expect(row).toMatchObject({ pending: 0, deadLettered: 4, lagSeconds: 0 });
    await receiver.up();
    await rig.send(trackEvents(1, 'n'));
    await waitFor(() => receiver.delivered().length === 1, 'the new event');
    expect(receiver.delivered()).toEqual(['n-000']);
  });
});

describe('destination rules', { timeout: 30_000 }, () => {
  it('never delivers an event whose consent stamp does not grant the destination category', async () => {
    const { receiver, rig } = await setup((url) => [hook(url, { name: 'ads', consent: 'marketing' }), hook(url, { name: 'all' })]);
    const stamp = (preferences: Record<string, boolean>) => ({ context: { consent: { categoryPreferences: preferences } } });
    await rig.send([
      ...trackEvents(1, 'granted', stamp({ analytics: true, marketing: true })),
      ...trackEvents(1, 'denied', stamp({ analytics: true, marketing: false })),
      ...trackEvents(1, 'omitted', stamp({ analytics: true })),
      ...trackEvents(1, 'unstamped'),
    ]);
    await waitFor(() => receiver.delivered().length >= 5, 'deliveries');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const by = (name: string) => receiver.requests.filter((r) => r.json.destination === name).flatMap((r) => r.json.batch.map((e) => e.messageId));
    expect(by('ads')).toEqual(['granted-000']);
    expect(by('all')).toEqual(['granted-000', 'denied-000', 'omitted-000', 'unstamped-000']);
  });

  it('filters by source, type, event name and sample rate, and drops or keeps properties and traits', async () => {
    const { receiver, rig } = await setup(
      (url) => [
        hook(url, { name: 'shop-only', sources: ['shop'], types: ['track'], events: ['Order Completed'] }),
        hook(url, { name: 'pii-free', dropProperties: ['email'], dropTraits: ['email', 'phone'] }),
        hook(url, { name: 'keep', keepProperties: ['total'], types: ['track'] }),
        hook(url, { name: 'half', sampleRate: 0.5, types: ['page'] }),
      ],
      { sources: ['shop', 'blog'] },
    );
    const order = { type: 'track', event: 'Order Completed', anonymousId: 'a', properties: { total: 9, email: 'x@y.z' } };
    await rig.send([
      { ...order, messageId: 'o1' },
      { type: 'identify', userId: 'u', messageId: 'i1', traits: { email: 'x@y.z', plan: 'pro', phone: '1' } },
      { type: 'track', event: 'Other', anonymousId: 'a', messageId: 't1', properties: { total: 1 } },
      ...Array.from({ length: 200 }, (_, i) => ({ type: 'page', name: 'Home', anonymousId: 'a', messageId: `p${i}` })),
    ], 'shop');
    await rig.send([{ ...order, messageId: 'o2' }], 'blog');
    const count = (name: string) => receiver.requests.filter((r) => r.json.destination === name).flatMap((r) => r.json.batch);
    await waitFor(() => count('pii-free').length === 204 && count('keep').length === 3, 'deliveries');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count('shop-only').map((e) => e.messageId)).toEqual(['o1']);
    const piiFree = count('pii-free');
    expect(piiFree.find((e) => e.messageId === 'o1')?.properties).toEqual({ total: 9 });
    expect(piiFree.find((e) => e.messageId === 'i1')?.traits).toEqual({ plan: 'pro' });
    expect(count('keep').map((e) => e.properties)).toEqual([{ total: 9 }, { total: 1 }, { total: 9 }]);
    const sampled = count('half').map((e) => String(e.messageId));
    expect(sampled.length).toBeGreaterThan(60);
    expect(sampled.length).toBeLessThan(140);
    // Deterministic by messageId: the same ids are picked by the rule's own hash.
    const { sampleFraction } = await import('./match-destination.js');
    expect(sampled).toEqual(Array.from({ length: 200 }, (_, i) => `p${i}`).filter((id) => sampleFraction(id) < 0.5));
  });
});

describe('destinations admin API', () => {
  it('needs the admin token, and does not exist without one', async () => {
    const { rig } = await setup((url) => [hook(url)]);
    expect((await rig.app.request('/admin/api/destinations')).status).toBe(401);
    expect((await rig.admin('/admin/api/destinations/missing')).status).toBe(404);
    const bare = await setup((url) => [hook(url)], { adminToken: null });
    expect((await bare.rig.app.request('/admin/api/destinations', { headers: { authorization: `Bearer ${RIG_ADMIN_TOKEN}` } })).status).toBe(404);
  });
});
