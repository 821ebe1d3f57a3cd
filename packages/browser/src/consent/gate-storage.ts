import type { KeyValueStorage } from '../core/ports.js';
import { IDENTIFYING } from '../core/storage-keys.js';

/**
 * The identity's storage under consent: values reach `storage` (localStorage) only while
 * `persist()` is true (analytics granted). Otherwise they live in memory for this page, so a
 * visitor who has not decided, or said no, leaves nothing that recognises them next time.
 * `sync()` applies a change, and runs once at the start: a grant writes the page's values
 * out; anything else deletes the stored ones, so after a denial the page goes on under new
 * ids that end with it (a userId included: identify again after a new grant). After a grant
 * another tab made, the ids it stored are kept and this page's own are dropped.
 *
 * @example
 * const ids = gateStorage(createLocalStorage(), () => consent.allows('analytics'));
 * ids.sync();
 * createIdentity(ids, ulid);
 */
export function gateStorage(storage: KeyValueStorage, persist: () => boolean | undefined) {
  const memory: Record<string, string | undefined> = {};
  return {
    get: (key: string) => (key in memory ? memory[key] : storage.get(key)),
    set(key: string, value?: string) {
      if (persist()) storage.set(key, value);
      else memory[key] = value;
    },
    sync() {
      for (const key of IDENTIFYING) {
        if (!persist()) storage.set(key);
        else if (key in memory) {
          // A grant made in another tab: the ids that tab stored win, so the tabs share one.
          if (storage.get(key) == null) storage.set(key, memory[key]);
          delete memory[key];
        }
      }
    },
  };
}
