import type { ConsentPreferences, ConsentSignal } from './consent.js';

/** The part of IAB TCF v2's TCData the adapter reads. */
export interface TcData {
  gdprApplies?: boolean;
  /** `tcloaded` (a stored decision), `cmpuishown` (the banner is up), `useractioncomplete`. */
  eventStatus?: string;
  purpose?: { consents?: Record<string, boolean> };
}

/** `window.__tcfapi(command, version, callback, parameter?)`, as a TCF v2 CMP installs it. */
export type TcfApi = (command: string, version: number, callback: (data: TcData, success: boolean) => void, parameter?: unknown) => void;

/**
 * TCF purposes each category needs consent to, all of them: 1 (store and access information
 * on a device: the SDK's identifiers and queue) with 8 (measure content performance) for
 * `analytics`, with 7 (measure advertising performance, i.e. attribution) for `marketing`.
 * Purposes granted on legitimate interest do not count: only consents do.
 */
export const TCF_PURPOSES: Record<string, number[]> = { analytics: [1, 8], marketing: [1, 7] };

/**
 * IAB TCF v2, read through the CMP's own `__tcfapi` (no vendor SDK): once the visitor's
 * decision is known (`tcloaded`, `useractioncomplete`) and on every change after, the
 * purpose consents become category decisions (see TCF_PURPOSES). Nothing happens while the
 * banner is up, without a CMP, or where the CMP says GDPR does not apply: the site's consent
 * mode then decides.
 *
 * @example
 * createTracker({ writeKey, endpoint, consent: 'required', consentSignals: [tcfSignal] });
 */
export const tcfSignal: ConsentSignal = (apply) => {
  const api = (globalThis as { __tcfapi?: TcfApi }).__tcfapi;
  if (typeof api == 'function') {
    // addEventListener calls back at once with the current state, then on each change.
    api('addEventListener', 2, (data, success) => {
      if (success && data && data.gdprApplies !== false && /loaded|complete/.test(data.eventStatus!)) {
        const consents = (data.purpose && data.purpose.consents) || {};
        const preferences: ConsentPreferences = {};
        for (const category in TCF_PURPOSES) preferences[category] = TCF_PURPOSES[category]!.every((n) => consents[n] === true);
        apply(preferences, 'tcf');
      }
    });
  }
};
