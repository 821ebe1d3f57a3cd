import { onPageExit } from './browser/page-exit.js';
import { createIdbQueue } from './browser/idb-queue.js';
import { fetchTransport } from './browser/fetch-transport.js';
import { createLocalStorage } from './browser/local-storage.js';
import { isOnline, onOnline } from './browser/network-status.js';
import { inBrowser } from './browser/in-browser.js';
import { createPageContext } from './browser/page-context.js';
import { createUlid } from './browser/ulid.js';
import { createWebLock } from './browser/web-lock.js';
import { createConsent } from './consent/consent.js';
import { CONSENT_KEY } from './core/storage-keys.js';
import { gpcSignal } from './consent/gpc.js';
import { createSession } from './context/session.js';
import { systemClock } from './core/clock.js';
import { resolveOptions } from './core/options.js';
import { createServerTracker } from './core/server-tracker.js';
import { createTrackerCore } from './core/tracker.js';
import type { Tracker, TrackerOptions } from './core/types.js';

/**
 * Creates the browser tracker: events are queued in IndexedDB, batched to
 * `{endpoint}/v1/batch`, deleted once acknowledged, and sent with keepalive when the page goes
 * away. Safe under SSR: importing touches no browser API, and on the server (no `document`)
 * it returns a tracker that records nothing (no timer, no request; see createServerTracker).
 * Throws a `CairnError` (`code: 'invalid_option'`) on bad options; the tracker's calls never throw.
 *
 * @example
 * import { createTracker } from '@cairn/browser';
 *
 * const cairn = createTracker({ writeKey: 'KEY', endpoint: 'https://collect.example.com' });
 * cairn.identify('user-42', { plan: 'pro' });
 * cairn.track('Product Added', { sku: 'RC-SUM-340', price: 18 });
 * await cairn.flush();
 */
export function createTracker(options: TrackerOptions): Tracker {
  const resolved = resolveOptions(options);
  if (!inBrowser()) return createServerTracker();
  const ids = createUlid();
  // A decision stored by another tab applies here at once (see Consent.reload).
  const storage = createLocalStorage((key) => key == CONSENT_KEY && consent.reload());
  const consent = createConsent(resolved, storage);
  // The session record identifies the visitor too: it shares the identity's consent gate.
  const session = createSession(consent.storage, systemClock, ids, resolved.sessionTimeout);
  const pageContext = createPageContext();
  const context = () => session(pageContext());
  // The landing page starts the session and sets its campaign (utm_*, gclid …) now, even if
  // it tracks nothing before the visitor clicks on.
  context();
  const tracker = createTrackerCore(resolved, {
    queue: createIdbQueue(),
    transport: fetchTransport,
    clock: systemClock,
    ids,
    lock: createWebLock('cairn:send:' + resolved.writeKey),
    storage,
    consent,
    context,
    onPageExit,
    online: isOnline,
    onOnline,
  });
  // Before any call is replayed: the GPC default must be in force for the first event.
  for (const signal of resolved.consentSignals || [gpcSignal]) signal(tracker.setConsent);
  return tracker;
}
