// Worker-thread entry of the forwarders (see forwarder-worker-host.ts): reading the outbox,
// building and signing batches and settling them run here, on another core than ingest.
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { Counter, Gauge } from '../metrics/metrics.js';
import type { DestinationMetrics } from './destination-metrics.js';
import type { CounterName, ForwarderWorkerData, MainMessage, WorkerMessage } from './forwarder-worker-protocol.js';
import { startForwarders } from './forwarders.js';
import type { Outbox } from './outbox.js';

const port = parentPort;
if (port) {
  const data = workerData as ForwarderWorkerData;
  const post = (message: WorkerMessage) => port.postMessage(message);
  const pending = new Map<string, number>();
  const counter = (name: CounterName): Counter => ({
    inc: (labels, by = 1) => {
      const key = `${name}\u0000${labels?.destination ?? ''}`;
      pending.set(key, (pending.get(key) ?? 0) + by);
    },
  });
  const flush = () => {
    if (pending.size === 0) return;
    const increments = [...pending].map(([key, by]) => {
      const [name, destination] = key.split('\u0000') as [CounterName, string];
      return { counter: name, destination, by };
    });
    pending.clear();
    post({ type: 'counters', increments });
  };
  // Gauges are the main thread's (it reads the outbox for the admin API anyway).
  const noGauge: Gauge = { set: () => undefined };
  const metrics: DestinationMetrics = {
    delivered: counter('delivered'),
    retried: counter('retried'),
    failed: counter('failed'),
    deadLettered: counter('deadLettered'),
    pending: noGauge,
    deadLetters: noGauge,
    lagSeconds: noGauge,
  };
  const logger: Logger = {
    info: (msg, fields = {}) => post({ type: 'log', level: 'info', msg, fields }),
    warn: (msg, fields = {}) => post({ type: 'log', level: 'warn', msg, fields }),
    error: (msg, fields = {}) => post({ type: 'log', level: 'error', msg, fields }),
  };

  void (async () => {
    let outbox: Outbox;
    try {
      outbox = await openOutbox(data);
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const host = startForwarders({ destinations: data.destinations, outbox, metrics, logger, ...(data.pollMs === undefined ? {} : { pollMs: data.pollMs }) });
    const flusher = setInterval(flush, data.flushMs);
    port.on('message', (message: MainMessage) => {
      if (message.type === 'wake') host.wake(message.destination);
      else if (message.type === 'stop') {
        void (async () => {
          clearInterval(flusher);
          await host.stop();
          await outbox.close();
          flush();
          post({ type: 'stopped' });
        })();
      }
    });
    post({ type: 'ready' });
  })();
}

async function openOutbox(data: ForwarderWorkerData): Promise<Outbox> {
  if (data.outbox.kind === 'sqlite') {
    const { createSqliteOutbox } = await import('./sqlite-outbox.js');
    return createSqliteOutbox({ path: data.outbox.path });
  }
  const { createPostgresOutbox } = await import('./postgres-outbox.js');
  return createPostgresOutbox({ url: data.outbox.url, connections: data.outbox.connections });
}
