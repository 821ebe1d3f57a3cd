// Entry of dist/cairn-segment.js, the script-tag add-on for sites instrumented through
// Segment's snippet: it gives `window.analytics` Segment's API on the Cairn tracker (see
// segment/segment-facade.ts), kept out of cairn.js's byte budget. As a plain tag before the
// snippet, the snippet stays as it is (its analytics.load line disarmed):
//   <script src="/cairn-segment.js"></script>
//   <script>/* Segment's snippet */</script>
//   <script async src="/cairn.js" data-write-key="KEY" data-endpoint="…"></script>
// or async after a snippet without its analytics.load line; the two tags load in any order.
// `data-global` on this tag names another global than `analytics`.
import { onTracker } from './browser/on-tracker.js';
import { adoptSegmentIds } from './segment/segment-ids.js';
import { createSegmentFacade, lazily, type Settled } from './segment/segment-facade.js';

type Queue = Record<string, any>;

const global = window as unknown as Record<string, Queue | undefined>;
const name = (document.currentScript as HTMLScriptElement | null)?.dataset.global || 'analytics';
const warn = (message: string) => console.warn('Cairn (cairn-segment.js): ' + message);
// The snippet's queue (an array with stub methods), or one of our own when the snippet is not there yet.
const target = (global[name] ||= [] as unknown as Queue);

if (target.initialized) {
  // Segment's own library got here first (the snippet's analytics.load ran): it keeps the global.
  warn(`window.${name} is already a loaded library: remove the snippet's analytics.load() line`);
} else {
  // Segment's library, were it loaded, would take the global back (and send to Segment): the
  // snippet's load() does nothing from now on, and keeps doing nothing when a snippet that
  // runs after this tag defines it again. Reported once so a developer removes the call.
  let told = 0;
  const load = () => told++ || warn('analytics.load() does nothing with Cairn: remove the call (it would load Segment’s library)');
  Object.defineProperty(target, 'load', { configurable: true, get: () => load, set() {} });

  // Before load, the snippet's stubs return its queue; Segment's library's calls return a
  // Promise. Those that record an event are wrapped to return one too, settled as the call's own
  // once it is replayed (below): `await analytics.track(…)` works before load. Stubs the snippet
  // makes after this tag ran come through its `factory`, wrapped as they are made.
  let installed: (value?: unknown) => void;
  const install = new Promise((resolve) => (installed = resolve));
  // cairn.js blocked or failed: the page has loaded (an async tag holds the load event until it
  // ran or failed) and 300 ms more (Segment's timeout) have passed without it. Those Promises
  // then settle with only the call's type: a page awaiting a track must not wait forever
  // (Segment's snippet alone returns its queue, which `await` passes at once). The calls stay
  // queued for a late cairn.js. Once it is there, only the call's own answer counts.
  const missing = new Promise((resolve) => {
    const later = () => setTimeout(() => target.initialized || resolve(0), 300);
    document.readyState == 'complete' ? later() : addEventListener('load', later);
  });
  const wrap = (method: string, stub: (...args: unknown[]) => unknown) =>
    /^(track|page|identify|group|alias|screen)$/.test(method)
      ? function (this: unknown, ...args: unknown[]) {
          const at = target.length;
          const result = stub.apply(this, args);
          const entry = target[at] as (unknown[] & { settled?: Settled }) | undefined;
          // After load the snippet's stub proxies to the facade, whose answer is the call's.
          return target.initialized || !entry
            ? result
            : lazily(() => Promise.race([install.then(() => entry.settled), missing.then(() => ({ event: { type: method } }))]));
        }
      : stub;
  for (const method of target.methods || []) if (typeof target[method] == 'function') target[method] = wrap(method, target[method]);
  let factory: (method: string) => (...args: unknown[]) => unknown;
  Object.defineProperty(target, 'factory', {
    configurable: true,
    get: () => factory && ((method: string) => wrap(method, factory(method))),
    set: (value) => (factory = value),
  });

  onTracker((tracker) => {
    if (target.initialized) return;
    // Only while identifiers may be stored, and before the replay below records the first event.
    if (tracker.getConsent().analytics) adoptSegmentIds();
    // The snippet's queue is an array; a global some other script left is taken as it is.
    const queued: unknown[][] = Array.isArray(target) ? target.splice(0) : [];
    // The snippet's object is kept (a reference taken before load still works) and given the
    // tracker's methods, then Segment's over them. `initialized` makes a stub reference saved
    // before load call window.analytics[method] (the snippet's stubs do), and `initialize`
    // makes a snippet that runs later leave the global alone.
    createSegmentFacade(Object.assign(target, tracker), tracker, warn, target.methods);
    Object.assign(target, {
      initialized: true,
      initialize: () => Promise.resolve(target),
      // Segment's entries, [method, ...args]: no call time (unlike window.cairn's stub entries).
      push: ([method, ...args]: [string, ...unknown[]]) => target[method]?.(...args.filter((arg: any) => !arg?.__t)),
    });
    // The snippet's queue, in order, less the buffered-page-context object ({__t: 'bpc'}) recent
    // snippets append: Cairn reads the page itself. The snippet records no call time: these
    // events carry the time of this replay.
    for (const entry of queued) (entry as { settled?: unknown }).settled = target.push(entry);
    installed();
  });
}
