const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The rollup keys a range covers: whole UTC hours (days for people), widened outwards. */
export interface OverviewBounds {
  fromHour: string;
  /** Exclusive. */
  toHour: string;
  fromDay: string;
  /** Exclusive. */
  toDay: string;
  /** The months the days span ('YYYY-MM'), each with the bits of its days in the range. */
  months: { month: string; mask: number }[];
}

/**
 * The rollups count per hour (people per day), so a range is widened to whole hours and days:
 * `from` rounds down, `to` up. docs/admin-api.md says so.
 *
 * @example
 * overviewBounds({ from: '2024-06-01T10:30:00Z', to: '2024-06-01T12:00:00Z' })
 * // { fromHour: '2024-06-01T10', toHour: '2024-06-01T12', fromDay: '2024-06-01', toDay: '2024-06-02',
 * //   months: [{ month: '2024-06', mask: 1 }] }
 */
export function overviewBounds(range: { from: string; to: string }): OverviewBounds {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const iso = (ms: number) => new Date(ms).toISOString();
  const firstDay = Math.floor(from / DAY) * DAY;
  const endDay = Math.ceil(to / DAY) * DAY;
  const months = new Map<string, number>();
  for (let day = firstDay; day < endDay; day += DAY) {
    const date = iso(day);
    const month = date.slice(0, 7);
    months.set(month, (months.get(month) ?? 0) + 2 ** (Number(date.slice(8, 10)) - 1));
  }
  return {
    fromHour: iso(Math.floor(from / HOUR) * HOUR).slice(0, 13),
    toHour: iso(Math.ceil(to / HOUR) * HOUR).slice(0, 13),
    fromDay: iso(firstDay).slice(0, 10),
    toDay: iso(endDay).slice(0, 10),
    months: [...months].map(([month, mask]) => ({ month, mask })),
  };
}
