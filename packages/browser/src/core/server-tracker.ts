import type { Tracker } from './types.js';

const nothing = () => {};

/**
 * What createTracker() returns outside a browser (server-side rendering: no `document`): a
 * tracker that records nothing. It arms no timer, writes nothing and sends nothing, so a
 * module that makes its tracker at import time renders on the server unchanged; every call is
 * accepted and ignored, flush() resolves at once. The page's own tracker does the recording.
 *
 * @example
 * createServerTracker().track('Product Added'); // nothing happens
 */
export function createServerTracker(): Tracker {
  return {
    track: nothing,
    page: nothing,
    identify: nothing,
    flush: async () => {},
    reset: nothing,
    push: nothing,
    user: () => ({ anonymousId: '' }),
    signedIn: nothing,
    signedOut: nothing,
    setConsent: nothing,
    getConsent: () => ({}),
    onConsentChange: nothing,
  };
}
