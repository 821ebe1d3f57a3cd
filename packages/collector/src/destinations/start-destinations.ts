import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ErasureSubject } from '../store/store.js';
import { DESTINATION_DEFAULTS, ERASURE_KINDS, type DestinationConfig } from './destination-config.js';
import { destinationMetrics } from './destination-metrics.js';
import type { DestinationsControl } from './destinations-control.js';
import { startForwarder, type Forwarder } from './forwarder.js';
import { createNatsSender } from './nats-sender.js';
import type { Outbox } from './outbox.js';
import { createSegmentSender } from './segment-sender.js';
import type { Sender } from './sender.js';
import { createWebhookSender } from './webhook-sender.js';

export interface StartDestinationsOptions {
  destinations: readonly DestinationConfig[];
  outbox: Outbox;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
  /** Idle poll of each forwarder; default 100 ms. */
  pollMs?: number;
  /** Refresh of the pending / lag gauges; default 2 s. */
  gaugeIntervalMs?: number;
}

/** The running destinations: the admin API's control, and a stop for shutdown. */
export interface RunningDestinations extends DestinationsControl {
  /** Stops every forwarder (after its batch in flight) and closes senders and the outbox. */
  stop(): Promise<void>;
}

/**
 * Starts one forwarder per destination on the outbox, and the gauges of `/metrics`.
 *
 * @example
 * const destinations = startDestinations({ destinations: setup.destinations, outbox, metrics, logger });
 * const app = createCollector({ ..., destinations });
 */
export function startDestinations(options: StartDestinationsOptions): RunningDestinations {
  const { outbox, logger } = options;
  const now = options.now ?? Date.now;
  const metrics = destinationMetrics(options.metrics);
  const byName = new Map(options.destinations.map((config) => [config.name, config]));
  const names = [...byName.keys()];
  const senders = new Map<string, Sender>();
  const forwarders = new Map<string, Forwarder>();
  for (const config of options.destinations) {
    const sender = createSender(config, now);
    senders.set(config.name, sender);
    forwarders.set(config.name, startForwarder({ config, outbox, sender, metrics, logger, now, ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }) }));
  }

  const counts = async () => (await outbox.counts(names, now())).map((row) => ({ ...row, kind: byName.get(row.name)?.kind ?? 'unknown' }));
  const refreshGauges = async () => {
    for (const row of await outbox.counts(names, now())) {
      const labels = { destination: row.name };
      metrics.pending.set(row.pending, labels);
      metrics.deadLetters.set(row.deadLettered, labels);
      metrics.lagSeconds.set(row.lagSeconds, labels);
    }
  };
  let refreshing: Promise<void> = refreshGauges().catch(() => undefined);
  const gauges = setInterval(() => {
    refreshing = refreshGauges().catch((error: unknown) => logger.warn('destination gauges not refreshed', { error: String(error) }));
  }, options.gaugeIntervalMs ?? 2_000);
  gauges.unref();

  return {
    names: () => names,
    counts,
    replay: async (name) => {
      const replayed = await outbox.replayDeadLetters(name, now());
      forwarders.get(name)?.wake();
      logger.info('destination dead letters replayed', { destination: name, deliveries: replayed });
      return replayed;
    },
    erase: async (subject: ErasureSubject) => {
      const takers = options.destinations.filter((config) => acceptsErasure(config, subject));
      const deletions = takers.map((config) => ({ destination: config.name, messageId: `cairn-erase-${crypto.randomUUID()}` }));
      const deliveriesDeleted = await outbox.erase(subject, deletions, now());
      for (const config of takers) forwarders.get(config.name)?.wake();
      return { deliveriesDeleted, deletionMessages: takers.map((config) => config.name) };
    },
    stop: async () => {
      clearInterval(gauges);
      await refreshing;
      await Promise.all([...forwarders.values()].map((forwarder) => forwarder.stop()));
      await Promise.all([...senders.values()].map((sender) => sender.close()));
      await outbox.close();
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

/** A deletion message goes where the kind takes one, unless turned off or the erasure is for a source it never receives. */
function acceptsErasure(config: DestinationConfig, subject: ErasureSubject): boolean {
  if (!ERASURE_KINDS.includes(config.kind) || config.erasure === false) return false;
  return subject.source === undefined || config.sources === undefined || config.sources.includes(subject.source);
}
