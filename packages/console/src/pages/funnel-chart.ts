import type { ChartSeries } from '../charts.js';
import { formatCount, h } from '../dom.js';

/** Series past this many share the last colour class; the tables hold every group anyway. */
const COLOURS = 6;

/**
 * Horizontal bars per step, one per series (a breakdown group), side by side: a funnel reads
 * top to bottom, and groups stay comparable (uPlot's bars would overlap them at one x). Widths
 * are set through the CSSOM (`style.width`), which the console's CSP allows; no inline styles.
 * `data-series` holds what is drawn, as for the other charts.
 *
 * @example
 * funnelChart('People per step', ['Viewed', 'Added'], [{ label: 'mobile', values: [3, 2] }])
 */
export function funnelChart(title: string, labels: string[], series: ChartSeries[]): HTMLElement {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const legend =
    series.length > 1
      ? h('ul', { class: 'legend', 'aria-hidden': 'true' }, ...series.map((s, i) => h('li', {}, h('span', { class: `swatch series-${Math.min(i, COLOURS - 1)}` }), s.label)))
      : null;
  return h(
    'figure',
    { class: 'chart funnel-chart', 'data-chart': 'funnel', 'data-series': JSON.stringify({ labels, series }) },
    h('figcaption', {}, title),
    legend,
    ...labels.map((label, step) =>
      h(
        'div',
        { class: 'funnel-step' },
        h('div', { class: 'funnel-label' }, label),
        h(
          'div',
          { class: 'funnel-bars' },
          ...series.map((s, i) => {
          const value = s.values[step] ?? 0;
          const bar = h('span', { class: `bar series-${Math.min(i, COLOURS - 1)}` });
          bar.style.width = `${(value / max) * 100}%`;
          return h('div', { class: 'bar-row', title: `${s.label}: ${value}` }, h('span', { class: 'bar-track' }, bar), h('span', { class: 'bar-value' }, series.length > 1 ? `${formatCount(value)} ${s.label}` : formatCount(value)));
          }),
        ),
      ),
    ),
  );
}
