import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Metrics } from '../metrics/metrics.js';

const DELAY_QUANTILES = [0.5, 0.99, 1] as const;

/**
 * Process gauges refreshed at each scrape: resident memory, heap, event-loop delay (how long
 * a ready request waits for the thread; it grows first when the collector is CPU-bound).
 *
 * @example
 * const refresh = createProcessMetrics(metrics);
 * createCollector({ …, metrics, beforeMetricsScrape: refresh.update });
 */
export function createProcessMetrics(metrics: Metrics): { update: () => void; stop: () => void } {
  const rss = metrics.gauge('process_resident_memory_bytes', 'Resident memory size in bytes');
  const heap = metrics.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes');
  const heapTotal = metrics.gauge('nodejs_heap_total_bytes', 'V8 heap reserved, in bytes');
  const external = metrics.gauge('nodejs_external_memory_bytes', 'Memory of Buffers and native objects held by JS, in bytes');
  const start = metrics.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds');
  // A summary: quantiles (and the maximum, as quantile 1) over the time since the last scrape,
  // sum and count over the process's life (Prometheus reads them as counters).
  const delay = metrics.summary('nodejs_eventloop_delay_seconds', 'Event-loop delay; quantiles since the last scrape', DELAY_QUANTILES);
  let delaySum = 0;
  let delayCount = 0;
  start.set(Math.round(Date.now() / 1000 - process.uptime()));
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  return {
    update() {
      const memory = process.memoryUsage();
      rss.set(memory.rss);
      heap.set(memory.heapUsed);
      heapTotal.set(memory.heapTotal);
      external.set(memory.external);
      // Nanoseconds in the histogram; NaN (mean) or 0 before the first sample.
      const count = histogram.count;
      delayCount += count;
      delaySum += count > 0 ? (histogram.mean * count) / 1e9 : 0;
      delay.set({
        quantiles: DELAY_QUANTILES.map((q) => (q === 1 ? histogram.max : histogram.percentile(q * 100)) / 1e9 || 0),
        sum: delaySum,
        count: delayCount,
      });
      histogram.reset();
    },
    stop: () => histogram.disable(),
  };
}
