/** Where a `where` key may point: the event's properties, its context, or (for traits) the traits. */
const SEGMENT = /^[A-Za-z0-9_$-]{1,64}$/;
const MAX_DEPTH = 8;

/**
 * Splits a dotted path (`context.device.type`) into its segments, or returns why it is not
 * one: each segment is 1–64 letters, digits, `_`, `$` or `-`, at most 8 deep. The segments
 * reach SQL only as bound parameters (a JSON path for SQLite, a text[] for PostgreSQL); the
 * grammar keeps them unambiguous once quoted in the JSON path.
 *
 * @example
 * splitPath('context.device.type', ['properties', 'context']) // ['context', 'device', 'type']
 * splitPath('raw', ['properties', 'context']) // 'must start with properties. or context.'
 */
export function splitPath(path: string, roots: readonly string[]): string[] | string {
  const segments = path.split('.');
  if (roots.length > 0 && (segments.length < 2 || !roots.includes(segments[0] as string))) {
    return `must start with ${roots.map((root) => `${root}.`).join(' or ')}`;
  }
  if (segments.length > MAX_DEPTH) return `is deeper than ${MAX_DEPTH} levels`;
  const bad = segments.find((segment) => !SEGMENT.test(segment));
  if (bad !== undefined) return `has a segment ${JSON.stringify(bad)} that is not 1–64 letters, digits, _, $ or -`;
  return segments;
}

/**
 * The SQLite JSON path of split segments, each quoted: `$."context"."device"."type"`.
 *
 * @example
 * sqliteJsonPath(['properties', 'price']) // '$."properties"."price"'
 */
export function sqliteJsonPath(segments: readonly string[]): string {
  return `$${segments.map((segment) => `."${segment}"`).join('')}`;
}
