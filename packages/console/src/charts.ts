import uPlot from 'uplot';
import { h } from './dom.js';

const COLORS = ['#2563eb', '#16a34a', '#ea580c', '#9333ea', '#0891b2'];

/** A series of a chart: its name and one value per x position. */
export interface ChartSeries {
  label: string;
  values: number[];
}

function frame(id: string, title: string, plotted: unknown): HTMLElement {
  // data-series holds exactly what was handed to uPlot: tests compare it with known answers.
  return h('figure', { class: 'chart', 'data-chart': id, 'data-series': JSON.stringify(plotted) }, h('figcaption', {}, title));
}

function widthOf(parent: HTMLElement): number {
  return Math.max(320, Math.min(1400, (parent.clientWidth || 600) - 24));
}

/**
 * A time series (uPlot line with points): x in UTC ISO, one value per bucket.
 *
 * @example
 * parent.append(timeChart(parent, 'events-over-time', 'Events over time', starts, [{ label: 'Events', values }]));
 */
export function timeChart(parent: HTMLElement, id: string, title: string, starts: string[], series: ChartSeries[]): HTMLElement {
  const figure = frame(id, title, { x: starts, series });
  parent.append(figure);
  const xs = starts.map((start) => Date.parse(start) / 1000);
  new uPlot(
    {
      width: widthOf(parent),
      height: 220,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, fill: `${COLORS[i % COLORS.length]}22`, points: { show: xs.length <= 72 } }))],
      axes: [{}, { size: 60 }],
      legend: { show: series.length > 1 },
    },
    [xs, ...series.map((s) => s.values)],
    figure,
  );
  return figure;
}

/**
 * A bar chart over named categories (uPlot's bars path builder on an index axis).
 *
 * @example
 * barChart(parent, 'devices', 'Device types', ['mobile', 'desktop'], [{ label: 'Events', values: [4, 2] }]);
 */
export function barChart(parent: HTMLElement, id: string, title: string, labels: string[], series: ChartSeries[]): HTMLElement {
  const figure = frame(id, title, { labels, series });
  parent.append(figure);
  const bars = uPlot.paths.bars?.({ size: [0.6 / Math.max(1, series.length), 64], align: 0 });
  const xs = labels.map((_, i) => i);
  new uPlot(
    {
      width: widthOf(parent),
      height: 220,
      // Slanted labels run down and to the right of their bar: room on the right for the last.
      ...(labels.length > 4 ? { padding: [null, 80, null, null] as uPlot.Padding } : {}),
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          fill: `${COLORS[i % COLORS.length]}cc`,
          width: 1,
          ...(bars ? { paths: bars } : {}),
          points: { show: false },
        })),
      ],
      axes: [
        // Many categories: slanted labels, so that neighbours do not overwrite each other, one
        // per bar (uPlot's own splits skip every other label on a narrow chart).
        labels.length > 4
          ? { values: (_u, splits) => splits.map((x) => (Number.isInteger(x) ? truncate(labels[x] ?? '') : '')), rotate: -30, gap: 4, size: 90, splits: () => xs }
          : { values: (_u, splits) => splits.map((x) => (Number.isInteger(x) ? truncate(labels[x] ?? '') : '')), gap: 4, size: 40 },
        { size: 60 },
      ],
      legend: { show: series.length > 1 },
      cursor: { show: true, points: { show: false } },
    },
    [xs, ...series.map((s) => s.values)],
    figure,
  );
  return figure;
}

function truncate(text: string): string {
  return text.length > 18 ? `${text.slice(0, 17)}…` : text;
}
