import { runPipeline } from '../ingest/run-pipeline.js';
import type { IngestContext, Stage } from '../ingest/stage.js';
import type { EventRow, QuarantineRow } from '../store/store.js';
import { TEST_NOW } from './collector-fixture.js';

/** One event's fate: the stored row and its parsed normalized JSON, or the quarantine row. */
export interface OneEvent {
  row?: EventRow;
  normalized?: Record<string, unknown> | null;
  quarantined?: QuarantineRow;
}

/**
 * Runs one event through `stages` as if received at the fixture's clock, for rule tests.
 *
 * @example
 * const { row, normalized } = await runOneEvent(stages, { type: 'track', event: 'add to cart' });
 */
export async function runOneEvent(stages: readonly Stage[], event: unknown, context: Partial<IngestContext> = {}): Promise<OneEvent> {
  const outcome = await runPipeline(stages, [event], { source: 'default', receivedAt: TEST_NOW, ...context });
  const row = outcome.events[0];
  if (!row) return { quarantined: outcome.quarantined[0] };
  return { row, normalized: row.normalized ? (JSON.parse(row.normalized) as Record<string, unknown>) : null };
}
