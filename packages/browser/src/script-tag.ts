// Entry of dist/cairn.js, the script-tag build: the only file touching `window`.
import { createTracker } from './create-tracker.js';
import type { StubEntry, Tracker, TrackerOptions } from './core/types.js';

const global = window as unknown as { cairn?: StubEntry[] | Tracker };
const stub = global.cairn;

// A second copy of the script finds the tracker already there and leaves it alone.
if (!stub || Array.isArray(stub)) {
  // currentScript is set while an async script runs; the selector covers exotic loaders.
  const script = (document.currentScript || document.querySelector('script[data-write-key]')) as HTMLElement | null;
  const data = script?.dataset || {};
  // Options come straight from the data-* attributes (data-flush-at="5" is flushAt: '5'):
  // resolveOptions reads numbers from strings and ignores what it does not know.
  // data-consent="required" passes as is; data-event-categories is JSON. GPC is read unless
  // data-consent-signals leaves it out ("none", or the add-on's "tcf consent-mode"); TCF and
  // Consent Mode come with the cairn-consent.js add-on, which reads the attribute on its tag.
  const tracker = createTracker({
    ...data,
    eventCategories: data.eventCategories && JSON.parse(data.eventCategories),
    // No attribute: the default ([gpcSignal]); one that leaves gpc out: none.
    consentSignals: !/gpc/.test(data.consentSignals ?? 'gpc') && [],
  } as unknown as TrackerOptions);
  // Calls made before load, in order, each stamped with its own call time. The stub's methods
  // call `cairn.push`, which is the tracker's from now on: late calls still land. Add-ons that
  // loaded first hear of the tracker as it is set (browser/on-tracker.ts), before the replay.
  // Segment's `window.analytics` is taken over by the add-on dist/cairn-segment.js.
  global.cairn = tracker;
  for (const entry of stub || []) tracker.push(entry);
  // data-auto-page: a page view now. Views on each client-side navigation of a single-page app
  // come with the add-on dist/cairn-spa.js (spa-script-tag.ts), outside this file's byte budget.
  if (data.autoPage != null && data.autoPage != 'false') tracker.page();
}
