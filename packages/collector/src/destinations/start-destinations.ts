import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ErasureSubject } from '../store/store.js';
import { ERASURE_KINDS, type DestinationConfig } from './destination-config.js';
import { destinationMetrics, type DestinationMetrics } from './destination-metrics.js';
import type { DestinationsControl } from './destinations-control.js';
import { startForwarders, type ForwarderHost } from './forwarders.js';
import type { Outbox } from './outbox.js';

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
  /**
   * Where the forwarders run; default on this thread, on `outbox`. The Node entry passes
   * `startForwarderWorker` so forwarding uses another core than ingest.
   */
  forwarders?: (metrics: DestinationMetrics) => ForwarderHost | Promise<ForwarderHost>;
}

/** The running destinations: the admin API's control, and a stop for shutdown. */
export interface RunningDestinations extends DestinationsControl {
  /** Stops every forwarder (after its batch in flight) and closes senders and the outbox. */
  stop(): Promise<void>;
}

/**
 * Starts one forwarder per destination on the outbox (here or where `forwarders` puts them),
 * and the gauges of `/metrics`; answers the admin API and erasure on `outbox`.
 *
 * @example
 * const destinations = startDestinations({ destinations: setup.destinations, outbox, metrics, logger });
 * const app = createCollector({ ..., destinations });
 */
export async function startDestinations(options: StartDestinationsOptions): Promise<RunningDestinations> {
  const { outbox, logger } = options;
  const now = options.now ?? Date.now;
  const metrics = destinationMetrics(options.metrics);
  const byName = new Map(options.destinations.map((config) => [config.name, config]));
  const names = [...byName.keys()];
  const forwarders: ForwarderHost = options.forwarders
    ? await options.forwarders(metrics)
    : startForwarders({ destinations: options.destinations, outbox, metrics, logger, now, ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }) });

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
      forwarders.wake(name);
      logger.info('destination dead letters replayed', { destination: name, deliveries: replayed });
      return replayed;
    },
    erase: async (subject: ErasureSubject) => {
      const takers = options.destinations.filter((config) => acceptsErasure(config, subject));
      const deletions = takers.map((config) => ({ destination: config.name, messageId: `cairn-erase-${crypto.randomUUID()}` }));
      const deliveriesDeleted = await outbox.erase(subject, deletions, now());
      for (const config of takers) forwarders.wake(config.name);
      return { deliveriesDeleted, deletionMessages: takers.map((config) => config.name) };
    },
    stop: async () => {
      clearInterval(gauges);
      await refreshing;
      await forwarders.stop();
      await outbox.close();
    },
  };
}

/** A deletion message goes where the kind takes one, unless turned off or the erasure is for a source it never receives. */
function acceptsErasure(config: DestinationConfig, subject: ErasureSubject): boolean {
  if (!ERASURE_KINDS.includes(config.kind) || config.erasure === false) return false;
  return subject.source === undefined || config.sources === undefined || config.sources.includes(subject.source);
}
