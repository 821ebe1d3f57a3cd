import type Database from 'better-sqlite3';
import { createStatsMerger } from './merge-stats.js';
import type { ErasureSubject, StoreStats } from './store.js';

/** Time one chunk aims at: well under a liveness probe's budget, even on a busy machine. */
const CHUNK_TARGET_MS = 8;
/** Free time for requests after each chunk. */
const PAUSE_MS = 2;

export interface SqliteMaintenanceOptions {
  /** Rows (or rowids) in the first chunk; later chunks adapt to take about 8 ms each. Default 1000. */
  firstChunk?: number;
  /** Runs between chunks so requests get the thread; default a 2 ms timer (see below). */
  pause?: () => Promise<void>;
  /** The connection's `synchronous` level, restored after each chunk; default `full`. */
  synchronous?: 'full' | 'normal';
}

/** Erasure, retention and stats on an open SQLite connection, in chunks (see {@link createSqliteMaintenance}). */
export interface SqliteMaintenance {
  erase(subject: ErasureSubject): Promise<{ events: number; quarantine: number }>;
  deleteOlderThan(cutoffIso: string): Promise<number>;
  stats(): Promise<StoreStats>;
}

/**
 * The SQLite store's long operations, cut into short statements with a pause between them:
 * better-sqlite3 is synchronous, so one `DELETE` of a million rows (a first retention run on a
 * large file) or one full scan for erasure would hold the event loop for seconds, the liveness
 * probe would fail, and a restart would roll the delete back, forever. Each chunk is its own
 * transaction (an erasure or retention interrupted half-way is resumed by running it again;
 * both are idempotent), sized to take about 8 ms, and ingest writes run between chunks.
 * Chunks commit without an fsync of their own (`synchronous = NORMAL` for the chunk only): an
 * fsync can take tens of ms on a busy disk, and would then be most of each chunk's time on
 * the event loop. A retention delete lost to a power cut is redone by the next run; the next
 * ingest commit (FULL) fsyncs the WAL, chunks included, before it is acknowledged. Erasure
 * chunks keep the connection's level (see overRanges): nothing would redo a lost one.
 * Counts (`stats`) are then not one snapshot: rows written during the scan may or may not count.
 *
 * @example
 * const maintenance = createSqliteMaintenance(db);
 * await maintenance.deleteOlderThan('2024-01-01T00:00:00.000Z');
 */
