import { describeError, type Logger } from '../logger.js';
import { retryDelayMs } from './backoff.js';
import { DESTINATION_DEFAULTS, type DestinationConfig } from './destination-config.js';
import type { DestinationMetrics } from './destination-metrics.js';
import type { Outbox, SendOutcome, StepResult } from './outbox.js';
import type { Sender } from './sender.js';

export interface ForwarderOptions {
  config: DestinationConfig;
  outbox: Outbox;
  sender: Sender;
  metrics: DestinationMetrics;
  logger: Logger;
  now?: () => number;
  /** How often an idle forwarder looks for new deliveries; default 100 ms. */
  pollMs?: number;
}

/** One destination's delivery loop. */
export interface Forwarder {
  /** Looks at the outbox now instead of at the next poll (after a replay, in tests). */
  wake(): void;
  /** Stops after the batch in flight is settled. Idempotent. */
  stop(): Promise<void>;
}

/** Longest sleep before the head is looked at again (a replay or another instance may have changed it). */
const MAX_SLEEP_MS = 5_000;

/**
 * Starts the forwarder of one destination: takes the oldest due deliveries in batches, sends
 * them in order, and settles them through the outbox (delivered, retried with capped jittered
 * backoff or the receiver's Retry-After, or dead-lettered). The queue's head blocks the ones
 * behind it until it is delivered or dead-lettered: order per destination is kept.
 *
 * @example
 * const forwarder = startForwarder({ config, outbox, sender: createWebhookSender(config, 10_000), metrics, logger });
 * await forwarder.stop();
 */
export function startForwarder(options: ForwarderOptions): Forwarder {
  const { config, outbox, sender, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 100;
  const labels = { destination: config.name };
  const minMs = (config.retryMinSeconds ?? DESTINATION_DEFAULTS.retryMinSeconds) * 1000;
  const maxMs = (config.retryMaxSeconds ?? DESTINATION_DEFAULTS.retryMaxSeconds) * 1000;
  const deadAfterMs = (config.deadLetterAfterSeconds ?? DESTINATION_DEFAULTS.deadLetterAfterSeconds) * 1000;
  const stepOptions = {
    limit: config.batchSize ?? DESTINATION_DEFAULTS.batchSize,
    now,
    deadLetterBefore: () => now() - deadAfterMs,
  };
  for (const counter of [metrics.delivered, metrics.retried, metrics.failed, metrics.deadLettered]) counter.inc(labels, 0);

  let stopped = false;
  let wakeUp: (() => void) | undefined;
  /** The error of the latest failed attempt; undefined while deliveries go through. */
  let failing: string | undefined;
  let latestError = '';
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, Math.min(ms, MAX_SLEEP_MS)));
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const send = async (items: Parameters<Sender['send']>[0]): Promise<SendOutcome> => {
    const result = await sender.send(items);
    if (result.ok) return result;
    latestError = result.error;
    const failures = items[0]?.attempts ?? 0;
    const delay = retryDelayMs({ failures, minMs, maxMs, ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }) });
    return { ok: false, error: result.error, retryAt: Math.ceil(now() + delay), ...(result.permanent ? { permanent: true } : {}) };
  };

  const record = (result: StepResult) => {
    if (result.delivered > 0) metrics.delivered.inc(labels, result.delivered);
    if (result.delivered === 0 && result.sent > 0) metrics.failed.inc(labels, result.sent);
    if (result.retried > 0) metrics.retried.inc(labels, result.retried);
    if (result.deadLettered > 0) metrics.deadLettered.inc(labels, result.deadLettered);
  };

  const loop = (async () => {
    while (!stopped) {
      let result: StepResult;
      try {
        result = await outbox.step(config.name, stepOptions, send);
      } catch (error) {
        // The database is down or busy: the deliveries stay where they are.
        logger.error('destination step failed', { destination: config.name, error: describeError(error) });
        await sleep(1_000);
        continue;
      }
      record(result);
      // One line when a destination starts failing (with the error) and one when it recovers,
      // not one per retry: /admin/api/destinations and /metrics show the rest.
      if (result.sent > 0 && result.delivered === 0) {
        if (failing === undefined) {
          logger.warn('destination delivery failed; retrying', {
            destination: config.name,
            error: latestError,
            deliveries: result.sent,
            deadLettered: result.deadLettered,
            retryAt: result.dueAt === undefined ? null : new Date(result.dueAt).toISOString(),
          });
        }
        failing = latestError;
      } else if (result.delivered > 0 && failing !== undefined) {
        logger.info('destination delivering again', { destination: config.name, lastError: failing });
        failing = undefined;
      }
      if (result.delivered > 0 || (result.orphaned > 0 && result.sent === 0)) continue;
      if (result.busy) await sleep(pollMs * 5);
      else if (result.dueAt !== undefined) await sleep(result.dueAt - now());
      else await sleep(pollMs);
    }
  })();

  return {
    wake: () => wakeUp?.(),
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}
