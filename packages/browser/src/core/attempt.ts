/**
 * Runs `fn`; undefined if it throws: for the calls a broken environment makes throw (blocked
 * storage, a corrupt stored value) and tracking goes on without.
 *
 * @example
 * attempt(() => localStorage.getItem('cairn:aid')) // undefined where storage is blocked
 */
export const attempt = <T>(fn: () => T): T | undefined => {
  try {
    return fn();
  } catch {}
};
