/** Crockford's base32, in ASCII order: ULIDs compare as strings in time order. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The 10-character time part of a ULID made at `ms`. Every ULID made at `ms` or later compares
 * greater than or equal to it, so the queue finds events older than its TTL from their keys
 * alone, without parsing their JSON.
 *
 * @example
 * ulidTime(0) // '0000000000'
 * ulidTime(Date.now() - 7 * 864e5) < eventId // true: the event is less than 7 days old
 */
export function ulidTime(ms: number): string {
  let time = '';
  for (let i = 0; i < 10; i++, ms = Math.floor(ms / 32)) time = CROCKFORD[ms % 32] + time;
  return time;
}
