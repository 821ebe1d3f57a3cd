// Date-time with optional time, fraction and offset. `Date.parse` is not used on its own
// because it accepts non-ISO text ("March 7") and reads a zone-less date-time as local time,
// which would make the stored time depend on the server's TZ.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch milliseconds of an ISO-8601 date or date-time, or `undefined` when the text is not one
 * (or names an impossible date such as February 30). No offset means UTC; a leap second
 * (`:60`) is read as the next second; fractions beyond milliseconds are truncated.
 *
 * @example
 * parseTimestamp('2024-05-01T12:00:00+02:00') // Date.UTC(2024, 4, 1, 10)
 * parseTimestamp('yesterday') // undefined
 */
export function parseTimestamp(text: string): number | undefined {
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, offH = '0', offM = '0'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > (DAYS_IN_MONTH[month - 1] as number)) return undefined;
  if (month === 2 && day === 29 && !isLeapYear(year)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offsetHours = Number(offH);
  const offsetMinutes = Number(offM);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not. Seconds are added after
  // the year is set so a leap second on 31 December rolls into the right year.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute));
  date.setUTCFullYear(year);
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  const local = date.getTime() + second * 1000 + millis;
  return local + (sign === '-' ? offset : sign === '+' ? -offset : 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * UTC ISO 8601 text (`2024-05-01T10:00:00.000Z`) of epoch milliseconds, or `undefined` outside
 * years 0000–9999, where `toISOString` switches to the extended `+012345-…` form.
 *
 * @example
 * formatTimestamp(0) // '1970-01-01T00:00:00.000Z'
 */
export function formatTimestamp(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return undefined;
  return date.toISOString();
}
