import { attempt } from '../core/attempt.js';
import type { KeyValueStorage } from '../core/ports.js';

/**
 * A JSON object kept under `key`; a missing or corrupt value reads as `{}` so a bad record
 * (edited by hand, written by an older version) can never break tracking.
 *
 * @example
 * readJson(storage, 'cairn:session').id
 */
export function readJson(storage: KeyValueStorage, key: string): Record<string, any> {
  return attempt(() => JSON.parse(storage.get(key) || '0')) || {};
}