export function createSqliteMaintenance(db: Database.Database, options: SqliteMaintenanceOptions = {}): SqliteMaintenance {
  // A timer, not setImmediate: one HTTP request takes several turns of the event loop (accept,
  // read, handler, write), and with setImmediate a chunk would run in every one of them; while
  // the timer waits, the loop is free to run all of a request's turns back to back.
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, PAUSE_MS)));
  const firstChunk = Math.max(1, options.firstChunk ?? 1000);
  const restore = options.synchronous === 'normal' ? 'synchronous = NORMAL' : 'synchronous = FULL';
  /** One chunk, committed without waiting for an fsync (see above). */
  const relaxed = <T>(run: () => T): T => {
    db.pragma('synchronous = NORMAL');
    try {
      return run();
    } finally {
      db.pragma(restore);
    }
  };
  // One aggregate per statement: SQLite answers a lone min() or max() of the rowid from the
  // B-tree's edge, but scans the whole table for both in one SELECT.
  const bounds = {
    events: { low: db.prepare('SELECT min(rowid) FROM events').pluck(), high: db.prepare('SELECT max(rowid) FROM events').pluck() },
    quarantine: { low: db.prepare('SELECT min(id) FROM quarantine').pluck(), high: db.prepare('SELECT max(id) FROM quarantine').pluck() },
  };
  // A NULL parameter matches nothing (`user_id = NULL` is not true). Erasure scans in rowid
  // ranges: the schema has no index on the ids (one B-tree per stored event less, see
  // migration 2), and a range is bounded work however many rows the subject has.
  // An alias row without previous_id was stored before schema v3 (not backfilled, to spare a
  // start-up scan of every event): its raw JSON is read, every repeat of the key included.
  const eraseEvents = db.prepare(`
    DELETE FROM events WHERE rowid > @low AND rowid <= @high
      AND (user_id = @userId OR anonymous_id = @anonymousId OR previous_id = @userId OR previous_id = @anonymousId
        OR (type = 'alias' AND previous_id IS NULL AND json_valid(raw) AND EXISTS (
          SELECT 1 FROM json_each(events.raw) AS j WHERE j.key = 'previousId'
            AND (CASE j.type WHEN 'text' THEN j.value WHEN 'integer' THEN CAST(j.value AS TEXT) END) IN (@userId, @anonymousId))))
      AND (@source IS NULL OR source = @source)`);
  const eraseQuarantine = db.prepare(`
    DELETE FROM quarantine WHERE id > @low AND id <= @high
      AND (@source IS NULL OR source = @source)
      AND (user_id = @userId OR anonymous_id = @anonymousId OR previous_id = @userId OR previous_id = @anonymousId
        OR (other_ids IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(other_ids) WHERE value IN (@userId, @anonymousId))))`);
  // On the received_at indexes: each chunk reads only rows it deletes.
  const deleteOldEvents = db.prepare(
    'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE received_at < @cutoff LIMIT @limit)',
  );
  const deleteOldQuarantine = db.prepare(
    'DELETE FROM quarantine WHERE id IN (SELECT id FROM quarantine WHERE received_at < @cutoff LIMIT @limit)',
  );
  const countEvents = db.prepare(`SELECT source, type, event, count(*) AS count FROM events
    WHERE rowid > @low AND rowid <= @high GROUP BY source, type, event`);
  const countQuarantine = db.prepare(`SELECT source, code, count(*) AS count FROM quarantine
    WHERE id > @low AND id <= @high GROUP BY source, code`);

  /**
   * Runs `step` over (low, high] rowid ranges up to the table's current last rowid. `durable`:
   * each chunk commits with the connection's own level (FULL by default), for an erasure: its
   * 200 tells the data subject their data is gone, and nothing would run it again after a power
   * cut. A chunk that deletes nothing writes no WAL frame and so costs no fsync; only the few
   * chunks holding the subject's rows pay one.
   */
  const overRanges = async (table: keyof typeof bounds, step: (low: number, high: number) => void, durable = false) => {
    const sizer = createChunkSizer(firstChunk * 10);
    const first = bounds[table].low.get() as number | null;
    if (first === null) return;
    let low = first - 1;
    // The last rowid is read again after each chunk: rows written meanwhile are covered too.
    for (;;) {
      const high = bounds[table].high.get() as number | null;
      if (high === null || low >= high) return;
      const upper = low + sizer.size;
      sizer.time(() => (durable ? step(low, upper) : relaxed(() => step(low, upper))));
      low = upper;
      await pause();
    }
  };
  /** Runs a LIMIT-ed delete until a chunk deletes fewer rows than its limit; returns the total. */
  const untilDone = async (run: (limit: number) => number) => {
    const sizer = createChunkSizer(firstChunk);
    let total = 0;
    for (;;) {
      const limit = sizer.size;
      const deleted = sizer.time(() => relaxed(() => run(limit)));
      total += deleted;
      if (deleted < limit) return total;
      await pause();
    }
  };

  return {
    async erase(subject) {
      const params = { source: subject.source ?? null, userId: subject.userId || null, anonymousId: subject.anonymousId || null };
      let events = 0;
      let quarantine = 0;
      await overRanges('events', (low, high) => (events += eraseEvents.run({ ...params, low, high }).changes), true);
      await overRanges('quarantine', (low, high) => (quarantine += eraseQuarantine.run({ ...params, low, high }).changes), true);
      return { events, quarantine };
    },
    async deleteOlderThan(cutoff) {
      const events = await untilDone((limit) => deleteOldEvents.run({ cutoff, limit }).changes);
      return events + (await untilDone((limit) => deleteOldQuarantine.run({ cutoff, limit }).changes));
    },
    async stats() {
      const merger = createStatsMerger();
      await overRanges('events', (low, high) => merger.addEvents(countEvents.all({ low, high }) as StoreStats['events']));
      await overRanges('quarantine', (low, high) => merger.addQuarantine(countQuarantine.all({ low, high }) as StoreStats['quarantine']));
      return merger.result();
    },
  };
}

/** Chunk sizes that follow the measured time per chunk towards {@link CHUNK_TARGET_MS}. */
function createChunkSizer(first: number) {
  let size = first;
  return {
    get size() {
      return size;
    },
    time<T>(run: () => T): T {
      const started = performance.now();
      const result = run();
      const took = performance.now() - started;
      if (took < CHUNK_TARGET_MS / 2) size = Math.min(size * 2, 1_000_000);
      else if (took > CHUNK_TARGET_MS) size = Math.max(100, Math.floor(size / 2));
      return result;
    },
  };
}
