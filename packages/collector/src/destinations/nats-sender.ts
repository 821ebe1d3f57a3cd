import { connect, headers as natsHeaders, type JetStreamClient, type NatsConnection } from 'nats';
import type { DestinationConfig } from './destination-config.js';
import type { SendResult, Sender } from './sender.js';
import { shapeEvent } from './shape-event.js';

/**
 * NATS JetStream destination: each event is published to `subject` with `Nats-Msg-Id` = its
 * messageId, so the stream drops a resend within its duplicate window. A deletion message goes
 * to the same subject with the header `Cairn-Type: delete`. The connection is opened on the
 * first batch and kept (the client reconnects by itself); publishes are pipelined on it, which
 * keeps their order, and the batch is delivered once every one is acknowledged by the stream.
 *
 * @example
 * const sender = createNatsSender({ name: 'stream', kind: 'nats', url: 'nats://127.0.0.1:4222', subject: 'cairn.events' }, 10_000);
 */
export function createNatsSender(config: DestinationConfig, timeoutMs: number): Sender {
  const subject = config.subject ?? '';
  const encoder = new TextEncoder();
  let connection: Promise<{ nc: NatsConnection; js: JetStreamClient }> | undefined;
  const open = () =>
    (connection ??= connect({ servers: config.url, name: `cairn-destination-${config.name}`, timeout: timeoutMs, maxReconnectAttempts: -1 }).then(
      (nc) => ({ nc, js: nc.jetstream({ timeout: timeoutMs }) }),
      (error: unknown) => {
        connection = undefined;
        throw error;
      },
    ));

  return {
    send: async (items): Promise<SendResult> => {
      try {
        const { js } = await open();
        await Promise.all(
          items.map((item) => {
            const erase = item.kind === 'erase';
            const h = natsHeaders();
            h.set('Cairn-Type', erase ? 'delete' : 'event');
            const shaped = shapeEvent(item, config);
            return js.publish(subject, typeof shaped === 'string' ? encoder.encode(shaped) : shaped, { msgID: item.messageId, headers: h, timeout: timeoutMs });
          }),
        );
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `NATS ${config.url} subject ${subject}: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
    close: async () => {
      const open = connection;
      connection = undefined;
      if (open) await open.then(({ nc }) => nc.drain()).catch(() => undefined);
    },
  };
}
