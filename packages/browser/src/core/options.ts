import { CairnError } from './cairn-error.js';
import type { TrackerOptions } from './types.js';

/** Numeric options and their defaults (see TrackerOptions for what each one means). */
const NUMBERS = {
  flushAt: 20,
  flushInterval: 1000,
  retryDelay: 1000,
  maxRetryTime: 36e5,
  maxQueueEvents: 1000,
  maxQueueBytes: 5 << 20,
  queueTtl: 6048e5,
};

export type ResolvedOptions = TrackerOptions &
  typeof NUMBERS & { endpoint: string; onError: (error: CairnError) => void };

/**
 * Checks createTracker() options and fills the defaults; throws `invalid_option` naming the
 * bad one (messages stay short: they ship in the script tag's byte budget). Unknown options
 * pass through for the modules that read them.
 *
 * @example
 * resolveOptions({ writeKey: 'KEY', endpoint: 'https://c.example.com' }).flushAt // 20
 */
export function resolveOptions(options: TrackerOptions): ResolvedOptions {
  const { writeKey, endpoint, onError = (error: CairnError) => console.warn(error) } = options || ({} as TrackerOptions);
  const check = (valid: boolean, name: string) => {
    if (!valid) throw new CairnError('invalid_option', 'invalid option: ' + name);
  };
  check(!!writeKey && typeof writeKey == 'string', 'writeKey');
  // A scheme-less "collect.example.com" would silently resolve against the page's own URL.
  check(/^(https?:\/\/|\/)/i.test(endpoint), 'endpoint');
  check(typeof onError == 'function', 'onError');
  const resolved = { ...options, endpoint: endpoint.replace(/\/+$/, ''), onError } as ResolvedOptions;
  for (const key in NUMBERS) {
    const name = key as keyof typeof NUMBERS;
    // `+`: data-* attributes arrive as strings. NaN fails the check.
    const value = (resolved[name] = +(options[name] ?? NUMBERS[name]));
    check(value >= 0 && value < 1 / 0, name);
  }
  return resolved;
}
