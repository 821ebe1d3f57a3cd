import { Hono } from 'hono';
import type { CollectorEnv } from '../http/collector-env.js';
import { readJsonBody } from '../http/parse-json-body.js';
import { readRequestBody } from '../http/read-body.js';
import { isPlainObject } from '../json/is-plain-object.js';
import type { Metrics } from '../metrics/metrics.js';

/** Segment's library sends at most 20 series a request; a few KiB. */
const MAX_CLIENT_METRICS_BYTES = 16 * 1024;
const MAX_SERIES = 100;
// Segment's tracking API allow-lists `analytics_js.*` names; anything else is counted as
// `other`, so a made-up name cannot grow the registry.
const METRIC_NAME = /^analytics_js\.[a-z_.]{1,80}$/;
const MAX_NAMES = 50;

/**
 * `POST /m` (mounted under `/v1`): the client metrics Segment's analytics.js sends about
 * itself (`{"series": [{"type": "Counter", "metric": "analytics_js.invoke.track", "value": 1,
 * "tags": {…}}]}`). Nothing is stored: each series adds its value to
 * `cairn_client_metrics_total{metric}` on `/metrics`, and the answer is 200 so the library
 * keeps reporting. No write key (the library sends none); the body is bounded.
 *
 * @example
 * app.route('/v1', createClientMetricsRoutes(metrics));
 */
export function createClientMetricsRoutes(metrics: Metrics): Hono<CollectorEnv> {
  const counter = metrics.counter('cairn_client_metrics_total', "Client metrics reported by Segment's analytics.js (POST /v1/m), by metric");
  const names = new Set<string>();
  const routes = new Hono<CollectorEnv>();
  routes.post('/m', async (c) => {
    const { value } = readJsonBody(await readRequestBody(c.req.raw, MAX_CLIENT_METRICS_BYTES));
    const series = isPlainObject(value) && Array.isArray(value.series) ? value.series.slice(0, MAX_SERIES) : [];
    let counted = 0;
    for (const item of series) {
      if (!isPlainObject(item)) continue;
      const amount = typeof item.value === 'number' && Number.isFinite(item.value) && item.value > 0 ? Math.min(item.value, 1e6) : 1;
      counter.inc({ metric: metricLabel(item.metric, names) }, amount);
      counted++;
    }
    return c.json({ counted }, 200);
  });
  return routes;
}

function metricLabel(name: unknown, names: Set<string>): string {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) return 'other';
  if (names.has(name)) return name;
  if (names.size >= MAX_NAMES) return 'other';
  names.add(name);
  return name;
}
