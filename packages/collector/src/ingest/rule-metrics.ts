import { createMetrics, type Counter, type Labels, type Metrics } from '../metrics/metrics.js';

/** Each rule's counter, by the name stages count it under. */
const FAMILIES = {
  /** Events stored with a normalized form (some rule changed them): `source`. */
  normalized: ['cairn_events_normalized_total', 'Events stored with a normalized form, by source'],
  /** Client times rewritten to UTC ISO 8601: `source`, `format`. */
  timestampsNormalized: ['cairn_timestamps_normalized_total', 'Client times rewritten to UTC ISO 8601, by source and format as sent'],
  /** Events whose time moved by a second or more through skew correction: `source`. */
  skewCorrected: ['cairn_clock_skew_corrected_total', 'Events whose time moved 1 s or more by clock-skew correction'],
  /** Times out of range: `source`, `flag` = timestamp_in_future | timestamp_too_old. */
  timestampsFlagged: ['cairn_timestamps_flagged_total', 'Event times in the far future or implausibly old, by flag'],
  /** Properties filled from defaults: `source`. */
  defaultsApplied: ['cairn_defaults_applied_total', 'Properties filled from the tracking plan defaults'],
  /** Amounts given in the base currency: `source`, `currency` (the original one). */
  currencyConversions: ['cairn_currency_conversions_total', 'Amounts stored in the base currency, by source and original currency'],
  /** Event names mapped to their canonical name: `source`. */
  namesCanonicalized: ['cairn_event_names_canonicalized_total', 'Event names mapped to their canonical name'],
  /** Plan violations: `source`, `kind` = unknown_event | schema, `action` = tagged | quarantined. */
  planViolations: ['cairn_plan_violations_total', 'Tracking plan violations by kind and action (tagged, quarantined)'],
} as const;

export type RuleCounterName = keyof typeof FAMILIES;

/**
 * The ingest rules' counters, rendered at `GET /metrics` (names in FAMILIES above). Stages
 * tally per event and the pipeline flushes once per batch: a registry increment renders and
 * sorts its labels, which per event and rule cost about a fifth of the rules' whole price.
 * Duplicates and quarantined events are counted where the store's answer is known:
 * `cairn_events_total{outcome="duplicate"}` and `cairn_quarantined_total{code}`. Labels are
 * closed sets: source names, formats, flags, kinds, and currencies of the rate table.
 *
 * @example
 * const counters = ruleMetrics(metrics);
 * counters.add('defaultsApplied', 'shop', 2);
 * counters.flush(); // end of the batch
 */
export interface RuleMetrics {
  /** Adds `by` to a counter for `source` (and one more label); the registry sees it at `flush`. */
  add(name: RuleCounterName, source: string, by?: number, label?: readonly [string, string], label2?: readonly [string, string]): void;
  /** Moves the tallies into the registry. */
  flush(): void;
}

/** See {@link RuleMetrics}; registers the families on `metrics` (idempotent). */
export function ruleMetrics(metrics: Metrics = createMetrics()): RuleMetrics {
  const counters = Object.fromEntries(
    Object.entries(FAMILIES).map(([name, [family, help]]) => [name, metrics.counter(family, help)]),
  ) as Record<RuleCounterName, Counter>;
  const pending = new Map<string, { counter: Counter; labels: Labels; by: number }>();
  return {
    add(name, source, by = 1, label, label2) {
      const key = label ? `${name}\u0000${source}\u0000${label[1]}\u0000${label2?.[1] ?? ''}` : `${name}\u0000${source}`;
      const tally = pending.get(key);
      if (tally) {
        tally.by += by;
        return;
      }
      const labels: Labels = { source };
      if (label) labels[label[0]] = label[1];
      if (label2) labels[label2[0]] = label2[1];
      pending.set(key, { counter: counters[name], labels, by });
    },
    flush() {
      for (const { counter, labels, by } of pending.values()) counter.inc(labels, by);
      pending.clear();
    },
  };
}
