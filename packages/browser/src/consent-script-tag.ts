// Entry of dist/cairn-consent.js, the script-tag add-on that reads a consent management
// platform through IAB TCF v2 (`__tcfapi`) and Google Consent Mode v2 (`dataLayer`), kept out
// of cairn.js's byte budget (Global Privacy Control is in cairn.js). It talks to the tracker
// only through `cairn.setConsent`, queued as a stub call when cairn.js has not run yet, so the
// two tags load in any order:
//   <script async src="/cairn-consent.js"></script>
//   <script async src="/cairn.js" data-write-key="KEY" data-endpoint="…" data-consent="required"></script>
// `data-consent-signals="tcf"` (or `"consent-mode"`) reads only one of the two.
import type { ApplyConsent } from './consent/consent.js';
import { consentModeSignal } from './consent/consent-mode.js';
import { tcfSignal } from './consent/tcf.js';
import type { StubEntry } from './core/types.js';

const global = window as unknown as { cairn?: { push(entry: StubEntry): unknown } };
const signals = (document.currentScript as HTMLScriptElement | null)?.dataset.consentSignals || 'tcf consent-mode';

// The stub's array until cairn.js runs (which replays it in order), the tracker after.
const apply: ApplyConsent = (preferences, source) =>
  (global.cairn ||= [] as StubEntry[]).push(['setConsent', Date.now(), preferences, source]);

if (signals.includes('tcf')) tcfSignal(apply);
if (signals.includes('consent-mode')) consentModeSignal(apply);
