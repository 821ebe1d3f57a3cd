import { inBrowser } from '../browser/in-browser.js';
import type { ConsentSignal } from './consent.js';

/**
 * Global Privacy Control: a browser or extension that sends `Sec-GPC: 1` also sets
 * `navigator.globalPrivacyControl`. It is a legal opt-out of sale and sharing (CCPA/CPRA,
 * Colorado), so it denies `marketing` — as a default: an explicit grant by the visitor (a
 * banner click, stored) still wins. Analytics is left to the site's consent mode.
 *
 * @example
 * createTracker({ writeKey, endpoint, consentSignals: [gpcSignal] });
 */
export const gpcSignal: ConsentSignal = (apply) => {
  if (inBrowser() && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true) {
    apply({ marketing: false }, 'gpc');
  }
};
