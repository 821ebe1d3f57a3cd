import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { EventRow, QuarantineRow, Store, WriteBatch, WriteResult } from './store.js';

/**
 * Thrown by a group-commit store's `write` (and `ping`) when the writer cannot keep up: the
 * request is answered 503 + Retry-After, and memory stays bounded instead of queueing forever.
 */
export class WriterBusyError extends Error {
  override readonly name = 'WriterBusyError';
  /** Seconds a client should wait before retrying. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface GroupCommitOptions {
  /** Events (and quarantine rows) waiting for a commit past which `write` refuses. */
  maxQueuedEvents: number;
  /** Rows per commit at most; default 5000 (bounds one transaction's time and memory). */
  maxCommitEvents?: number;
  /** Commits in flight at once; default 1 (SQLite has a single writer anyway). */
  concurrency?: number;
  metrics?: CollectorMetrics;
  /** Runs the next flush later in this turn of the event loop; default `setImmediate`. */
  defer?: (run: () => void) => void;
}

interface Entry {
  batch: WriteBatch;
  size: number;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Wraps a store so that concurrent `write` calls share one transaction (group commit): writes
 * arriving while a commit runs, or within the same event-loop turn, are merged into the next
 * commit, and each caller still gets its own result once that commit is durable. Throughput
 * then grows with load instead of collapsing under one fsync per request. The queue is
 * bounded: past `maxQueuedEvents` a write fails fast with {@link WriterBusyError} (→ 503).
 *
 * Merging keeps per-request results exact: a (source, messageId) seen twice in one commit is
 * written once and reported as a duplicate to the later request, and rows whose messageId
 * repeats under another source go to a follow-up commit, since the store reports ids only.
 *
 * @example
 * const store = createGroupCommitStore(createSqliteStore({ path }), { maxQueuedEvents: 20_000 });
 */
export function createGroupCommitStore(inner: Store, options: GroupCommitOptions): Store {
  const maxCommit = Math.max(1, options.maxCommitEvents ?? 5000);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const defer = options.defer ?? ((run: () => void) => void setImmediate(run));
  const metrics = options.metrics;
  const queue: Entry[] = [];
  let queuedSize = 0;
  let inFlight = 0;
  let scheduled = false;
  let closing: Promise<void> | undefined;
  let drained: (() => void) | undefined;

  const gauge = () => {
    metrics?.queueEvents.set(queuedSize);
    metrics?.queueRequests.set(queue.length);
  };
  const schedule = () => {
    if (scheduled || inFlight >= concurrency || queue.length === 0) {
      if (inFlight === 0 && queue.length === 0) drained?.();
      return;
    }
    scheduled = true;
    defer(flush);
  };
  const flush = () => {
    scheduled = false;
    while (inFlight < concurrency && queue.length > 0) {
      const group: Entry[] = [];
      let rows = 0;
      while (queue.length > 0 && (group.length === 0 || rows + (queue[0] as Entry).size <= maxCommit)) {
        const entry = queue.shift() as Entry;
        rows += entry.size;
        group.push(entry);
      }
      queuedSize -= rows;
      inFlight++;
      void commit(group, rows).finally(() => {
        inFlight--;
        schedule();
      });
    }
    gauge();
  };

  const commit = async (group: Entry[], rows: number) => {
    const started = performance.now();
    const progress: MergeProgress = { outcomes: new Map(), quarantineWritten: false };
    try {
      const results = await writeMerged(inner, group.map((entry) => entry.batch), progress);
      metrics?.commitSeconds.observe((performance.now() - started) / 1000);
      metrics?.commitRequests.observe(group.length);
      metrics?.commitEvents.observe(rows);
      group.forEach((entry, i) => entry.resolve(results[i] as WriteResult));
    } catch (error) {
      metrics?.commitFailures.inc();
      if (group.length === 1) return (group[0] as Entry).reject(error);
      // One request's bad row must not fail the others: each is retried on its own, with only
      // what the passes that did commit left out (their rows keep the answer they got, and
      // the quarantine rows, written with the first pass, are not written twice).
      for (const entry of group) await retryAlone(inner, entry.batch, progress).then(entry.resolve, entry.reject);
    }
  };

  return {
    // Reads, replay, erasure and the rest go straight to the inner store.
    ...inner,
    write(batch) {
      if (closing) return Promise.reject(new Error('the store is closing'));
      const size = batch.events.length + batch.quarantined.length;
      // An empty queue always admits, so one batch larger than the bound still gets through.
      if (queue.length > 0 && queuedSize + size > options.maxQueuedEvents) {
        metrics?.writesRefused.inc();
        return Promise.reject(new WriterBusyError(`write queue is full (${queuedSize} events waiting)`));
      }
      return new Promise<WriteResult>((resolve, reject) => {
        queue.push({ batch, size, resolve, reject });
        queuedSize += size;
        gauge();
        schedule();
      });
    },
    async ping() {
      // Readiness: an instance whose writer is behind should get no new traffic for a while.
      if (queuedSize > options.maxQueuedEvents * 0.8) {
        throw new WriterBusyError(`writer is not keeping up (${queuedSize} events waiting)`);
      }
      await inner.ping();
    },
    close() {
      closing ??= (async () => {
        if (inFlight > 0 || queue.length > 0) await new Promise<void>((resolve) => (drained = resolve));
        await inner.close();
      })();
      return closing;
    },
  };
}

/** What the passes of a merged commit that did commit stored, for a retry after a later one failed. */
interface MergeProgress {
  /** Each committed row (by identity, as queued) and whether it was inserted or a duplicate. */
  outcomes: Map<EventRow, 'inserted' | 'duplicate'>;
  /** The first pass, which carries every quarantine row, committed. */
  quarantineWritten: boolean;
}

/**
 * Writes several requests' batches as one (or, when a messageId repeats across sources, a few)
 * store writes and splits the result back per request, in each request's row order. Each pass
 * that commits is recorded in `progress` before the next runs.
 */
async function writeMerged(inner: Store, batches: readonly WriteBatch[], progress: MergeProgress): Promise<WriteResult[]> {
  if (batches.length === 1) return [await inner.write(batches[0] as WriteBatch)];
  type Slot = { row: EventRow; first: EventRow };
  const slots: Slot[][] = batches.map(() => []);
  const passes: EventRow[][] = [];
  const firstOf = new Map<string, EventRow>();
  const useCount = new Map<string, number>();
  batches.forEach((batch, b) => {
    for (const row of batch.events) {
      const key = `${row.source}\u0000${row.messageId}`;
      const first = firstOf.get(key);
      (slots[b] as Slot[]).push({ row, first: first ?? row });
      if (first) continue;
      firstOf.set(key, row);
      const pass = useCount.get(row.messageId) ?? 0;
      useCount.set(row.messageId, pass + 1);
      (passes[pass] ??= []).push(row);
    }
  });
  const quarantined: QuarantineRow[] = batches.flatMap((batch) => batch.quarantined);
  for (let p = 0; p < Math.max(1, passes.length); p++) {
    const rows = passes[p] ?? [];
    const result = await inner.write({ events: rows, quarantined: p === 0 ? quarantined : [] });
    // Within a pass every messageId is unique, so the ids map back to rows exactly.
    const ids = new Set(result.inserted);
    for (const row of rows) progress.outcomes.set(row, ids.has(row.messageId) ? 'inserted' : 'duplicate');
    if (p === 0) progress.quarantineWritten = true;
  }
  return slots.map((list) => {
    const result: WriteResult = { inserted: [], duplicates: [] };
    // A repeat of a row seen earlier in the merge is a duplicate whatever became of the first.
    for (const { row, first } of list) (first === row && progress.outcomes.get(row) === 'inserted' ? result.inserted : result.duplicates).push(row.messageId);
    return result;
  });
}

/**
 * One request written on its own after its merged commit failed: the rows a committed pass
 * already stored keep that pass's answer (an inserted row stays "inserted", where writing it
 * again would report a duplicate), and only the rest is written.
 */
async function retryAlone(inner: Store, batch: WriteBatch, progress: MergeProgress): Promise<WriteResult> {
  const rest = batch.events.filter((row) => !progress.outcomes.has(row));
  const quarantined = progress.quarantineWritten ? [] : batch.quarantined;
  if (rest.length === batch.events.length && quarantined === batch.quarantined) return inner.write(batch);
  const retried = rest.length + quarantined.length > 0 ? await inner.write({ events: rest, quarantined }) : { inserted: [], duplicates: [] };
  // The store reports ids in input order, each row in one list: walk both lists along `rest`.
  let i = 0;
  const seen = new Set<string>();
  const freshRows = new Set<EventRow>();
  for (const row of rest) {
    const key = `${row.source}\u0000${row.messageId}`;
    if (!seen.has(key) && retried.inserted[i] === row.messageId) {
      freshRows.add(row);
      i++;
    }
    seen.add(key);
  }
  const result: WriteResult = { inserted: [], duplicates: [] };
  for (const row of batch.events) {
    const inserted = progress.outcomes.has(row) ? progress.outcomes.get(row) === 'inserted' : freshRows.has(row);
    (inserted ? result.inserted : result.duplicates).push(row.messageId);
  }
  return result;
}
