import { afterEach, describe, expect, it } from 'vitest';
import { startDestinationRig, trackEvents, waitFor } from '../testing/destination-rig.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('erasure reaches destinations', { timeout: 30_000 }, () => {
  it("deletes the person's pending deliveries and sends the webhook a deletion message", async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const rig = await startDestinationRig([
      { name: 'crm', kind: 'webhook', url: receiver.url, retryMinSeconds: 0.05, retryMaxSeconds: 0.2 },
      { name: 'quiet', kind: 'webhook', url: receiver.url, erasure: false, retryMinSeconds: 0.05, retryMaxSeconds: 0.2 },
    ]);
    cleanups.push(() => rig.stop());
    await receiver.down();
    await rig.send([...trackEvents(3, 'gone', { userId: 'u-erase', anonymousId: 'anon-x' }), ...trackEvents(2, 'kept', { userId: 'u-keep', anonymousId: 'anon-y' })]);
    await rig.send(trackEvents(1, 'anon', { anonymousId: 'anon-x' }));
    const erase = await rig.admin('/admin/erase', { method: 'POST', body: JSON.stringify({ userId: 'u-erase', anonymousId: 'anon-x' }) });
    expect(erase.status).toBe(200);
    expect(await erase.json()).toEqual({
      erased: { events: 4, quarantine: 0 },
      destinations: { deliveriesDeleted: 8, deletionMessages: ['crm'] },
    });
    await receiver.up();
    await waitFor(() => receiver.delivered().length >= 5, 'deliveries after the erasure');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const to = (name: string) => receiver.requests.filter((r) => r.status === 200 && r.json.destination === name).flatMap((r) => r.json.batch);
    expect(to('quiet').map((e) => e.messageId)).toEqual(['kept-000', 'kept-001']);
    const crm = to('crm');
    expect(crm.map((e) => e.type)).toEqual(['track', 'track', 'delete']);
    expect(crm.slice(0, 2).map((e) => e.messageId)).toEqual(['kept-000', 'kept-001']);
    expect(crm[2]).toEqual({
      type: 'delete',
      messageId: expect.stringMatching(/^cairn-erase-[0-9a-f-]{36}$/),
      userId: 'u-erase',
      anonymousId: 'anon-x',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(receiver.requests.map((r) => r.json))).not.toContain('gone-');
  });

  it('drops a queued delivery whose event is gone before it is sent (retention or an erasure racing the forwarder)', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const rig = await startDestinationRig([{ name: 'crm', kind: 'webhook', url: receiver.url, retryMinSeconds: 0.05, retryMaxSeconds: 0.2 }]);
    cleanups.push(() => rig.stop());
    await receiver.down();
    await rig.send(trackEvents(3, 'old'));
    await rig.store.deleteOlderThan(new Date(Date.now() + 60_000).toISOString());
    await rig.send(trackEvents(1, 'new'));
    await receiver.up();
    await waitFor(() => receiver.delivered().length >= 1, 'the new event');
    await waitFor(async () => (await rig.api('/admin/api/destinations/crm')).pending === 0, 'an empty outbox');
    expect(receiver.delivered()).toEqual(['new-000']);
  });
});
