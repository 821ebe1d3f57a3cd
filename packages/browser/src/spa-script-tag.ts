// Entry of dist/cairn-spa.js, the script-tag add-on for single-page apps: a page view on each
// client-side navigation (history.pushState / replaceState, back / forward, path or query
// changed), kept out of cairn.js's byte budget. cairn.js's data-auto-page sends the view of
// the page it loads on; this follows the navigations after this tag ran. Any order works:
//   <script src="/cairn-spa.js"></script>
//   <script async src="/cairn.js" data-write-key="KEY" data-endpoint="…" data-auto-page></script>
import { followNavigation } from './context/auto-page.js';
import type { StubEntry } from './core/types.js';

const global = window as unknown as { cairn?: { push(entry: StubEntry): void } };

// A stub entry works either way: before cairn.js has loaded it joins the stub's queue (with
// its call time, replayed in order), after it the tracker's push records it.
followNavigation(() => (global.cairn ||= [] as never).push(['page', Date.now()]));
