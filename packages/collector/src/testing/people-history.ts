import type { EventRow } from '../store/store.js';

/** "Now" of the seeded history: every relative time below counts back from it. */
export const HISTORY_NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;

type Device = 'mobile' | 'desktop' | 'tablet';

interface Step {
  /** Minutes before HISTORY_NOW. */
  ago: number;
  type?: 'track' | 'identify' | 'page' | 'alias';
  event?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  /** Sent as this user (after sign-in); else anonymous. */
  signedIn?: boolean;
  previousId?: string;
}

/** One person of the history: their ids, device, campaign, and what they did, batch by batch. */
export interface HistoryPerson {
  name: string;
  anonymousId: string;
  userId?: string;
  device: Device;
  utmSource?: string;
  /** Context keys of every event, over the defaults (campaign, page, consent …). */
  context?: Record<string, unknown>;
  /** Each inner list is one request (a browser's batch), in order. */
  batches: Step[][];
}

const day = (days: number, minutes = 0) => days * 24 * 60 + minutes;
const added = (ago: number, cart: string, price = 18): Step => ({ ago, event: 'Product Added', properties: { product_id: `p-${cart}`, price, quantity: 1, currency: 'EUR', cart_id: cart } });
const signedIn = (ago: number): Step[] => [
  { ago, type: 'identify', signedIn: true },
  { ago, event: 'Signed In', signedIn: true, properties: { method: 'password' } },
];

/**
 * A history whose answers are known by construction (docs: packages/collector/src/analytics/
 * analytics-contract.test.ts states them):
 * - alice: anonymous on a phone, views and adds to cart (cart c-alice) 3 days ago, signs in 10
 *   minutes later in a LATER batch, never orders: abandoned cart + signed in from a phone.
 * - bob: desktop, adds, signs in, orders 20 minutes later: neither abandoned nor a phone.
 * - carol: phone, everything in ONE batch: adds, signs in, orders 3 hours later: abandoned
 *   for `after: PT1H`, not for `after: PT6H`.
 * - dave: phone, adds to cart 2 days ago, never signs in: abandoned, not signed in.
 * - erin: phone, signed in 20 days ago (outside 7 days), adds 1 day ago: not in a 7-day "signed in".
 * - frank: identify traits {plan: pro}, phone, adds 10 minutes ago: not yet abandoned for PT1H.
 * - gina: tablet from a "newsletter" campaign, views, adds, signs in, orders within the day
 *   (the full funnel), identified with traits {plan: free}.
 */
export const HISTORY: readonly HistoryPerson[] = [
  {
    name: 'alice', anonymousId: 'anon-alice', userId: 'alice', device: 'mobile', utmSource: 'retargeting',
    batches: [
      [{ ago: day(3, 5), event: 'Product Viewed', properties: { product_id: 'p-c-alice', price: 18 } }, added(day(3), 'c-alice', 24)],
      signedIn(day(3) - 10),
    ],
  },
  {
    name: 'bob', anonymousId: 'anon-bob', userId: 'bob', device: 'desktop',
    batches: [[{ ago: day(2, 30), event: 'Product Viewed' }, added(day(2), 'c-bob'), ...signedIn(day(2) - 5), { ago: day(2) - 20, event: 'Order Completed', signedIn: true, properties: { order_id: 'o-bob', revenue: 18, currency: 'EUR', cart_id: 'c-bob' } }]],
  },
  {
    name: 'carol', anonymousId: 'anon-carol', userId: 'carol', device: 'mobile',
    batches: [[added(day(1), 'c-carol', 30), ...signedIn(day(1) - 5), { ago: day(1) - 180, event: 'Order Completed', signedIn: true, properties: { order_id: 'o-carol', revenue: 30, currency: 'EUR' } }]],
  },
  { name: 'dave', anonymousId: 'anon-dave', device: 'mobile', batches: [[added(day(2), 'c-dave')]] },
  {
    name: 'erin', anonymousId: 'anon-erin', userId: 'erin', device: 'mobile',
    batches: [signedIn(day(20)), [{ ...added(day(1), 'c-erin'), signedIn: true }]],
  },
  {
    name: 'frank', anonymousId: 'anon-frank', userId: 'frank', device: 'mobile',
    batches: [[{ ago: day(5), type: 'identify', signedIn: true, traits: { plan: 'pro', email: 'frank@example.com' } }], [{ ...added(10, 'c-frank'), signedIn: true }]],
  },
  {
    name: 'gina', anonymousId: 'anon-gina', userId: 'gina', device: 'tablet', utmSource: 'newsletter',
    batches: [[
      { ago: day(4, 60), event: 'Product Viewed', properties: { product_id: 'p-g', price: 40 } },
      added(day(4, 50), 'c-gina', 40),
      { ago: day(4, 40), type: 'identify', signedIn: true, traits: { plan: 'free', email: 'gina@example.com' } },
      { ago: day(4, 40), event: 'Signed In', signedIn: true },
      { ago: day(4, 10), event: 'Order Completed', signedIn: true, properties: { order_id: 'o-gina', revenue: 40, currency: 'EUR', cart_id: 'c-gina' } },
    ]],
  },
];

/**
 * The history as the store's rows, one write batch per browser request, in order, its times
 * counted back from `now`.
 *
 * @example
 * for (const events of historyBatches()) await store.write({ events, quarantined: [] });
 */
export function historyBatches(people: readonly HistoryPerson[] = HISTORY, source = 'default', now = HISTORY_NOW): EventRow[][] {
  let n = 0;
  return people.flatMap((person) =>
    person.batches.map((batch) =>
      batch.map((step): EventRow => {
        const type = step.type ?? 'track';
        const timestamp = new Date(now - step.ago * MINUTE).toISOString();
        const userId = step.signedIn ? (person.userId ?? null) : null;
        const messageId = `${person.name}-${String(++n).padStart(4, '0')}`;
        const event: Record<string, unknown> = {
          type, messageId, timestamp, anonymousId: person.anonymousId,
          ...(userId ? { userId } : {}),
          ...(type === 'track' ? { event: step.event, properties: step.properties ?? {} } : {}),
          ...(step.traits ? { traits: step.traits } : {}),
          ...(step.previousId ? { previousId: step.previousId } : {}),
          context: {
            device: { type: person.device },
            page: { path: '/shop' },
            sessionId: `s-${person.name}`,
            ...(person.utmSource ? { campaign: { source: person.utmSource, medium: 'email' } } : {}),
            ...person.context,
          },
        };
        return {
          source, messageId, type, event: type === 'track' ? (step.event ?? null) : null, name: null,
          anonymousId: person.anonymousId, userId, timestamp, originalTimestamp: timestamp, sentAt: timestamp,
          receivedAt: timestamp, raw: JSON.stringify(event), normalized: null,
        };
      }),
    ),
  );
}

export { DAY as HISTORY_DAY, day as historyDay };
