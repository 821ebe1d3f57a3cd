import type { KeyValueStorage } from '../core/types.js';

/**
 * localStorage, read at call time (never at import: SSR-safe). Where it is blocked (Safari
 * with all cookies blocked throws on access) or full, values live in memory for this page.
 *
 * @example
 * createLocalStorage().get('cairn:aid');
 */
export function createLocalStorage(): KeyValueStorage {
  const memory: Record<string, string | undefined> = {};
  return {
    get(key) {
      try {
        return localStorage.getItem(key) || memory[key];
      } catch {
        return memory[key];
      }
    },
    set(key, value) {
      memory[key] = value;
      try {
        if (value == null) localStorage.removeItem(key);
        else localStorage.setItem(key, value);
      } catch {
        // Kept in memory above.
      }
    },
  };
}
