/**
 * Consent categories shared by the SDKs and the collector. An event belongs to one category
 * (by its event name, configured on both sides); `context.consent.categoryPreferences` says
 * which categories the visitor's consent granted when it was captured.
 */

/** Always allowed: events the site needs to work (a consent record, a security event). */
export const NECESSARY_CATEGORY = 'necessary';

/** The category of an event that no configuration names. */
export const DEFAULT_EVENT_CATEGORY = 'analytics';

/** The categories a Cairn SDK knows unless configured otherwise. */
export const DEFAULT_CONSENT_CATEGORIES: readonly string[] = [NECESSARY_CATEGORY, DEFAULT_EVENT_CATEGORY, 'marketing'];
