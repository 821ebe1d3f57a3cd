import type { Counter, Gauge, Metrics } from '../metrics/metrics.js';

/** Per-destination series on `/metrics`, labelled `destination`. */
export interface DestinationMetrics {
  delivered: Counter;
  /** Deliveries whose attempt failed and that were scheduled again. */
  retried: Counter;
  /** Deliveries whose attempt failed (retried or dead-lettered). */
  failed: Counter;
  deadLettered: Counter;
  pending: Gauge;
  deadLetters: Gauge;
  /** Age of the oldest pending delivery. */
  lagSeconds: Gauge;
}

/**
 * Registers the destination metric families (idempotent, like `collectorMetrics`).
 *
 * @example
 * const m = destinationMetrics(metrics);
 * m.delivered.inc({ destination: 'crm' }, 100);
 */
export function destinationMetrics(metrics: Metrics): DestinationMetrics {
  return {
    delivered: metrics.counter('cairn_destination_delivered_total', 'Deliveries accepted by the destination (this instance)'),
    retried: metrics.counter('cairn_destination_retried_total', 'Deliveries that failed and were scheduled for another attempt (this instance)'),
    failed: metrics.counter('cairn_destination_failed_total', 'Delivery attempts that failed, counted per delivery (this instance)'),
    deadLettered: metrics.counter('cairn_destination_dead_lettered_total', 'Deliveries moved to dead letters (this instance)'),
    pending: metrics.gauge('cairn_destination_pending', 'Deliveries waiting in the outbox (all instances)'),
    deadLetters: metrics.gauge('cairn_destination_dead_letters', 'Deliveries in dead letters, replayable (all instances)'),
    lagSeconds: metrics.gauge('cairn_destination_lag_seconds', 'Age in seconds of the oldest pending delivery; 0 when none is pending'),
  };
}
