/**
 * The latest time a query reads: 9999-12-31T23:59:59.999Z. Past it `toISOString` writes a
 * six-digit year (`+010000-…`) that sorts before every stored time as text (SQLite silently
 * matches nothing) and that PostgreSQL refuses to parse (a 500).
 */
export const MAX_QUERY_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * Epoch milliseconds of an ISO 8601 date or date-time, or undefined when it is not one this
 * API takes: a date alone is UTC midnight; a date-time must carry `Z` or an offset (a time
 * without a zone would be read in the server's zone, which no one sending it can know). Days
 * that do not exist (`2026-02-30`) and anything after the time are refused, not rolled over.
 *
 * @example
 * parseIsoDate('2026-12-01') // Date.UTC(2026, 11, 1)
 * parseIsoDate('2026-12-01T09:00:00+01:00') // Date.UTC(2026, 11, 1, 8)
 * parseIsoDate('2026-02-30') // undefined
 */
export function parseIsoDate(text: string): number | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  let offset = 0;
  if (zone.toUpperCase() !== 'Z') {
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = fraction === '' ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  const time = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset;
  // Date.UTC reads years 0–99 as 1900–1999; such dates are no one's event window anyway.
  return y < 1000 || time > MAX_QUERY_TIME ? undefined : time;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
