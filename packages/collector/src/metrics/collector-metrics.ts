import type { Counter, Gauge, Histogram, Metrics } from './metrics.js';

/** Latency buckets in seconds, from a fast commit to a request stuck behind a full queue. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const EVENTS = [1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const REQUESTS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/** Every metric the collector exports, registered in one place so names stay consistent. */
export interface CollectorMetrics {
  /** Every HTTP request: `route` (a known path or `other`), `status`. */
  httpRequests: Counter;
  /** Ingest requests: `source` (`unknown` before the write key matched), `outcome` (`ok` or the error code). */
  ingestRequests: Counter;
  /** Ingest request latency in seconds, until the answer (after the commit). */
  ingestSeconds: Histogram;
  /** Events: `source`, `outcome` = accepted | duplicate | rejected. */
  events: Counter;
  /** Events per ingest request. */
  batchEvents: Histogram;
  /** Rejected events kept in quarantine: `source`, `code`. */
  quarantined: Counter;
  /** Requests refused with 429: `scope` = ip | source. */
  rateLimited: Counter;
  /** Group commit: requests and events per commit, commit latency, queue depth. */
  commitRequests: Histogram;
  commitEvents: Histogram;
  commitSeconds: Histogram;
  commitFailures: Counter;
  queueEvents: Gauge;
  queueRequests: Gauge;
  /** Writes refused because the queue was full (503). */
  writesRefused: Counter;
  retentionDeleted: Counter;
}

/**
 * Registers the collector's metric families on `metrics` (idempotent: the registry returns
 * the same family for the same name).
 *
 * @example
 * const m = collectorMetrics(createMetrics());
 * m.events.inc({ source: 'shop', outcome: 'accepted' }, 20);
 */
export function collectorMetrics(metrics: Metrics): CollectorMetrics {
  return {
    httpRequests: metrics.counter('cairn_http_requests_total', 'HTTP requests by route and status'),
    ingestRequests: metrics.counter('cairn_ingest_requests_total', 'Ingest requests by source and outcome'),
    ingestSeconds: metrics.histogram('cairn_ingest_duration_seconds', 'Ingest request latency, answered after the commit', SECONDS),
    events: metrics.counter('cairn_events_total', 'Events by source and outcome (accepted, duplicate, rejected)'),
    batchEvents: metrics.histogram('cairn_batch_events', 'Events per ingest request', EVENTS),
    quarantined: metrics.counter('cairn_quarantined_total', 'Events kept in quarantine, by source and code'),
    rateLimited: metrics.counter('cairn_rate_limited_total', 'Requests refused with 429, by scope (ip, source, admin)'),
    commitRequests: metrics.histogram('cairn_commit_requests', 'Requests committed per transaction (group commit)', REQUESTS),
    commitEvents: metrics.histogram('cairn_commit_events', 'Events committed per transaction (group commit)', EVENTS),
    commitSeconds: metrics.histogram('cairn_commit_duration_seconds', 'Store commit latency', SECONDS),
    commitFailures: metrics.counter('cairn_commit_failures_total', 'Store commits that failed'),
    queueEvents: metrics.gauge('cairn_write_queue_events', 'Events waiting for a commit'),
    queueRequests: metrics.gauge('cairn_write_queue_requests', 'Requests waiting for a commit'),
    writesRefused: metrics.counter('cairn_writes_refused_total', 'Writes refused with 503 because the queue was full'),
    retentionDeleted: metrics.counter('cairn_retention_deleted_total', 'Events deleted by the retention period'),
  };
}
