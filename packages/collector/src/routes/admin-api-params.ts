import { ERROR_CODES } from '@cairn/protocol';
import type { Context } from 'hono';
import type { EventCursor } from '../console/console-reads.js';
import { httpError } from '../http/http-error.js';

/**
 * `limit` as an integer in [1, max], `fallback` when absent.
 *
 * @example
 * readLimit(c.req.query('limit'), 50, 500)
 */
export function readLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw httpError(400, ERROR_CODES.invalidQuery, `limit must be an integer from 1 to ${max}`);
  return n;
}

/**
 * A date or date-time query parameter as UTC ISO, undefined when absent.
 *
 * @example
 * readIsoTime('2024-06-01', 'from') // '2024-06-01T00:00:00.000Z'
 */
export function readIsoTime(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw httpError(400, ERROR_CODES.invalidQuery, `${name} must be an ISO 8601 date or date-time, e.g. 2024-06-01 or 2024-06-01T12:00:00Z`);
  }
  return new Date(time).toISOString();
}

/**
 * The opaque page cursor of `GET /admin/api/events` (`next` of the previous page).
 *
 * @example
 * encodeCursor({ receivedAt, source, messageId }) // 'WyIyMDI0…'
 */
export function encodeCursor(cursor: EventCursor): string {
  return btoa(unescape(encodeURIComponent(JSON.stringify([cursor.receivedAt, cursor.source, cursor.messageId]))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/**
 * `before`: a cursor from `next`, or an ISO time (events received before it).
 *
 * @example
 * readCursor('2024-06-01T12:00:00Z') // { receivedAt: '2024-06-01T12:00:00.000Z', source: '', messageId: '' }
 */
export function readCursor(value: string | undefined): EventCursor | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const receivedAt = readIsoTime(value, 'before') as string;
    return { receivedAt, source: '', messageId: '' };
  }
  try {
    const text = decodeURIComponent(escape(atob(value.replace(/-/g, '+').replace(/_/g, '/'))));
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((part) => typeof part === 'string')) {
      const [receivedAt, source, messageId] = parsed as [string, string, string];
      return { receivedAt, source, messageId };
    }
  } catch {
    // Answered below.
  }
  throw httpError(400, ERROR_CODES.invalidQuery, 'before must be the `next` cursor of a previous page or an ISO 8601 time');
}

/**
 * An optional non-empty text query parameter (at most 200 characters).
 *
 * @example
 * readText(c, 'source')
 */
export function readText(c: Context, name: string): string | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (value.length > 200) throw httpError(400, ERROR_CODES.invalidQuery, `${name} is longer than 200 characters`);
  return value;
}
