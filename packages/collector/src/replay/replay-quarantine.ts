import { runPipeline } from '../ingest/run-pipeline.js';
import type { Stage } from '../ingest/stage.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import type { EventRow, Store, StoredQuarantineRow } from '../store/store.js';

export interface ReplayOptions {
  store: Store;
  /** The pipeline to judge the events by again: the collector's, with the current plan. */
  stages: readonly Stage[];
  /** Only this source's quarantine. */
  source?: string;
  /** Only rows refused with this code (the console's "replay all with this code"). */
  code?: string;
  /** Only these rows (the console's "replay selected"; at most 1,000). */
  ids?: number[];
  /** Rows read and committed per transaction; default 500. */
  pageSize?: number;
  /** Counts `cairn_replayed_total{outcome}`. */
  metrics?: Metrics;
}

/** What a replay did: rows moved to `events`, rows whose event was already there, rows left. */
export interface ReplayReport {
  replayed: number;
  duplicates: number;
  stillFailing: number;
}

/**
 * Runs every quarantined event through `stages` again (after the plan, rate table or rules
 * were fixed) and moves those that now pass into `events`, page by page, each page in one
 * transaction that also deletes their quarantine rows. Dedup on (source, messageId) still
 * holds: an event already stored, or quarantined twice, lands once and counts as a duplicate.
 * Each event is judged as of its original receive time; events that still fail stay where
 * they are, with their first reason.
 *
 * The request's `sentAt` is kept with each quarantined row, so the time is skew-corrected as
 * ingest would have (rows quarantined before schema v3 have none: only an event's own `sentAt`
 * corrects those). Not kept: the type implied by a single-event route (`POST /v1/track`
 * without `type` stays quarantined).
 *
 * @example
 * const report = await replayQuarantine({ store, stages: createIngestStages({ plan }) });
 * // { replayed: 120, duplicates: 3, stillFailing: 7 }
 */
export async function replayQuarantine(options: ReplayOptions): Promise<ReplayReport> {
  const pageSize = options.pageSize ?? 500;
  const outcomes = (options.metrics ?? createMetrics()).counter('cairn_replayed_total', 'Quarantined events replayed, by outcome');
  const report: ReplayReport = { replayed: 0, duplicates: 0, stillFailing: 0 };
  let afterId = 0;
  for (;;) {
    const rows = await options.store.readQuarantine({
      afterId,
      limit: pageSize,
      ...(options.source ? { source: options.source } : {}),
      ...(options.code ? { code: options.code } : {}),
      ...(options.ids ? { ids: options.ids } : {}),
    });
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]?.id ?? afterId;
    const events: EventRow[] = [];
    const resolvedIds: number[] = [];
    for (const row of rows) {
      const event = await judge(options.stages, row);
      if (event) {
        events.push(event);
        resolvedIds.push(row.id);
      } else report.stillFailing++;
    }
    if (resolvedIds.length > 0) {
      const written = await options.store.replay({ events, resolvedIds });
      report.replayed += written.inserted.length;
      report.duplicates += written.duplicates.length;
    }
    if (rows.length < pageSize) break;
  }
  outcomes.inc({ outcome: 'replayed' }, report.replayed);
  outcomes.inc({ outcome: 'duplicate' }, report.duplicates);
  outcomes.inc({ outcome: 'still_failing' }, report.stillFailing);
  return report;
}

/** The event row a quarantined event becomes now, or undefined if it still fails. */
async function judge(stages: readonly Stage[], row: StoredQuarantineRow): Promise<EventRow | undefined> {
  const { raw, source, receivedAt, sentAt } = row;
  if (source === null) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const received = Date.parse(receivedAt);
  const context = { source, receivedAt: Number.isNaN(received) ? Date.now() : received, ...(sentAt ? { sentAt } : {}) };
  const outcome = await runPipeline(stages, [event], context);
  return outcome.events[0];
}
