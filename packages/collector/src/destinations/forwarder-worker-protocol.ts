import type { LogFields } from '../logger.js';
import type { DestinationConfig } from './destination-config.js';

/** Which outbox the worker opens: its own connection(s) to the collector's database. */
export type OutboxSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; connections: number };

/** The worker's `workerData`. */
export interface ForwarderWorkerData {
  destinations: DestinationConfig[];
  outbox: OutboxSpec;
  pollMs?: number;
  /** How often counter increments are sent to the main thread's `/metrics`. */
  flushMs: number;
}

export type CounterName = 'delivered' | 'retried' | 'failed' | 'deadLettered';

/** Worker → main. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'counters'; increments: { counter: CounterName; destination: string; by: number }[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields: LogFields }
  | { type: 'stopped' };

/** Main → worker. */
export type MainMessage = { type: 'wake'; destination: string } | { type: 'stop' };
