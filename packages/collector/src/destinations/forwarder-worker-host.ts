import { Worker } from 'node:worker_threads';
import { describeError, type Logger } from '../logger.js';
import type { DestinationConfig } from './destination-config.js';
import type { DestinationMetrics } from './destination-metrics.js';
import type { MainMessage, OutboxSpec, WorkerMessage } from './forwarder-worker-protocol.js';
import type { ForwarderHost } from './forwarders.js';

export interface ForwarderWorkerOptions {
  destinations: readonly DestinationConfig[];
  outbox: OutboxSpec;
  metrics: DestinationMetrics;
  logger: Logger;
  /** The built worker entry; default `forwarder-worker.js` beside this module in dist/. */
  workerUrl?: URL;
  pollMs?: number;
}

/**
 * Runs the forwarders on a worker thread with its own outbox connection: on a 2-core machine
 * the forwarding work (reading events, building and signing batches, settling) then takes the
 * other core instead of slowing ingest down. Counters come back to this thread's `/metrics`
 * every 500 ms and at stop; log lines go through `logger`. If the worker dies, it is logged
 * and started again after a second (the outbox keeps every delivery meanwhile).
 *
 * @example
 * const destinations = await startDestinations({ ..., forwarders: (metrics) => startForwarderWorker({ destinations, outbox: spec, metrics, logger }) });
 */
export async function startForwarderWorker(options: ForwarderWorkerOptions): Promise<ForwarderHost> {
  const url = options.workerUrl ?? new URL('./forwarder-worker.js', import.meta.url);
  let worker: Worker | undefined;
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;
  let stopped: (() => void) | undefined;

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      const current = new Worker(url, {
        workerData: { destinations: options.destinations, outbox: options.outbox, flushMs: 500, ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }) },
      });
      worker = current;
      current.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            resolve();
            break;
          case 'failed':
            reject(new Error(`destination forwarders could not open the outbox: ${message.message}`));
            break;
          case 'counters':
            for (const { counter, destination, by } of message.increments) options.metrics[counter].inc({ destination }, by);
            break;
          case 'log':
            options.logger[message.level](message.msg, message.fields);
            break;
          case 'stopped':
            stopped?.();
            break;
        }
      });
      current.on('error', (error) => {
        options.logger.error('destination forwarder thread failed', { error: describeError(error) });
        reject(error);
      });
      current.on('exit', (code) => {
        if (worker === current) worker = undefined;
        stopped?.();
        if (stopping) return;
        options.logger.error('destination forwarder thread exited; restarting it in 1 s', { code });
        restart = setTimeout(() => void spawn().catch(() => undefined), 1_000);
      });
    });

  await spawn();
  const send = (message: MainMessage) => worker?.postMessage(message);
  return {
    wake: (destination) => send({ type: 'wake', destination }),
    stop: async () => {
      stopping = true;
      clearTimeout(restart);
      const current = worker;
      if (!current) return;
      await new Promise<void>((resolve) => {
        stopped = resolve;
        current.postMessage({ type: 'stop' } satisfies MainMessage);
      });
      await current.terminate();
    },
  };
}
