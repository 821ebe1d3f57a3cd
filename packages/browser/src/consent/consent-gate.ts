import type { ConsentContext } from '@cairn/protocol';
import type { CairnErrorCode } from '../core/cairn-error.js';
import { VERBOSE } from '../core/build-flags.js';
import type { Consent } from './consent.js';

/** An event on its way out of the tracker: all the gate touches is its consent stamp. */
export type Stampable = { consent?: ConsentContext };

/**
 * Where consent decides what happens to a captured event: stamped with the consent in force
 * and passed to `send` when its category is granted, dropped when it is denied, held in this
 * page's memory while undecided. Held events never reach the queue (so nothing about an
 * undecided visitor is written to IndexedDB); `release()`, run after every consent change,
 * sends those now granted, re-stamped with the granting decision (`send`'s `held` is true),
 * and drops those now denied.
 * Past `limit` held events the oldest go (reported, `events_dropped`); an event `send` throws
 * on at release (too large) is reported and dropped. With `hold` (the `holdUndecided` option)
 * undecided events go there instead, and it releases them.
 *
 * @example
 * const gate = createConsentGate(consent, send, 1000, report);
 * gate.capture(event, consent.categoryOf('track', 'Product Added'));
 * consent.listen(gate.release);
 */
export function createConsentGate<Event extends Stampable>(
  consent: Consent,
  send: (event: Event, held?: boolean) => void,
  limit: number,
  report: (error: unknown, code?: CairnErrorCode, status?: number, count?: number) => void,
  hold?: (event: Event) => void,
) {
  let held: [Event, string][] = [];
  const pass = (event: Event, category: string, held?: boolean) => {
    const allowed = consent.allows(category);
    if (allowed) {
      event.consent = consent.stamp();
      send(event, held);
    }
    return allowed;
  };
  return {
    capture(event: Event, category: string) {
      if (pass(event, category) != undefined) return;
      if (hold) hold(event);
      else if (held.push([event, category]) > limit) {
        held.shift();
        report(VERBOSE ? `over maxQueueEvents (${limit}) events wait for a consent decision: the oldest dropped` : '', 'events_dropped', 0, 1);
      }
    },
    /** How many events wait in this page's memory for a decision. */
    held: () => held.length,
    release() {
      held = held.filter((entry) => {
        try {
          return pass(...entry, true) == undefined;
        } catch (error) {
          report(error);
        }
      });
    },
  };
}
