import type { StoreStats } from './store.js';

type EventCount = StoreStats['events'][number];
type QuarantineCount = StoreStats['quarantine'][number];
/** A count as a driver returns it: PostgreSQL's bigint count(*) arrives as a string. */
type Counted<T extends { count: number }> = Omit<T, 'count'> & { count: number | string };

/** Sums partial counts (one chunk or partition at a time) into {@link StoreStats}. */
export interface StatsMerger {
  addEvents(rows: readonly Counted<EventCount>[]): void;
  addQuarantine(rows: readonly Counted<QuarantineCount>[]): void;
  /** The sums, each list sorted by its keys: NULL first, then UTF-8 byte order (SQLite's ORDER BY). */
  result(): StoreStats;
}

/**
 * Merges counts taken piecewise, so stats never need one long scan of a whole table.
 *
 * @example
 * const merger = createStatsMerger();
 * merger.addEvents([{ source: 'a', type: 'track', event: 'X', count: 2 }]);
 * merger.result(); // { events: [...], quarantine: [] }
 */
export function createStatsMerger(): StatsMerger {
  const events = new Map<string, EventCount>();
  const quarantine = new Map<string, QuarantineCount>();
  const add = <T extends { count: number }>(into: Map<string, T>, row: Counted<T>, key: string) => {
    const seen = into.get(key);
    if (seen) seen.count += Number(row.count);
    else into.set(key, { ...row, count: Number(row.count) } as T);
  };
  return {
    addEvents: (rows) => rows.forEach((row) => add(events, row, JSON.stringify([row.source, row.type, row.event]))),
    addQuarantine: (rows) => rows.forEach((row) => add(quarantine, row, JSON.stringify([row.source, row.code]))),
    result: () => ({
      events: [...events.values()].sort((a, b) => compareKeys([a.source, a.type, a.event], [b.source, b.type, b.event])),
      quarantine: [...quarantine.values()].sort((a, b) => compareKeys([a.source, a.code], [b.source, b.code])),
    }),
  };
}

function compareKeys(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return Buffer.compare(Buffer.from(x), Buffer.from(y));
  }
  return 0;
}
