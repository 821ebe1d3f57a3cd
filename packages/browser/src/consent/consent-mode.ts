import type { ConsentPreferences, ConsentSignal } from './consent.js';

/** Google Consent Mode v2 states each category needs `granted`, all of them. */
export const CONSENT_MODE_STATES: Record<string, string[]> = {
  analytics: ['analytics_storage'],
  marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'],
};

/**
 * Google Consent Mode v2, read from the `dataLayer` that `gtag('consent', …)` writes to (no
 * Google code needed): commands already there, then each one pushed later (`push` is wrapped;
 * GTM, loaded after, chains to it). `default` commands only set the starting states; each
 * `update` (the visitor's choice, from the CMP) decides the categories whose states it names.
 * Defaults alone decide nothing: with denied defaults, use `consent: 'required'` so events
 * wait for the update.
 *
 * @example
 * // gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'denied' })
 * // → { analytics: true, marketing: false }
 * createTracker({ writeKey, endpoint, consentSignals: [consentModeSignal] });
 */
export const consentModeSignal: ConsentSignal = (apply) => {
  // Not on a server (SSR): a dataLayer there would be shared by every request.
  if (typeof document == 'undefined') return;
  const page = globalThis as { dataLayer?: ArrayLike<unknown>[] };
  const layer = (page.dataLayer = page.dataLayer || []);
  const states: Record<string, unknown> = {};
  // gtag() pushes its `arguments` object: ['consent', 'default' | 'update', { ad_storage: 'granted', … }].
  const read = (entry: ArrayLike<unknown>) => {
    const command = entry && entry[0] == 'consent' && (entry[2] as Record<string, unknown>);
    if (command) {
      Object.assign(states, command);
      if (entry[1] == 'update') {
        const preferences: ConsentPreferences = {};
        for (const category in CONSENT_MODE_STATES) {
          const names = CONSENT_MODE_STATES[category]!;
          if (names.some((name) => name in command)) preferences[category] = names.every((name) => states[name] == 'granted');
        }
        apply(preferences, 'consent-mode');
      }
    }
  };
  layer.forEach(read);
  const push = layer.push;
  layer.push = function (this: unknown, ...entries) {
    entries.forEach(read);
    return push.apply(this, entries);
  };
};
