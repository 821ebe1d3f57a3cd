import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { startDestinationRig, trackEvents, waitFor } from '../testing/destination-rig.js';
import { createNatsSender } from './nats-sender.js';
import type { OutboxItem } from './outbox.js';

// The machine's NATS server with JetStream (127.0.0.1:4222; CAIRN_TEST_NATS_URL overrides).
// Each test makes a stream with a unique name and subject and deletes it after.
const NATS_URL = process.env.CAIRN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const nc: NatsConnection | undefined = await connect({ servers: NATS_URL, timeout: 2_000 }).catch(() => undefined);
const SKIP = nc ? '' : ` (skipped: no NATS server at ${NATS_URL})`;
const streams: string[] = [];
afterAll(async () => {
  if (!nc) return;
  const jsm = await nc.jetstreamManager();
  for (const name of streams) await jsm.streams.delete(name).catch(() => undefined);
  await nc.close();
});

async function createStream(): Promise<{ name: string; subject: string; read(): Promise<{ data: Record<string, unknown>; msgId: string | undefined; type: string | undefined }[]> }> {
  const id = randomBytes(5).toString('hex');
  const name = `cairn_test_${id}`;
  const subject = `cairn-test.${id}.events`;
  const jsm = await (nc as NatsConnection).jetstreamManager();
  await jsm.streams.add({ name, subjects: [subject], duplicate_window: 60_000_000_000 });
  streams.push(name);
  return {
    name,
    subject,
    read: async () => {
      const info = await jsm.streams.info(name);
      const out = [];
      for (let seq = 1; seq <= info.state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(name, { seq });
        out.push({ data: message.json<Record<string, unknown>>(), msgId: message.header?.get('Nats-Msg-Id'), type: message.header?.get('Cairn-Type') });
      }
      return out;
    },
  };
}

describe.skipIf(!nc)(`NATS JetStream destination${SKIP}`, { timeout: 30_000 }, () => {
  it('publishes each event in order with Nats-Msg-Id = messageId, once the stream exists', async () => {
    const id = randomBytes(5).toString('hex');
    const subject = `cairn-test.${id}.events`;
    const rig = await startDestinationRig([
      { name: 'stream', kind: 'nats', url: NATS_URL, subject, retryMinSeconds: 0.05, retryMaxSeconds: 0.3, timeoutSeconds: 1, batchSize: 8 },
    ]);
    try {
      await rig.send(trackEvents(20, 'n'));
      // No stream takes the subject yet: publishing fails and is retried.
      await waitFor(async () => (await rig.api('/admin/api/destinations/stream')).failed > 0, 'a failed attempt');
      const jsm = await (nc as NatsConnection).jetstreamManager();
      const name = `cairn_test_${id}`;
      await jsm.streams.add({ name, subjects: [subject] });
      streams.push(name);
      await waitFor(async () => (await jsm.streams.info(name)).state.messages >= 20, '20 messages in the stream');
      const info = await jsm.streams.info(name);
      const ids = [];
      for (let seq = 1; seq <= info.state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(name, { seq });
        const data = message.json<Record<string, unknown>>();
        expect(message.header?.get('Nats-Msg-Id')).toBe(data.messageId);
        expect(message.header?.get('Cairn-Type')).toBe('event');
        ids.push(String(data.messageId));
      }
      expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `n-${String(i).padStart(3, '0')}`));
      const row = await rig.api('/admin/api/destinations/stream');
      expect(row).toMatchObject({ kind: 'nats', delivered: 20, pending: 0 });
      expect(row.lastError).toMatch(/NATS/);
    } finally {
      await rig.stop();
    }
  });

  it('lets JetStream drop a resend of the same messageId, and publishes deletion messages', async () => {
    const stream = await createStream();
    const sender = createNatsSender({ name: 's', kind: 'nats', url: NATS_URL, subject: stream.subject }, 2_000);
    const item = (id: string, kind: OutboxItem['kind'] = 'event'): OutboxItem => ({
      id: 1,
      kind,
      source: 'web',
      messageId: id,
      body: kind === 'event' ? JSON.stringify({ type: 'track', event: 'A', messageId: id }) : null,
      userId: kind === 'erase' ? 'u1' : null,
      anonymousId: null,
      attempts: 0,
      createdAt: Date.now(),
    });
    try {
      expect(await sender.send([item('m1'), item('m2')])).toEqual({ ok: true });
      // A redelivery after a crash: the same ids again.
      expect(await sender.send([item('m1'), item('m2'), item('m3')])).toEqual({ ok: true });
      expect(await sender.send([item('cairn-erase-1', 'erase')])).toEqual({ ok: true });
      const messages = await stream.read();
      expect(messages.map((m) => m.msgId)).toEqual(['m1', 'm2', 'm3', 'cairn-erase-1']);
      expect(messages[3]).toMatchObject({ type: 'delete', data: { type: 'delete', messageId: 'cairn-erase-1', userId: 'u1', source: 'web' } });
    } finally {
      await sender.close();
    }
  });
});
