/**
 * Delay before the next attempt after `failures` failed ones: exponential from `minMs`, capped
 * at `maxMs`, with "equal jitter" (half fixed, half random) so destinations failing together do
 * not retry in lockstep. A `Retry-After` the receiver sent wins, within the cap.
 *
 * @example
 * retryDelayMs({ failures: 3, minMs: 1000, maxMs: 300_000 }) // between 4000 and 8000
 */
export function retryDelayMs(options: { failures: number; minMs: number; maxMs: number; retryAfterMs?: number; random?: () => number }): number {
  if (options.retryAfterMs !== undefined) return Math.min(options.maxMs, Math.max(0, options.retryAfterMs));
  const exponential = Math.min(options.maxMs, options.minMs * 2 ** Math.min(30, Math.max(0, options.failures)));
  return exponential / 2 + (options.random ?? Math.random)() * (exponential / 2);
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable.
 *
 * @example
 * parseRetryAfter('3', Date.now()) // 3000
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
