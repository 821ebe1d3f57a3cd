import { CairnError } from './cairn-error.js';
import { SCRIPT_TAG, VERBOSE } from './build-flags.js';
import type { TrackerOptions } from './types.js';

/** Numeric options and their defaults (see TrackerOptions for what each one means). */
const NUMBERS = {
  flushAt: 20,
  flushInterval: 1000,
  retryDelay: 1000,
  timeout: 15e3,
  maxQueueEvents: 1000,
  maxQueueBytes: 5 << 20,
  queueTtl: 6048e5,
  sessionTimeout: 18e5,
};

export type ResolvedOptions = TrackerOptions &
  typeof NUMBERS & { endpoint: string; onError: (error: CairnError) => void };

/**
 * Checks createTracker() options and fills the defaults; throws `invalid_option` naming the
 * first bad one (with its value in the npm build; the script tag names it only). Unknown
 * options pass through for the modules that read them.
 *
 * @example
 * resolveOptions({ writeKey: 'KEY', endpoint: 'https://c.example.com' }).flushAt // 20
 */
export function resolveOptions(options: TrackerOptions): ResolvedOptions {
  // The script tag's onError is always the default: no data-* attribute can give a function.
  const resolved = { ...options, onError: (!SCRIPT_TAG && options?.onError) || ((error: CairnError) => console.warn(error)) };
  const fields = resolved as Record<string, any>;
  const check = (name: string, valid: unknown) => {
    if (!valid) throw new CairnError('invalid_option', VERBOSE ? `invalid option ${name}: ${JSON.stringify(fields[name])}` : name);
  };
  // A data-* attribute is a string or missing: the script tag only checks that it is there.
  check('writeKey', (SCRIPT_TAG || typeof fields.writeKey == 'string') && fields.writeKey);
  // A scheme-less "collect.example.com" would silently resolve against the page's own URL.
  check('endpoint', (SCRIPT_TAG || typeof fields.endpoint == 'string') && /^(https?:\/\/|\/)/i.test(fields.endpoint));
  if (!SCRIPT_TAG) check('onError', typeof fields.onError == 'function');
  // `+`: data-* attributes arrive as strings. NaN fails the check.
  for (const name in NUMBERS) check(name, (fields[name] = +(fields[name] ?? NUMBERS[name as keyof typeof NUMBERS])) >= 0 && fields[name] < 1 / 0);
  resolved.endpoint = resolved.endpoint.replace(/\/+$/, '');
  return resolved as ResolvedOptions;
}
