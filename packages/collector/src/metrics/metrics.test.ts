import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('renders counters, gauges and histograms in Prometheus text format', () => {
    const metrics = createMetrics();
    const events = metrics.counter('cairn_events_total', 'Events by outcome');
    events.inc({ source: 'shop', outcome: 'accepted' }, 48);
    events.inc({ outcome: 'accepted', source: 'shop' }, 2);
    events.inc({ source: 'sh"op\n', outcome: 'rejected' });
    metrics.gauge('cairn_queue_depth', 'Pending writes').set(3);
    const latency = metrics.histogram('cairn_commit_seconds', 'Commit latency', [0.01, 0.1]);
    latency.observe(0.005);
    latency.observe(0.05);
    latency.observe(1);

    expect(metrics.render()).toBe(
      [
        '# HELP cairn_events_total Events by outcome',
        '# TYPE cairn_events_total counter',
        'cairn_events_total{outcome="accepted",source="shop"} 50',
        'cairn_events_total{outcome="rejected",source="sh\\"op\\n"} 1',
        '# HELP cairn_queue_depth Pending writes',
        '# TYPE cairn_queue_depth gauge',
        'cairn_queue_depth 3',
        '# HELP cairn_commit_seconds Commit latency',
        '# TYPE cairn_commit_seconds histogram',
        'cairn_commit_seconds_bucket{le="0.01"} 1',
        'cairn_commit_seconds_bucket{le="0.1"} 2',
        'cairn_commit_seconds_bucket{le="+Inf"} 3',
        'cairn_commit_seconds_sum 1.055',
        'cairn_commit_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it('returns the same metric for a name registered twice and refuses a kind change', () => {
    const metrics = createMetrics();
    metrics.counter('x_total', 'x').inc();
    metrics.counter('x_total', 'x').inc();
    expect(metrics.render()).toContain('x_total 2');
    expect(() => metrics.gauge('x_total', 'x')).toThrow(/already registered/);
  });

  it('renders a summary: one series per quantile, then _sum and _count', () => {
    const metrics = createMetrics();
    const delay = metrics.summary('loop_delay_seconds', 'Delay', [0.5, 0.99, 1]);
    delay.set({ quantiles: [0.001, 0.02, 0.05], sum: 1.5, count: 300 });
    delay.set({ quantiles: [1, 2, 3], sum: 6, count: 3 }, { worker: 'a' });
    expect(metrics.render()).toBe(
      [
        '# HELP loop_delay_seconds Delay',
        '# TYPE loop_delay_seconds summary',
        'loop_delay_seconds{quantile="0.5"} 0.001',
        'loop_delay_seconds{quantile="0.99"} 0.02',
        'loop_delay_seconds{quantile="1"} 0.05',
        'loop_delay_seconds_sum 1.5',
        'loop_delay_seconds_count 300',
        'loop_delay_seconds{worker="a",quantile="0.5"} 1',
        'loop_delay_seconds{worker="a",quantile="0.99"} 2',
        'loop_delay_seconds{worker="a",quantile="1"} 3',
        'loop_delay_seconds_sum{worker="a"} 6',
        'loop_delay_seconds_count{worker="a"} 3',
        '',
      ].join('\n'),
    );
  });
});
