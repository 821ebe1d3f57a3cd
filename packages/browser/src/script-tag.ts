// Entry of dist/cairn.js, the script-tag build: the only file touching `window`.
import { createTracker } from './create-tracker.js';
import type { StubEntry, Tracker, TrackerOptions } from './core/types.js';

const global = window as unknown as { cairn?: StubEntry[] | Tracker } & Record<string, any>;
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
  // call `cairn.push`, which is the tracker's from now on: late calls still land.
  global.cairn = tracker;
  for (const entry of stub || []) tracker.push(entry);
  // data-global="analytics": the tracker takes over that global, so a site instrumented through
  // Segment's snippet keeps its analytics.track/page/identify calls when only the script tag
  // changes. The snippet's queue object is kept and given the tracker's methods (a reference
  // taken before load still works); its queued calls, [method, ...args] without a call time,
  // replay in order, less the buffered-page-context object ({__t: 'bpc'}) recent snippets
  // append. A method Cairn lacks stays the snippet's stub: its call reaches tracker.push, which
  // reports it. ready(fn) runs fn; `initialize` makes a snippet that runs later leave it alone.
  const name = data.global;
  if (name) {
    const queue = (global[name] = Object.assign(global[name] || [], tracker, { ready: (fn: () => void) => fn(), initialize: 1 }));
    for (const [method, ...args] of queue.splice(0)) queue[method]?.(...args.filter((arg: any) => !arg?.__t));
  }
  // data-auto-page: a page view now. Views on each client-side navigation of a single-page app
  // come with the add-on dist/cairn-spa.js (spa-script-tag.ts), outside this file's byte budget.
  if (data.autoPage != null && data.autoPage != 'false') tracker.page();
}
