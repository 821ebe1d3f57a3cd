// Entry of dist/cairn-commerce.js, the script-tag add-on for e-commerce (helpers and cart
// watching), kept out of cairn.js's byte budget. A site opts in with a tag that runs before
// cairn.js replays the stub: a plain one before cairn.js's async tag, or both `defer`:
//   <script src="/cairn-commerce.js" data-cart-idle="1800000"></script>
//   <script async src="/cairn.js" data-write-key="KEY" data-endpoint="…"></script>
// Run later, it still adds the helpers, but the cart watch has missed the events before it,
// and stubbed helper calls replayed before it reach onError as unknown methods.
import { COMMERCE_EVENTS, helperName } from './commerce/commerce-events.js';
import { withCommerce } from './commerce/with-commerce.js';
import { onTracker } from './browser/on-tracker.js';
import type { StubEntry, Tracker } from './core/types.js';

type Cairn = (StubEntry[] | Tracker) & Record<string, unknown>;

const global = window as unknown as { cairn?: Cairn };
const cartIdle = (document.currentScript as HTMLScriptElement | null)?.dataset.cartIdle;

/** Gives the tracker the helpers and the cart watch, once. */
const upgrade = (tracker: Cairn) => {
  if (tracker && !Array.isArray(tracker) && !tracker.productAdded) {
    try {
      withCommerce(tracker as Tracker, { cartIdle: cartIdle ? +cartIdle : undefined });
    } catch (error) {
      // A bad data-cart-idle: the tracker goes on without the add-on.
      console.warn(error);
    }
  }
};

// Before cairn.js runs, helpers called meanwhile queue as the stub's calls do (cairn.js replays
// them in order with their call times), and the tracker is upgraded the moment cairn.js installs
// it as window.cairn, before that replay, so the cart watch sees it. After, it is upgraded now.
const stub = (global.cairn ||= [] as unknown as Cairn) as StubEntry[] & Record<string, unknown>;
if (Array.isArray(stub)) {
  for (const event of COMMERCE_EVENTS.split(',')) {
    const name = helperName(event);
    stub[name] ||= (...args: unknown[]) => (global.cairn as { push(entry: StubEntry): void }).push([name, Date.now(), ...args]);
  }
}
onTracker((tracker) => upgrade(tracker as Cairn));
