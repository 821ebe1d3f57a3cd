import { CairnError } from './cairn-error.js';
import type { TrackerOptions } from './types.js';

export interface ResolvedOptions {
  writeKey: string;
  endpoint: string;
  flushAt: number;
  flushInterval: number;
  onError: (error: CairnError) => void;
}

/**
 * Checks createTracker() options and fills the defaults; throws `invalid_option` naming the
 * bad one (messages stay short: they ship in the script tag's byte budget).
 *
 * @example
 * resolveOptions({ writeKey: 'KEY', endpoint: 'https://c.example.com' }).flushAt // 20
 */
export function resolveOptions(options: TrackerOptions): ResolvedOptions {
  const { writeKey, endpoint, flushAt = 20, flushInterval = 1000, onError = () => {} } = options || ({} as TrackerOptions);
  const check = (valid: boolean, name: string) => {
    if (!valid) throw new CairnError('invalid_option', 'invalid option: ' + name);
  };
  check(!!writeKey && typeof writeKey == 'string', 'writeKey');
  // A scheme-less "collect.example.com" would silently resolve against the page's own URL.
  check(/^(https?:\/\/|\/)/i.test(endpoint), 'endpoint');
  check(flushAt >= 1, 'flushAt');
  check(flushInterval >= 0 && flushInterval < 1 / 0, 'flushInterval');
  check(typeof onError == 'function', 'onError');
  return { writeKey, endpoint: endpoint.replace(/\/+$/, ''), flushAt, flushInterval, onError };
}
