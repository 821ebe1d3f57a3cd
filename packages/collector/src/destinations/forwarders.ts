import type { Logger } from '../logger.js';
import { DESTINATION_DEFAULTS, type DestinationConfig } from './destination-config.js';
import type { DestinationMetrics } from './destination-metrics.js';
import { startForwarder, type Forwarder } from './forwarder.js';
import { createNatsSender } from './nats-sender.js';
import type { Outbox } from './outbox.js';
import { createSegmentSender } from './segment-sender.js';
import type { Sender } from './sender.js';
import { createWebhookSender } from './webhook-sender.js';

/** The forwarders of every destination, wherever they run (this thread or a worker). */
export interface ForwarderHost {
  /** Looks at one destination's queue now (after a replay or an erasure queued something). */
  wake(name: string): void;
  /** Stops every forwarder after its batch in flight, and closes the senders. */
  stop(): Promise<void>;
}

export interface StartForwardersOptions {
  destinations: readonly DestinationConfig[];
  outbox: Outbox;
  metrics: DestinationMetrics;
  logger: Logger;
  now?: () => number;
  pollMs?: number;
}

/**
 * One forwarder and sender per destination on this thread.
 *
 * @example
 * const host = startForwarders({ destinations, outbox, metrics: destinationMetrics(registry), logger });
 * await host.stop();
 */
export function startForwarders(options: StartForwardersOptions): ForwarderHost {
  const now = options.now ?? Date.now;
  const running = new Map<string, { forwarder: Forwarder; sender: Sender }>();
  for (const config of options.destinations) {
    const sender = createSender(config, now);
    const forwarder = startForwarder({
      config,
      outbox: options.outbox,
      sender,
      metrics: options.metrics,
      logger: options.logger,
      now,
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    });
    running.set(config.name, { forwarder, sender });
  }
  return {
    wake: (name) => running.get(name)?.forwarder.wake(),
    stop: async () => {
      await Promise.all([...running.values()].map(({ forwarder }) => forwarder.stop()));
      await Promise.all([...running.values()].map(({ sender }) => sender.close()));
    },
  };
}

function createSender(config: DestinationConfig, now: () => number): Sender {
  const timeoutMs = (config.timeoutSeconds ?? DESTINATION_DEFAULTS.timeoutSeconds) * 1000;
  switch (config.kind) {
    case 'webhook':
      return createWebhookSender(config, timeoutMs, now);
    case 'segment':
      return createSegmentSender(config, timeoutMs, now);
    case 'nats':
      return createNatsSender(config, timeoutMs);
  }
}
