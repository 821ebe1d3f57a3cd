import { ANONYMOUS_ID, USER_ID } from './storage-keys.js';
import type { KeyValueStorage } from './ports.js';

/**
 * Who the events are about. Read from storage on every event rather than cached, so an
 * identify() or reset() in another tab applies here too.
 */
export function createIdentity(storage: KeyValueStorage, ids: () => string) {
  const renew = () => {
    const id = ids();
    storage.set(ANONYMOUS_ID, id);
    return id;
  };
  return {
    get: (): { anonymousId: string; userId?: string } => ({
      anonymousId: storage.get(ANONYMOUS_ID) || renew(),
      userId: storage.get(USER_ID) || undefined,
    }),
    setUserId: (userId: string) => storage.set(USER_ID, userId),
    reset() {
      storage.set(USER_ID);
      renew();
    },
  };
}
