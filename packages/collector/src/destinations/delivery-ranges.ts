/**
 * The events of one SQLite outbox row: the rowids from `first` to `last`, or, when `only` is
 * set, just the rowids it lists (ascending, within [first, last]). See sqlite-migrations.ts v8.
 */
export interface DeliveryRange {
  first: number;
  last: number;
  only: readonly number[] | null;
}

/**
 * The range of ascending rowids: bounds alone when they are consecutive (the usual case: every
 * event of a write goes to the destination), else the list as well.
 *
 * @example
 * toRange([7, 8, 9]) // { first: 7, last: 9, only: null }
 * toRange([7, 9]) // { first: 7, last: 9, only: [7, 9] }
 */
export function toRange(rowids: readonly number[]): DeliveryRange | undefined {
  const first = rowids[0];
  const last = rowids[rowids.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return { first, last, only: last - first + 1 === rowids.length ? null : [...rowids] };
}

/** How many deliveries the range holds. */
export function rangeSize(range: DeliveryRange): number {
  return range.only === null ? range.last - range.first + 1 : range.only.length;
}

/**
 * The part of the range that `keep` accepts, as a range again; undefined when nothing is left.
 * Bounds-only ranges stay bounds-only when `keep` is an interval (`above`/`below`).
 *
 * @example
 * restrict({ first: 1, last: 9, only: null }, { above: 4 }) // { first: 5, last: 9, only: null }
 */
export function restrict(range: DeliveryRange, keep: { above?: number; below?: number; except?: ReadonlySet<number> }): DeliveryRange | undefined {
  const low = Math.max(range.first, (keep.above ?? -Infinity) + 1);
  const high = Math.min(range.last, (keep.below ?? Infinity) - 1);
  if (low > high) return undefined;
  const except = keep.except;
  if (range.only === null && (except === undefined || !hasAnyIn(except, low, high))) return { first: low, last: high, only: null };
  const rowids: number[] = [];
  if (range.only === null) {
    for (let rowid = low; rowid <= high; rowid++) if (!except?.has(rowid)) rowids.push(rowid);
  } else {
    for (const rowid of range.only) if (rowid >= low && rowid <= high && !except?.has(rowid)) rowids.push(rowid);
  }
  return toRange(rowids);
}

/** Whichever is smaller is walked: the set (a person's events) or the range (one write's). */
function hasAnyIn(set: ReadonlySet<number>, low: number, high: number): boolean {
  if (set.size <= high - low + 1) {
    for (const value of set) if (value >= low && value <= high) return true;
    return false;
  }
  for (let rowid = low; rowid <= high; rowid++) if (set.has(rowid)) return true;
  return false;
}

/** `only` as the column stores it (JSON text), null for bounds-only. */
export function onlyColumn(range: DeliveryRange): string | null {
  return range.only === null ? null : JSON.stringify(range.only);
}

/** A row's range from its columns. */
export function rangeOfColumns(first: number, last: number, only: string | null): DeliveryRange {
  return { first, last, only: only === null ? null : (JSON.parse(only) as number[]) };
}
