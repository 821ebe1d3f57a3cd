import type { DestinationCounts, OutboxItem, SendOutcome, StepOptions, StepResult } from './outbox.js';

/** A queue row as both outboxes read it: the item and when it is due. */
export interface QueueRow extends OutboxItem {
  nextAttemptAt: number;
}

/** The database half of a step, implemented by each outbox; each method is one transaction. */
export interface StepStore {
  head(destination: string, limit: number): Promise<QueueRow[]>;
  /** Deletes rows whose event is gone. */
  remove(ids: readonly number[]): Promise<void>;
  /** Deletes delivered rows and adds them to the destination's total. */
  delivered(destination: string, ids: readonly number[]): Promise<void>;
  /**
   * Counts a failed attempt of `ids` and records the error; then dead-letters them if
   * `permanent`, else reschedules them at `retryAt` and dead-letters the destination's pending
   * rows queued before `deadBefore`. Returns how many rows were dead-lettered.
   */
  failed(
    destination: string,
    ids: readonly number[],
    failure: { error: string; at: number; permanent: boolean; retryAt: number; deadBefore: number },
  ): Promise<number>;
}

const EMPTY: StepResult = { sent: 0, delivered: 0, retried: 0, deadLettered: 0, orphaned: 0 };

/**
 * One forwarder step on an outbox's {@link StepStore}: shared by SQLite and PostgreSQL so both
 * settle batches the same way.
 *
 * @example
 * return sql.begin((tx) => runStep(stepStoreOf(tx), destination, options, send));
 */
export async function runStep(
  store: StepStore,
  destination: string,
  options: StepOptions,
  send: (items: OutboxItem[]) => Promise<SendOutcome>,
): Promise<StepResult> {
  const rows = await store.head(destination, options.limit);
  const head = rows[0];
  if (head === undefined) return EMPTY;
  const now = options.now();
  if (head.nextAttemptAt > now) return { ...EMPTY, dueAt: head.nextAttemptAt };
  // An event erased or deleted by retention after it was queued is not sent.
  const orphans = rows.filter((row) => row.kind === 'event' && row.body === null).map((row) => row.id);
  if (orphans.length > 0) await store.remove(orphans);
  const items: OutboxItem[] = rows
    .filter((row) => row.kind === 'erase' || row.body !== null)
    .map(({ nextAttemptAt: _due, ...item }) => item);
  if (items.length === 0) return { ...EMPTY, orphaned: orphans.length, dueAt: now };
  const ids = items.map((item) => item.id);
  const outcome = await send(items);
  if (outcome.ok) {
    await store.delivered(destination, ids);
    return { ...EMPTY, sent: ids.length, delivered: ids.length, orphaned: orphans.length };
  }
  const deadBefore = options.deadLetterBefore();
  const permanent = outcome.permanent === true;
  const deadLettered = await store.failed(destination, ids, { error: outcome.error.slice(0, 1000), at: options.now(), permanent, retryAt: outcome.retryAt, deadBefore });
  const retried = permanent ? 0 : items.filter((item) => item.createdAt >= deadBefore).length;
  return { ...EMPTY, sent: ids.length, retried, deadLettered, orphaned: orphans.length, ...(permanent ? {} : { dueAt: outcome.retryAt }) };
}

/** One row of the counts query, as both outboxes return it. */
export interface CountsRow {
  destination: string;
  pending: number | string;
  dead: number | string;
  oldest: number | string | null;
  delivered: number | string | null;
  failed: number | string | null;
  last_error: string | null;
  last_error_at: number | string | null;
}

/** Counts per destination in the order asked, zeros for a destination without rows. */
export function toCounts(destinations: readonly string[], rows: readonly CountsRow[], now: number): DestinationCounts[] {
  const byName = new Map(rows.map((row) => [row.destination, row]));
  return destinations.map((name) => {
    const row = byName.get(name);
    const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
    return {
      name,
      delivered: Number(row?.delivered ?? 0),
      pending: Number(row?.pending ?? 0),
      failed: Number(row?.failed ?? 0),
      deadLettered: Number(row?.dead ?? 0),
      lagSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
      lastError: row?.last_error ?? null,
      lastErrorAt: row?.last_error_at === null || row?.last_error_at === undefined ? null : new Date(Number(row.last_error_at)).toISOString(),
    };
  });
}
