import type { KeyValueStorage } from './ports.js';

/**
 * Key-value storage in memory: the identity's fallback where localStorage is blocked.
 *
 * @example
 * const storage = createMemoryStorage();
 * storage.set('cairn:uid', 'u1');
 */
export function createMemoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key),
    set: (key, value) => (value == null ? values.delete(key) : values.set(key, value)),
    keys: () => [...values.keys()],
  };
}
