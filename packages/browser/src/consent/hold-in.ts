import type { CairnErrorCode } from '../core/cairn-error.js';
import { countOverLimits, type QueueLimits } from '../core/queue-limits.js';
import type { Clock, Lock, Queue, QueuedEvent } from '../core/ports.js';
import type { Consent } from './consent.js';

/** What the tracker gives a hold: it decides nothing itself, consent does. */
export interface HoldDeps {
  consent: Consent;
  /**
   * Queues a released event (its JSON, consent stamped) for sending, under the anonymousId in
   * force (as the tracker sends the events it held in memory); throws if it is too large.
   */
  send(json: string, id: string): void;
  /** The tracker's onError path: an error, or a message with its code, status and count. */
  report(error: unknown, code?: CairnErrorCode, status?: number, count?: number): void;
  limits: QueueLimits;
  clock: Clock;
  /** The cross-tab send lock, so two tabs never release the same held event. */
  lock?: Lock;
}

/** Where events captured before a consent decision wait (required mode). */
export interface UndecidedHold {
  /** Keeps an undecided event: its whole JSON, context included, without `context.consent`. */
  hold(id: string, json: string): void;
  /** Sends the held events consent now grants, deletes those it denies, keeps the rest. */
  settle(): Promise<void>;
}

/**
 * The `holdUndecided` option: events captured before a decision wait in `queue` rather than in
 * the page's memory, so a visitor who clicks on to another page before answering the banner
 * does not lose the first page's events (its landing page view, campaign included). Opt-in,
 * and only for npm builds: the events it writes carry the page's anonymousId, an identifier
 * kept in storage before any consent, which is the site's call (see docs/privacy.md). Each
 * decision, and each page load, settles the held events: granted ones are stamped with the
 * decision and sent under the anonymousId in force then (the undecided pages' ids were never
 * kept, so the visitor is one person, not one per page), denied ones are deleted. Bounded by
 * the queue limits (`maxQueueEvents`, `maxQueueBytes`, `queueTtl`; losses reported).
 *
 * @example
 * import { createIdbQueue, createTracker, holdIn } from '@cairn/browser';
 *
 * createTracker({
 *   writeKey: 'KEY', endpoint: 'https://collect.example.com', consent: 'required',
 *   holdUndecided: holdIn(createIdbQueue('cairn-undecided')),
 * });
 */
export function holdIn(queue: Queue): (deps: HoldDeps) => UndecidedHold {
  return ({ consent, send, report, limits, clock, lock }) => {
    let chain: Promise<unknown> = Promise.resolve();
    const run = (step: () => Promise<unknown>) => {
      const next = chain.then(step).catch(report);
      chain = next;
      return next as Promise<void>;
    };
    const settle = async () => {
      const events = await queue.read();
      const over = countOverLimits(events, limits, clock.now());
      if (over) report(over + ' held events dropped: over maxQueueEvents, maxQueueBytes or queueTtl', 'events_dropped', 0, over);
      const done: QueuedEvent[] = events.slice(0, over);
      for (const event of events.slice(over)) {
        try {
          const parsed = JSON.parse(event.json);
          const allowed = consent.allows(consent.categoryOf(parsed.type, parsed.event));
          if (allowed) {
            parsed.context = { ...parsed.context, consent: consent.stamp() };
            send(JSON.stringify(parsed), event.id);
          }
          if (allowed != undefined) done.push(event);
        } catch (error) {
          // A record that cannot be sent (corrupt, too large) is reported, never retried forever.
          report(error);
          done.push(event);
        }
      }
      if (done[0]) await queue.remove(done);
    };
    return {
      hold: (id, json) => void run(() => queue.add([{ id, json, bytes: 0 }])),
      settle: () => run(() => (lock ? lock(true, settle) : settle())),
    };
  };
}
