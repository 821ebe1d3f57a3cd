/** Label values of one series, e.g. `{source: 'shop', outcome: 'accepted'}`. */
export type Labels = Record<string, string>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

/** One reading of a summary: its quantiles (in the registered order) and running sum and count. */
export interface SummaryValues {
  quantiles: readonly number[];
  /** Total of every observation so far (a counter: it never goes down). */
  sum: number;
  /** Observations so far (a counter). */
  count: number;
}

export interface Summary {
  set(values: SummaryValues, labels?: Labels): void;
}

/**
 * A small Prometheus registry: the collector's only metrics dependency, so `/metrics` needs no
 * client library. Registering a name twice returns the same metric (modules register lazily).
 *
 * @example
 * const metrics = createMetrics();
 * const events = metrics.counter('cairn_events_total', 'Events by source and outcome');
 * events.inc({ source: 'shop', outcome: 'accepted' }, 48);
 * metrics.render(); // Prometheus text exposition format
 */
export interface Metrics {
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string): Gauge;
  /** Buckets are upper bounds, ascending (e.g. seconds for latencies). */
  histogram(name: string, help: string, buckets: readonly number[]): Histogram;
  /** Quantiles computed elsewhere (e.g. Node's event-loop delay histogram), e.g. `[0.5, 0.99]`. */
  summary(name: string, help: string, quantiles: readonly number[]): Summary;
  render(): string;
}

type Kind = 'counter' | 'gauge' | 'histogram' | 'summary';

interface Family {
  kind: Kind;
  help: string;
  /** Histogram: bucket upper bounds; summary: its quantiles. */
  buckets: readonly number[];
  /** Keyed by the rendered label set, e.g. `source="shop",outcome="accepted"`. */
  series: Map<string, number[]>;
}

/** See {@link Metrics}. */
export function createMetrics(): Metrics {
  const families = new Map<string, Family>();

  const family = (name: string, help: string, kind: Kind, buckets: readonly number[] = []): Family => {
    let found = families.get(name);
    if (!found) {
      found = { kind, help, buckets, series: new Map() };
      families.set(name, found);
    } else if (found.kind !== kind) {
      throw new Error(`metric ${name} is already registered as a ${found.kind}`);
    }
    return found;
  };
  const slot = (f: Family, labels: Labels | undefined, size: number): number[] => {
    const key = renderLabels(labels);
    let values = f.series.get(key);
    if (!values) {
      values = new Array<number>(size).fill(0);
      f.series.set(key, values);
    }
    return values;
  };

  return {
    counter(name, help) {
      const f = family(name, help, 'counter');
      return {
        inc(labels, by = 1) {
          const values = slot(f, labels, 1);
          values[0] = (values[0] ?? 0) + by;
        },
      };
    },
    gauge(name, help) {
      const f = family(name, help, 'gauge');
      return {
        set(value, labels) {
          slot(f, labels, 1)[0] = value;
        },
      };
    },
    histogram(name, help, buckets) {
      const f = family(name, help, 'histogram', buckets);
      return {
        observe(value, labels) {
          // Layout: one cumulative count per bucket, then +Inf count, then sum.
          const values = slot(f, labels, f.buckets.length + 2);
          f.buckets.forEach((bound, i) => {
            if (value <= bound) values[i] = (values[i] ?? 0) + 1;
          });
          const inf = f.buckets.length;
          values[inf] = (values[inf] ?? 0) + 1;
          values[inf + 1] = (values[inf + 1] ?? 0) + value;
        },
      };
    },
    summary(name, help, quantiles) {
      const f = family(name, help, 'summary', quantiles);
      return {
        set({ quantiles: values, sum, count }, labels) {
          // Layout: one value per quantile, then sum, then count.
          const current = slot(f, labels, f.buckets.length + 2);
          f.buckets.forEach((_, i) => (current[i] = values[i] ?? Number.NaN));
          current[f.buckets.length] = sum;
          current[f.buckets.length + 1] = count;
        },
      };
    },
    render() {
      const lines: string[] = [];
      for (const [name, f] of families) {
        lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.kind}`);
        for (const [key, values] of f.series) {
          const sep = key ? `${key},` : '';
          if (f.kind === 'summary') {
            f.buckets.forEach((q, i) => lines.push(`${name}{${sep}quantile="${q}"} ${values[i] ?? Number.NaN}`));
            lines.push(`${name}_sum${key ? `{${key}}` : ''} ${values[f.buckets.length] ?? 0}`);
            lines.push(`${name}_count${key ? `{${key}}` : ''} ${values[f.buckets.length + 1] ?? 0}`);
            continue;
          }
          if (f.kind !== 'histogram') {
            lines.push(`${name}${key ? `{${key}}` : ''} ${values[0] ?? 0}`);
            continue;
          }
          f.buckets.forEach((bound, i) => lines.push(`${name}_bucket{${sep}le="${bound}"} ${values[i] ?? 0}`));
          const inf = f.buckets.length;
          lines.push(`${name}_bucket{${sep}le="+Inf"} ${values[inf] ?? 0}`);
          lines.push(`${name}_sum${key ? `{${key}}` : ''} ${values[inf + 1] ?? 0}`);
          lines.push(`${name}_count${key ? `{${key}}` : ''} ${values[inf] ?? 0}`);
        }
      }
      return lines.join('\n') + '\n';
    },
  };
}

function renderLabels(labels: Labels | undefined): string {
  if (!labels) return '';
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`)
    .join(',');
}

// Prometheus text format: backslash, double quote and newline are escaped in label values.
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
