/** The keys the SDK keeps in localStorage. What identifies a visitor is gated by consent. */
export const ANONYMOUS_ID = 'cairn:aid';
export const USER_ID = 'cairn:uid';
export const SESSION_KEY = 'cairn:session';
/** The keys that identify a visitor: stored only once analytics is granted. */
export const IDENTIFYING = [ANONYMOUS_ID, USER_ID, SESSION_KEY];
/** The visitor's own consent decisions (no identifier: a choice is not a person). */
export const CONSENT_KEY = 'cairn:consent';
/**
 * Prefix of the page-exit stash: events IndexedDB had not confirmed when a page went away,
 * written synchronously and moved to the queue by the next page load.
 */
export const STASH_PREFIX = 'cairn:stash:';
