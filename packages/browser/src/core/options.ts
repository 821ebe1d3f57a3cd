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
  sessionTimeout: 18e5,
};

export type ResolvedOptions = TrackerOptions &
  typeof NUMBERS & { endpoint: string; onError: (error: CairnError) => void };

/**
 * Checks createTracker() options and fills the defaults; throws `invalid_option` naming the
 * first bad one (messages stay short: they ship in the script tag's byte budget). Unknown
 * options pass through for the modules that read them.
 *
 * @example
 * resolveOptions({ writeKey: 'KEY', endpoint: 'https://c.example.com' }).flushAt // 20
 */
export function resolveOptions(options: TrackerOptions): ResolvedOptions {
  const resolved = { ...options, onError: (options && options.onError) || ((error: CairnError) => console.warn(error)) };
  const fields = resolved as Record<string, any>;
  for (const name of ['writeKey', 'endpoint', 'onError', ...Object.keys(NUMBERS)]) {
    const fallback = NUMBERS[name as keyof typeof NUMBERS];
    // `+`: data-* attributes arrive as strings. NaN fails the check.
    const value = fallback ? (fields[name] = +(fields[name] ?? fallback)) : fields[name];
    const valid = fallback
      ? value >= 0 && value < 1 / 0
      : name == 'onError'
        ? typeof value == 'function'
        : // A scheme-less "collect.example.com" would silently resolve against the page's own URL.
          typeof value == 'string' && (name == 'writeKey' ? !!value : /^(https?:\/\/|\/)/i.test(value));
    if (!valid) throw new CairnError('invalid_option', 'invalid option: ' + name);
  }
  resolved.endpoint = resolved.endpoint.replace(/\/+$/, '');
  return resolved as ResolvedOptions;
}
