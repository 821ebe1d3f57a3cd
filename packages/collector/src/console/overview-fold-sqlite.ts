import type Database from 'better-sqlite3';
import type { EventRow } from '../store/store.js';
import { createRollupAccumulator, type RollupAccumulator, type RollupColumns } from './overview-rollup.js';
import { createSqliteRollupWriter } from './overview-rollup-sqlite.js';

/** Waiting events that make the next commit fold (the overview reads at most about this many back). */
export const FOLD_AFTER_EVENTS = 2500;
/** The longest an event waits to be folded while ingest is idle. */
export const FOLD_INTERVAL_MS = 1000;
/**
 * Events read back per transaction when the fold cannot use what it counted at ingest (their
 * JSON is parsed again: ~15 ms a chunk, so a fold after a crash does not stall ingest).
 */
const CHUNK = 1000;

/**
 * The columns of an event the overview counts, as they are read back from `events` (the fold
 * after a restart, and the overview's not-yet-folded tail).
 */
export const ROLLUP_COLUMNS_SQL = `rowid, source, type, event, name, timestamp, received_at AS receivedAt,
  user_id AS userId, anonymous_id AS anonymousId, raw, normalized`;

/** SQLite's overview fold; see {@link createSqliteOverviewFold}. */
export interface SqliteOverviewFold {
  /**
   * In the write transaction, after its inserts: counts the rows it stored (rowids
   * `firstRowid`…`lastRowid`, one each, in order) in memory. Writes nothing.
   */
  noteInserted(rows: readonly EventRow[], firstRowid: number, lastRowid: number): void;
  /** After a commit: folds once {@link FOLD_AFTER_EVENTS} events wait. */
  afterCommit(): void;
  /** Folds every waiting event now, in its own transaction or (nested) in the caller's. */
  foldAll(): void;
  /** Folds what waits and stops the timer (before the connection closes). */
  close(): void;
}

/**
 * Keeps the overview rollups (migration 4: hourly counts, receive counts, campaigns, consent,
 * people) up to date from a rowid cursor instead of in each write's transaction: a commit then
 * writes no rollup page, and a fold every few thousand events writes each page once for all the
 * keys it holds (ids are random, so each visitor of a commit dirtied a page of its own).
 * Exact and crash-safe by construction:
 *
 * - `overview_cursor.last_rowid` (migration 7) says which events are counted (rowid ≤ it), and
 *   moves in the same transaction as the counts it covers; after a crash the rest is counted
 *   by a later fold, read back from `events`.
 * - the overview adds the events past the cursor, read in the same read transaction
 *   (console-sqlite-queries.ts), so it is exact at any moment.
 * - SQLite gives a new row max(rowid)+1 and one connection writes at a time, so rowids follow
 *   commit order; a trigger (migration 7) lowers the cursor when the newest events are deleted,
 *   so a reused rowid is never taken for counted.
 * - resends have no row to read back: the derived write counts them in the write's transaction.
 *
 * The fold writes what it counted at ingest (no read back, no JSON parse) when that is exactly
 * the events past the cursor: contiguous rowids from the cursor to the table's last. Otherwise
 * (another connection wrote, a rollback, a restart) it reads the events back, in chunks.
 * With `enabled` false (`derived: { overview: false }`) it moves the cursor and counts nothing:
 * the overview shows nothing new, and reads nothing more.
 *
 * @example
 * const fold = createSqliteOverviewFold(db, { enabled: true });
 * fold.noteInserted(rows, firstRowid, lastRowid); // in the write transaction
 * fold.afterCommit();
 */
export function createSqliteOverviewFold(db: Database.Database, options: { enabled: boolean }): SqliteOverviewFold {
  const cursor = db.prepare('SELECT last_rowid FROM overview_cursor').pluck();
  const setCursor = db.prepare('UPDATE overview_cursor SET last_rowid = ?');
  const lastRowid = db.prepare('SELECT coalesce(max(rowid), 0) FROM events').pluck();
  const readBack = db.prepare(`SELECT ${ROLLUP_COLUMNS_SQL} FROM events WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ${CHUNK}`);
  const writeDelta = createSqliteRollupWriter(db);

  // What ingest counted since the last fold: rowids first…last, all of them this connection's.
  // `exact` false: something else happened to the table, read back instead; so too at start
  // when events wait from before (a crash).
  let noted = { first: 0, last: 0, count: 0, exact: true, rollup: createRollupAccumulator() as RollupAccumulator };
  noted.exact = (cursor.get() as number) >= (lastRowid.get() as number);
  // Events past the cursor are still to be read back: the timer keeps folding while idle.
  let behind = false;
  const forget = () => {
    noted = { first: 0, last: 0, count: 0, exact: true, rollup: createRollupAccumulator() };
  };

  /** One transaction: writes the noted counts, or up to CHUNK events read back; true when more wait. */
  const foldOnce = db.transaction((): boolean => {
    const from = cursor.get() as number;
    const to = lastRowid.get() as number;
    if (to <= from || !options.enabled) {
      if (to > from) setCursor.run(to);
      forget();
      return false;
    }
    const counted = noted.exact && noted.count > 0 && noted.last === to && noted.first > from;
    if (counted && noted.first === from + 1) {
      writeDelta(noted.rollup.delta());
      setCursor.run(to);
      forget();
      behind = false;
      return false;
    }
    // Events before what ingest counted (a crash, a rollback, another connection): read back
    // a chunk of those, and keep the counts, so that once the gap is read the fold is back on
    // the path above. Forgetting them would make them gap too, and under steady ingest the gap
    // would grow by each fold's worth of events for good.
    const until = counted ? noted.first - 1 : to;
    if (!counted) forget();
    const rows = readBack.all(from, until) as (RollupColumns & { rowid: number })[];
    const rollup = createRollupAccumulator();
    rollup.add(rows);
    writeDelta(rollup.delta());
    const last = rows.at(-1)?.rowid ?? until;
    setCursor.run(last);
    behind = last < to;
    return behind;
  });
  const foldAll = () => {
    while (foldOnce.immediate()) {
      /* the next chunk */
    }
  };
  /**
   * A fold that fails (the database busy or full) loses nothing: the cursor did not move, what
   * ingest counted stays noted, and the next commit or tick tries again. It must not fail the
   * write whose events are already committed, nor throw from a timer.
   */
  const tryFold = () => {
    try {
      foldOnce.immediate();
    } catch {
      /* retried at the next commit or tick */
    }
  };
  const timer = setInterval(() => {
    if (noted.count > 0 || !noted.exact || behind) tryFold();
  }, FOLD_INTERVAL_MS);
  timer.unref?.();

  return {
    noteInserted(rows, firstRowid, lastRowid) {
      if (rows.length === 0) return;
      const contiguous = lastRowid - firstRowid + 1 === rows.length && (noted.count === 0 || firstRowid === noted.last + 1);
      if (noted.count === 0) noted.first = firstRowid;
      noted.last = lastRowid;
      noted.count += rows.length;
      if (!contiguous) noted.exact = false;
      if (noted.exact && options.enabled) noted.rollup.add(rows);
    },
    afterCommit() {
      if (noted.count >= FOLD_AFTER_EVENTS) tryFold();
    },
    foldAll,
    close() {
      clearInterval(timer);
      try {
        if (db.open && !db.readonly) foldAll();
      } catch {
        /* what waits is read back from events by the next start's first fold */
      }
    },
  };
}
