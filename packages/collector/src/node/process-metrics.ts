import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Metrics } from '../metrics/metrics.js';

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
  const delay = metrics.gauge('nodejs_eventloop_delay_seconds', 'Event-loop delay since the last scrape, by quantile');
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
      // Nanoseconds in the histogram; NaN before the first sample.
      for (const q of [0.5, 0.99]) delay.set((histogram.percentile(q * 100) || 0) / 1e9, { quantile: String(q) });
      delay.set((histogram.max || 0) / 1e9, { quantile: '1' });
      histogram.reset();
    },
    stop: () => histogram.disable(),
  };
}
